import { existsSync, readFileSync } from "node:fs";
import type { Address } from "viem";
import { type Command, parseCommandArgs, required, UsageError } from "../command";
import { color } from "../ui";
import { verifyRound } from "../verify/round";

const usage = `Usage: tourney verify --round N [--api URL] [--rpc URL] [--tournament ADDRESS] [--json]

Recomputes a resolved round from its public bundle and checks it against the chain: live and
targets hashes, every submission's hash and the submissions Merkle root, stakes at risk, every
score and payout (recomputed with the scoring library), the scores root and the settlement
events. Exits 1 if anything differs.

Options:
  --round N              the round to verify
  --api URL              Tourney API (default: TOURNEY_API, or .tourney/dev.json)
  --rpc URL              chain RPC (default: TOURNEY_RPC, or .tourney/dev.json)
  --tournament ADDRESS   the Tournament contract (default: TOURNEY_TOURNAMENT, or .tourney/dev.json)
  --json                 print {"round", "ok", "checks": [{"name", "ok", "detail"}]}
  -h, --help             show this help`;

/** Local stack defaults (`npm start` writes them). */
function devDefaults(): { api?: string; rpcUrl?: string; contracts?: { tournament?: string } } {
  const path = process.env.TOURNEY_DEV_JSON ?? ".tourney/dev.json";
  return existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : {};
}

export const verify: Command = {
  name: "verify",
  usage,
  async run(argv) {
    const v = parseCommandArgs(argv, {
      round: { type: "string" },
      api: { type: "string" },
      rpc: { type: "string" },
      tournament: { type: "string" },
      json: { type: "boolean" },
    });
    const round = Number(required(v, "round"));
    if (!Number.isInteger(round) || round < 1)
      throw new UsageError("--round must be a positive integer");
    const dev = devDefaults();
    const api = v.api ?? process.env.TOURNEY_API ?? dev.api;
    const rpc = v.rpc ?? process.env.TOURNEY_RPC ?? dev.rpcUrl;
    const tournament = v.tournament ?? process.env.TOURNEY_TOURNAMENT ?? dev.contracts?.tournament;
    if (!api || !rpc || !tournament)
      throw new UsageError("--api, --rpc and --tournament are needed");
    const checks = await verifyRound({ api, rpc, tournament: tournament as Address, round });
    const ok = checks.every((c) => c.ok);
    if (v.json) {
      process.stdout.write(`${JSON.stringify({ round, ok, checks })}\n`);
    } else {
      for (const c of checks) {
        const mark = c.ok ? color.green("✓") : color.red("✗", process.stdout);
        process.stdout.write(`${mark} ${c.name}: ${c.detail}\n`);
      }
      process.stdout.write(
        ok
          ? `${color.green(`round ${round} verified`)}\n`
          : `${color.red(`round ${round} FAILED verification`, process.stdout)}\n`,
      );
    }
    return ok ? 0 : 1;
  },
};
