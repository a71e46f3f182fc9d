#!/usr/bin/env node
// Gas bench: runs the scenarios in contracts/test/gas with `forge test --isolate --json` (every
// call from the test is its own transaction: cold storage, 21,000 base and calldata included)
// and prints one line `gas <operation>: <number>` per forge gas snapshot they record.
//
//   npm run bench:gas              print the figures
//   npm run bench:gas -- --goals   also fail when a goal below is missed
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const contracts = join(dirname(fileURLToPath(import.meta.url)), "..");
const localForge = join(contracts, "..", "node_modules", ".bin", "forge");
const forge = existsSync(localForge) ? localForge : "forge";

// Printed first, in this order; any other snapshot follows, sorted by name.
const ORDER = [
  "stake",
  "stake/first-on-new-model",
  "stake/top-up",
  "stakeWithPermit",
  "requestUnstake",
  "requestUnstake/immediate",
  "withdraw",
  "withdraw/immediate",
  "fundRewards",
  "openRound",
  "closeRound",
  "resolveRound",
  "finalizeRound",
  "settle/model@1",
  "settle/model@100",
  "settle/model@1000",
  "settle/model@1000/overlap-0",
  "settle/model@1000/overlap-1",
  "settle/model@1000/overlap-4",
  "settle/model@1000/overlap-24",
  "settle/batch@1000",
  "stake/overlap-4",
  "requestUnstake/overlap-4",
  "withdraw/overlap-4",
];

// Goals of the staking issues (whole transaction gas; settle per model = batch gas / models).
// Issue 13: settle at most 20,000 per model at every overlap (15,000 the aim), stake at most
// 80,000, requestUnstake at most 120,000, a 1,000-model settle batch under 25M.
const GOALS = {
  stake: 80_000,
  "stake/overlap-4": 80_000,
  "requestUnstake/overlap-4": 120_000,
  "settle/model@1000": 20_000,
  "settle/model@1000/overlap-0": 20_000,
  "settle/model@1000/overlap-1": 20_000,
  "settle/model@1000/overlap-4": 20_000,
  "settle/model@1000/overlap-24": 20_000,
  "settle/batch@1000": 25_000_000 - 1,
};

const run = spawnSync(forge, ["test", "--match-path", "test/gas/*.t.sol", "--isolate", "--json"], {
  cwd: contracts,
  encoding: "utf8",
  maxBuffer: 256 * 1024 * 1024,
});
if (run.error) {
  console.error(`could not run forge: ${run.error.message}`);
  process.exit(1);
}
const line = run.stdout
  .split("\n")
  .reverse()
  .find((l) => l.trimStart().startsWith("{"));
if (!line) {
  console.error(run.stdout, run.stderr);
  console.error("forge printed no JSON report");
  process.exit(1);
}

const report = JSON.parse(line);
const snapshots = new Map();
let failed = 0;
for (const [suite, { test_results: results }] of Object.entries(report)) {
  for (const [name, result] of Object.entries(results)) {
    if (result.status !== "Success") {
      failed++;
      console.error(`${suite} ${name}: ${result.status} ${result.reason ?? ""}`);
    }
    for (const group of Object.values(result.gas_snapshots ?? {})) {
      for (const [key, value] of Object.entries(group)) snapshots.set(key, Number(value));
    }
  }
}
if (failed > 0 || run.status !== 0) {
  console.error(run.stderr);
  process.exit(1);
}

// The batch line: the largest whole 1,000-model settle transaction, at any overlap.
const batches = [...snapshots.entries()].filter(
  ([name]) => name.startsWith("settle/model@1000") && name.endsWith("/total"),
);
if (batches.length > 0) {
  snapshots.set("settle/batch@1000", Math.max(...batches.map(([, gas]) => gas)));
}

const names = [
  ...ORDER.filter((n) => snapshots.has(n)),
  ...[...snapshots.keys()].filter((n) => !ORDER.includes(n)).sort(),
];
for (const name of names) console.log(`gas ${name}: ${snapshots.get(name)}`);

const missing = ORDER.filter((n) => !snapshots.has(n) && n !== "fundRewards");
if (missing.length > 0) {
  console.error(`missing snapshots: ${missing.join(", ")}`);
  process.exit(1);
}
if (process.argv.includes("--goals")) {
  let missed = 0;
  for (const [name, limit] of Object.entries(GOALS)) {
    const gas = snapshots.get(name);
    if (gas > limit) {
      missed++;
      console.error(`goal missed: ${name} ${gas} > ${limit}`);
    }
  }
  if (missed > 0) process.exit(1);
}
