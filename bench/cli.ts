/**
 * CLI start-up benchmark (not a test): `npm run bench:cli [-- --runs N]`.
 *
 * Times `tourney --help`, `--version` and a command's own `--help` as whole processes, compiled as
 * `npx tourney` runs them (bin/tourney.mjs -> dist/cli), beside `node -e 0` on the same machine in
 * the same run: Node's own start-up is the floor, and the difference is what the CLI adds. The
 * runs are interleaved so a slow spell of the machine hits every command alike. Goal: `--help`
 * and `--version` under 150 ms.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values: opts } = parseArgs({
  options: { runs: { type: "string", default: "20" }, bin: { type: "string" } },
});
const RUNS = Number(opts.runs);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// --bin: another checkout's bin/tourney.mjs (built), to compare two versions in one run.
const bin = opts.bin ? path.resolve(opts.bin) : path.join(root, "bin/tourney.mjs");
const GOAL_MS = 150;

execFileSync(process.execPath, [path.join(root, "cli/build.mjs")], { stdio: "inherit" });

const cases: { label: string; args: string[]; goal: boolean }[] = [
  { label: "node -e 0 (Node's start-up, the floor)", args: ["-e", "0"], goal: false },
  { label: "tourney --version", args: [bin, "--version"], goal: true },
  { label: "tourney --help", args: [bin, "--help"], goal: true },
  { label: "tourney score --help", args: [bin, "score", "--help"], goal: false },
  { label: "tourney submit --help", args: [bin, "submit", "--help"], goal: false },
];
const env = { ...process.env, NO_COLOR: "1", TOURNEY_FROM_SOURCE: "" };
// CPU time (user + sys) of each process from GNU time when it is there: unlike wall time it
// hardly moves when other work shares the cores.
const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const times = cases.map(() => [] as number[]);
const cpu = cases.map(() => [] as number[]);
const failed = new Set<number>(); // exited non-zero (say, an older build without --version)
for (let r = 0; r < RUNS + 1; r++) {
  for (const [i, c] of cases.entries()) {
    const [cmd, args] = gnuTime
      ? [gnuTime, ["-f", "cpu %U %S", process.execPath, ...c.args]]
      : [process.execPath, c.args];
    const t0 = performance.now();
    const out = spawnSync(cmd, args, {
      env,
      stdio: ["ignore", "ignore", "pipe"],
      encoding: "utf8",
    });
    const ms = performance.now() - t0;
    if (out.status !== 0) failed.add(i);
    if (r === 0) continue; // the first round warms the disk cache
    times[i]!.push(ms);
    const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(out.stderr);
    if (m) cpu[i]!.push((Number(m[1]) + Number(m[2])) * 1000);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const floor = median(times[0]!);
let met = true;
for (const [i, c] of cases.entries()) {
  const m = median(times[i]!);
  const min = Math.min(...times[i]!);
  const extra = i === 0 ? "" : `, ${(m - floor).toFixed(0)} ms over node -e 0`;
  const cpuMs = cpu[i]!.length ? `; CPU median ${median(cpu[i]!).toFixed(0)} ms` : "";
  const exit = failed.has(i) ? " (exited non-zero)" : "";
  console.log(
    `cli ${c.label}${exit}: median ${m.toFixed(0)} ms, min ${min.toFixed(0)} ms${extra}${cpuMs}`,
  );
  if (c.goal && (m >= GOAL_MS || failed.has(i))) met = false;
}
console.log(
  `goal: tourney --help and --version under ${GOAL_MS} ms (median of ${RUNS} runs): ${met ? "met" : "not met"}`,
);
