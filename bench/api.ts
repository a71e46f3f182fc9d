/**
 * API submission benchmark (not a test): `npm run bench:api [-- --seconds 10 --warmup 3
 * --connections 32 --rows 5000 --values short|full --pool 16 --processes 2]`.
 *
 * Starts the standalone Node server (api/serve.ts, `processes` server processes sharing the
 * port, `pool` Postgres connections in all) against a fresh database on real Postgres (created from
 * TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test, dropped at the end), opens
 * a round with `rows` live ids, creates one account and model per connection, then drives
 * `rows`-row CSV submissions from `connections` keep-alive connections over loopback for
 * `seconds` after `warmup` seconds of the same load (autocannon, in its own process:
 * bench/api-load.mjs). The figures are those of the measured period; the warm-up's (a server just
 * started: JIT, pool connections, prepared statements, the round's live index) print on their own
 * line. Every submission goes the whole way: auth, CSV parse, validation, canonicalisation,
 * SHA-256, the store in one transaction. Prints submissions/s, p50/p90/p99 latency, errors, CPU
 * per submission (server, Postgres, load generator) and whether the issue's goal is met.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { createAccount } from "../api/domain/accounts";
import { openDb } from "../db";
import { startBenchApi } from "./api-server";

const { values: opts } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "32" },
    rows: { type: "string", default: "5000" },
    pool: { type: "string", default: "16" },
    processes: { type: "string", default: "2" },
    /**
     * `short`: six decimals (0.123456), as rounded or rank predictions are written; `full`: every
     * digit of a double (0.49872137117385864), as pandas or numpy write raw model outputs.
     */
    values: { type: "string", default: "short" },
    /** Write V8 CPU profiles of the server processes to this folder. */
    profile: { type: "string" },
  },
});
const SECONDS = Math.min(60, Number(opts.seconds));
const WARMUP = Math.min(60, Math.max(0, Number(opts.warmup)));
const CONNECTIONS = Number(opts.connections);
const ROWS = Number(opts.rows);
const POOL = Number(opts.pool);
const PROCESSES = Number(opts.processes);
const VALUES = opts.values === "full" ? "full" : "short";
const here = path.dirname(fileURLToPath(import.meta.url));

/** Connection c's prediction for row i: distinct, deterministic, in [0, 1). */
function prediction(i: number, c: number): number {
  const k = ((i * 2654435761 + c * 40503) >>> 0) % 1e6;
  if (VALUES === "short") return k / 1e6;
  // A double with all its digits: k/1e6 plus a fraction of a millionth from a second hash.
  return k / 1e6 + (((i * 40503 + c * 2654435761) >>> 0) / 2 ** 32) * 1e-6;
}

const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const dbName = `tourney_bench_${randomBytes(4).toString("hex")}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;

const handle = await openDb({ url: url.toString(), max: 4 });
const profile = opts.profile ? ["--cpu-prof", `--cpu-prof-dir=${opts.profile}`] : [];
const api = await startBenchApi(
  {
    DATABASE_URL: url.toString(),
    API_PROCESSES: String(PROCESSES),
    DB_POOL: String(Math.max(1, Math.round(POOL / PROCESSES))),
    RATE_LIMIT_PER_MINUTE: "100000000",
  },
  profile,
);
const { server } = api;

try {
  const ids = Array.from({ length: ROWS }, (_, i) => `n${String(i * 7919).padStart(9, "0")}`);
  const operator = await createAccount(
    { db: handle.db },
    { name: "operator", scopes: ["read", "submit", "operator"] },
  );
  const form = new FormData();
  // The live file lists ids in no particular order (not sorted), as real ones do; submissions
  // come back in the live file's order.
  ids.sort(
    (a, b) =>
      ((a.charCodeAt(5) * 31 + a.charCodeAt(8)) % 17) -
      ((b.charCodeAt(5) * 31 + b.charCodeAt(8)) % 17),
  );
  const live = `id,f1,f2\n${ids.map((id, i) => `${id},${(i % 5) / 4},${(i % 3) / 2}`).join("\n")}\n`;
  form.set("live", new File([live], "live.csv", { type: "text/csv" }));
  form.set("closesAt", new Date(Date.now() + 3_600_000).toISOString());
  form.set("resolvesAt", new Date(Date.now() + 7_200_000).toISOString());
  const opened = await fetch(`${api.url}/v1/rounds`, {
    method: "POST",
    headers: { authorization: `Bearer ${operator.secret}` },
    body: form,
  });
  if (opened.status !== 201) throw new Error(`open round: ${opened.status} ${await opened.text()}`);

  const targets = [];
  for (let c = 0; c < CONNECTIONS; c++) {
    const acc = await createAccount({ db: handle.db }, { name: `bench${c}` });
    const res = await fetch(`${api.url}/v1/models`, {
      method: "POST",
      headers: { authorization: `Bearer ${acc.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ name: `bench-${c}` }),
    });
    const model = (await res.json()) as { id: string };
    const rows = ids.map((id, i) => `${id},${prediction(i, c)}`);
    targets.push({
      path: `/v1/models/${model.id}/submissions`,
      key: acc.secret,
      body: `id,prediction\n${rows.join("\n")}\n`,
    });
  }
  const bodyKb = Math.round(Buffer.byteLength(targets[0]!.body) / 1024);
  console.log(
    `bench:api  ${CONNECTIONS} connections x ${SECONDS}s after ${WARMUP}s warm-up, ${ROWS}-row CSV submissions (${bodyKb} KB, ${VALUES} numbers), ` +
      `${PROCESSES} server process(es), Postgres pool ${POOL}, node ${process.version}`,
  );
  const isServer = (pid: number) => api.pids.includes(pid);
  let serverCpu0 = cpuMs((_, pid) => isServer(pid));
  let postgresCpu0 = cpuMs((name) => name.startsWith("postgres"));
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, "api-load.mjs")], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      // The warm-up is over: count CPU from here.
      const marker = '{"phase":"measuring"}\n';
      if (out.startsWith(marker)) {
        out = out.slice(marker.length);
        serverCpu0 = cpuMs((_, pid) => isServer(pid));
        postgresCpu0 = cpuMs((name) => name.startsWith("postgres"));
      }
    });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`load: ${code}`))));
    child.stdin.end(
      JSON.stringify({ url: api.url, seconds: SECONDS, warmupSeconds: WARMUP, targets }),
    );
  });
  type Figures = {
    requests: number;
    rps: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
    errors: number;
    statuses: Record<string, number>;
    cpuMs: number;
  };
  const r = JSON.parse(stdout) as Figures & { warmup: Figures | null };
  const serverCpu = cpuMs((_, pid) => isServer(pid)) - serverCpu0;
  const postgresCpu = cpuMs((name) => name.startsWith("postgres")) - postgresCpu0;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  if (r.warmup) {
    const w = r.warmup;
    console.log(
      `warm-up (not counted): ${w.requests} in ${WARMUP}s = ${w.rps.toFixed(0)}/s  ` +
        `p50 ${ms(w.p50)}  p99 ${ms(w.p99)}  max ${ms(w.max)}  errors ${w.errors}`,
    );
  }
  console.log(
    `submissions: ${r.requests} in ${SECONDS}s = ${r.rps.toFixed(0)}/s  ` +
      `p50 ${ms(r.p50)}  p90 ${ms(r.p90)}  p99 ${ms(r.p99)}  max ${ms(r.max)}  ` +
      `errors ${r.errors}  statuses ${JSON.stringify(r.statuses)}`,
  );
  // Where the two cores went, per submission (CPU time, not wall time).
  const per = (cpuMs: number) => `${(cpuMs / Math.max(1, r.requests)).toFixed(2)} ms`;
  console.log(
    `cpu per submission: API server ${Number.isNaN(serverCpu) ? "n/a" : per(serverCpu)}  ` +
      `Postgres ${Number.isNaN(postgresCpu) ? "n/a" : per(postgresCpu)}  load generator ${per(r.cpuMs)}`,
  );
  const met = r.rps >= 500 && r.p99 <= 100 && r.errors === 0;
  console.log(
    `goal: >= 500 submissions/s with p99 <= 100 ms at 32 connections: ${met ? "met" : "not met"}`,
  );
} finally {
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  await handle.close();
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}

/** CPU time (ms) used so far by the processes `pick` chooses (Linux /proc), else NaN. */
function cpuMs(pick: (name: string, pid: number) => boolean): number {
  try {
    const tick = 10; // USER_HZ is 100 on Linux: one tick is 10 ms
    let ticks = 0;
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const close = stat.lastIndexOf(")");
        if (!pick(stat.slice(stat.indexOf("(") + 1, close), Number(pid))) continue;
        const fields = stat.slice(close + 2).split(" ");
        ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
      } catch {
        // the process ended meanwhile
      }
    }
    return ticks * tick;
  } catch {
    return Number.NaN;
  }
}
