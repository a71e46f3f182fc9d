import path from "node:path";
import { describe, expect, it } from "vitest";
import { payoutAmount, payoutRatio, toWad, WAD } from "../../scoring";
import { readJson, repoRoot } from "../scoring/helpers";

interface Vector {
  corr: number;
  mmc: number;
  corrWad: string;
  mmcWad: string;
  corrMultiplier: string;
  mmcMultiplier: string;
  payoutCap: string;
  stakeThreshold: string;
  totalStakeAtRisk: string;
  payoutFactor: string;
  stakeAtRisk: string;
  ratio: string;
  payout: string;
}

const file = path.join(repoRoot, "contracts", "test", "vectors", "ratios.json");
const { count, vectors } = readJson<{ count: number; vectors: Vector[] }>(file);

/** The contract's ratio (ITournament R4) with the factor posted at resolution. */
function contractRatio(v: Vector): bigint {
  const score =
    (BigInt(v.corrMultiplier) * BigInt(v.corrWad) + BigInt(v.mmcMultiplier) * BigInt(v.mmcWad)) /
    WAD;
  const ratio = (BigInt(v.payoutFactor) * score) / WAD;
  const cap = BigInt(v.payoutCap);
  return ratio > cap ? cap : ratio < -cap ? -cap : ratio;
}

describe("shared ratio vectors (contracts/test/vectors/ratios.json, also checked by forge)", () => {
  it("holds the vectors it announces, with varied results", () => {
    expect(vectors.length).toBe(count);
    expect(count).toBeGreaterThan(40);
    expect(new Set(vectors.map((v) => v.ratio)).size).toBeGreaterThan(20);
    expect(vectors.some((v) => BigInt(v.payout) < 0n)).toBe(true);
    expect(vectors.some((v) => BigInt(v.payoutFactor) < WAD)).toBe(true);
  });

  it("scores are the scorer's WAD (toWad)", () => {
    for (const v of vectors) {
      expect(toWad(v.corr), JSON.stringify(v)).toBe(BigInt(v.corrWad));
      expect(toWad(v.mmc), JSON.stringify(v)).toBe(BigInt(v.mmcWad));
    }
  });

  it("payoutRatio from the total stake gives the vector's ratio", () => {
    for (const v of vectors) {
      const params = {
        corrMultiplier: BigInt(v.corrMultiplier),
        mmcMultiplier: BigInt(v.mmcMultiplier),
        payoutCap: BigInt(v.payoutCap),
        stakeThreshold: BigInt(v.stakeThreshold),
      };
      expect(
        payoutRatio({ corr: v.corr, mmc: v.mmc }, BigInt(v.totalStakeAtRisk), params),
        JSON.stringify(v),
      ).toBe(BigInt(v.ratio));
    }
  });

  it("the posted factor is min(1, threshold / total) and gives the same ratio on chain", () => {
    for (const v of vectors) {
      const total = BigInt(v.totalStakeAtRisk);
      const f = total === 0n ? WAD : (BigInt(v.stakeThreshold) * WAD) / total;
      expect(BigInt(v.payoutFactor), JSON.stringify(v)).toBe(f < WAD ? f : WAD);
      expect(contractRatio(v), JSON.stringify(v)).toBe(BigInt(v.ratio));
    }
  });

  it("payoutAmount gives the vector's payout", () => {
    for (const v of vectors) {
      expect(payoutAmount(BigInt(v.stakeAtRisk), BigInt(v.ratio)), JSON.stringify(v)).toBe(
        BigInt(v.payout),
      );
    }
  });
});
