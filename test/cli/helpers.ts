export { csv, rng, until } from "../helpers/common";

import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { csv, rng } from "../helpers/common";

const BIN = resolve(import.meta.dirname, "../../bin/tourney.mjs");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

/**
 * Runs `node bin/tourney.mjs ...args` asynchronously (the stack under test lives in this
 * process, so a synchronous spawn would starve it).
 */
export function tourney(
  args: string[],
  opts: { env?: Record<string, string | undefined>; cwd?: string; input?: string } = {},
): Promise<RunResult> {
  return new Promise((done, fail) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: "1", ...opts.env })) {
      if (v !== undefined) env[k] = v;
    }
    // Never let the developer's own login or env leak into a test run.
    for (const k of ["TOURNEY_API", "TOURNEY_API_KEY", "TOURNEY_PRIVATE_KEY", "TOURNEY_RPC_URL"]) {
      if (!opts.env || !(k in opts.env)) delete env[k];
    }
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: opts.cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", fail);
    child.stdin.end(opts.input ?? "");
    child.on("close", (code) => {
      let json: any;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      done({ code: code ?? -1, stdout, stderr, json });
    });
  });
}

/** A small round: ids, features, targets and two prediction sets (one good, one bad). */
export function roundData(seed: number, n = 60) {
  const rand = rng(seed);
  const ids = Array.from({ length: n }, (_, i) => `id${String(i).padStart(3, "0")}`);
  const features = ids.map(() => [rand(), rand()]);
  const targets = ids.map(() => [0, 0.25, 0.5, 0.75, 1][Math.floor(rand() * 5)]!);
  const good = targets.map((t) => Math.min(1, Math.max(0, 0.5 * t + 0.5 * rand())));
  const bad = targets.map((t) => Math.min(1, Math.max(0, 1 - 0.6 * t - 0.4 * rand())));
  return {
    ids,
    live: csv(
      "id,feature_0,feature_1",
      ids.map((id, i) => [id, ...features[i]!]),
    ),
    targets: csv(
      "id,target",
      ids.map((id, i) => [id, targets[i]!]),
    ),
    preds: (p: number[]) =>
      csv(
        "id,prediction",
        ids.map((id, i) => [id, p[i]!]),
      ),
    good,
    bad,
  };
}
