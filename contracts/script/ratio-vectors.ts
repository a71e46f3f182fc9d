// Writes contracts/test/vectors/ratios.json: payout ratio and payout vectors computed with the
// off-chain scorer's arithmetic (scoring/payout.ts: toWad, payoutRatio, payoutAmount). Forge
// checks them against the contract (test/PayoutVectors.t.sol: `payoutRatio` and real settles)
// and vitest against scoring/payout.ts (test/contracts/ratio-vectors.test.ts).
//
// payout.ts derives the payout factor from the round's stakeThreshold and total stake at risk;
// the contract takes the factor as posted at resolution, so each vector carries it.
//
//   npx tsx contracts/script/ratio-vectors.ts          write the file
//   npx tsx contracts/script/ratio-vectors.ts --check  fail if the file is not what it would write
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DEFAULT_PAYOUT_PARAMS,
  type PayoutParams,
  payoutAmount,
  payoutRatio,
  toWad,
  WAD,
} from "../../scoring/payout";

const out = join(dirname(fileURLToPath(import.meta.url)), "..", "test", "vectors", "ratios.json");
const T = WAD;

const PARAMS: PayoutParams[] = [
  DEFAULT_PAYOUT_PARAMS,
  { corrMultiplier: WAD, mmcMultiplier: WAD, payoutCap: WAD / 4n, stakeThreshold: 1_000n * T },
  {
    corrMultiplier: 100n * WAD,
    mmcMultiplier: 0n,
    payoutCap: WAD / 4n,
    stakeThreshold: 10_000n * T,
  },
  { corrMultiplier: WAD / 3n, mmcMultiplier: 3n * WAD, payoutCap: 1n, stakeThreshold: 5n * T },
];
const SCORES: [number, number][] = [
  [0.02, 0.01],
  [-0.02, -0.001],
  [0.0123, -0.0047],
  [0.5, 0.5],
  [-0.5, -0.5],
  [0.1, 0],
  [0, -0.0249],
  [-3e-18, 0],
  [1e-7, -3e-9],
  [0.031, 0.0005],
];
const TOTALS: bigint[] = [0n, 50_000n * T, 144_000n * T, 70_001_000n * T + 7n];
const STAKES: bigint[] = [
  1n,
  19n,
  123_456_789n,
  1_000n * T,
  72_000n * T + 3n,
  2n ** 86n,
  2n ** 88n - 1n,
];

/** The factor payout.ts applies: min(1, stakeThreshold / total), WAD, truncated. */
function factorOf(p: PayoutParams, total: bigint): bigint {
  if (total === 0n) return WAD;
  const f = (p.stakeThreshold * WAD) / total;
  // biome-ignore lint/complexity/useMathMinMax: bigint (Math.min takes numbers)
  return f < WAD ? f : WAD;
}

const vectors = [];
let i = 0;
for (const [pi, params] of PARAMS.entries()) {
  for (const [si, [corr, mmc]] of SCORES.entries()) {
    // Every score with two of the totals and one stake, so the file stays small but covers all.
    for (const total of [TOTALS[si % TOTALS.length], TOTALS[(si + pi + 1) % TOTALS.length]]) {
      const ratio = payoutRatio({ corr, mmc }, total, params);
      // The largest stake only burns: a positive payout on it would pass MAX_MODEL_STAKE.
      let stake = STAKES[i % STAKES.length];
      if (stake === 2n ** 88n - 1n && ratio > 0n) stake = 2n ** 86n;
      vectors.push({
        corr,
        mmc,
        corrWad: toWad(corr).toString(),
        mmcWad: toWad(mmc).toString(),
        corrMultiplier: params.corrMultiplier.toString(),
        mmcMultiplier: params.mmcMultiplier.toString(),
        payoutCap: params.payoutCap.toString(),
        stakeThreshold: params.stakeThreshold.toString(),
        totalStakeAtRisk: total.toString(),
        payoutFactor: factorOf(params, total).toString(),
        stakeAtRisk: stake.toString(),
        ratio: ratio.toString(),
        payout: payoutAmount(stake, ratio).toString(),
      });
      i++;
    }
  }
}

const text = `${JSON.stringify({ count: vectors.length, vectors }, null, 2)}\n`;
if (process.argv.includes("--check")) {
  if (readFileSync(out, "utf8") !== text) {
    console.error(
      "test/vectors/ratios.json is stale: run npx tsx contracts/script/ratio-vectors.ts",
    );
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
  console.log(`wrote ${vectors.length} vectors to ${out}`);
}
