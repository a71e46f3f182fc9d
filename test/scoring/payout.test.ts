import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PAYOUT_PARAMS, payoutAmount, payoutRatio, toWad, WAD } from "../../scoring";
import { readJson, repoRoot } from "./helpers";

const T = WAD; // one token in wei

describe("toWad", () => {
  it("truncates toward zero", () => {
    expect(toWad(0.5)).toBe(WAD / 2n);
    expect(toWad(-0.5)).toBe(-WAD / 2n);
    expect(toWad(1e-19)).toBe(0n);
    expect(toWad(-1e-19)).toBe(0n);
    expect(toWad(0.1)).toBe(100000000000000000n);
    expect(toWad(-2.9e-18)).toBe(-2n);
  });
});

describe("payoutRatio", () => {
  const p = DEFAULT_PAYOUT_PARAMS;
  it("uses Numerai's defaults", () => {
    expect(p).toEqual({
      corrMultiplier: 500000000000000000n,
      mmcMultiplier: 2000000000000000000n,
      payoutCap: 50000000000000000n,
      stakeThreshold: 72000n * T,
    });
  });
  it("0.5 CORR + 2 MMC below the threshold (factor 1)", () => {
    expect(payoutRatio({ corr: 0.02, mmc: 0.01 }, 50_000n * T)).toBe(30000000000000000n);
    expect(payoutRatio({ corr: -0.02, mmc: -0.001 }, 0n)).toBe(-12000000000000000n);
  });
  it("scales by threshold / total above the threshold, truncating each division", () => {
    // factor = 72000/144000 = 0.5 ; score = 0.5*0.03 + 2*0.004 = 0.023 -> 0.0115
    expect(payoutRatio({ corr: 0.03, mmc: 0.004 }, 144_000n * T)).toBe(11500000000000000n);
    // factor = 72000e18 * 1e18 / 70001e21 truncated
    const factor = (72_000n * T * WAD) / (70_001_000n * T);
    const score = (p.corrMultiplier * toWad(0.01)) / WAD;
    expect(payoutRatio({ corr: 0.01, mmc: 0 }, 70_001_000n * T)).toBe((factor * score) / WAD);
  });
  it("clips at the cap, both signs, and exactly at the edge", () => {
    expect(payoutRatio({ corr: 0.5, mmc: 0.5 }, 1n)).toBe(p.payoutCap);
    expect(payoutRatio({ corr: -0.5, mmc: -0.5 }, 1n)).toBe(-p.payoutCap);
    expect(payoutRatio({ corr: 0.1, mmc: 0 }, 1n)).toBe(p.payoutCap); // exactly 0.05
    expect(payoutRatio({ corr: 0, mmc: 0.025 }, 1n)).toBe(p.payoutCap);
    expect(payoutRatio({ corr: 0, mmc: -0.0249 }, 1n)).toBe(-49800000000000000n);
  });
  it("rounds a negative score toward zero (never more burn than the formula)", () => {
    // score = 0.5 * (-3e-18) = -1.5e-18 -> -1 wei-of-WAD, not -2
    const params = { ...p, corrMultiplier: WAD / 2n };
    expect(payoutRatio({ corr: -3e-18, mmc: 0 }, 0n, params)).toBe(-1n);
    expect(payoutRatio({ corr: 3e-18, mmc: 0 }, 0n, params)).toBe(1n);
  });
});

describe("payoutAmount", () => {
  it("is stake * ratio / WAD, signed and truncated toward zero", () => {
    expect(payoutAmount(1000n * T, WAD / 20n)).toBe(50n * T);
    expect(payoutAmount(1000n * T, -WAD / 20n)).toBe(-50n * T);
    expect(payoutAmount(3n, WAD / 2n)).toBe(1n); // 1.5 -> 1
    expect(payoutAmount(3n, -WAD / 2n)).toBe(-1n); // -1.5 -> -1
    expect(payoutAmount(0n, WAD / 20n)).toBe(0n);
    expect(payoutAmount(123_456_789n, 0n)).toBe(0n);
  });
});

const vectorsFile = path.join(repoRoot, "contracts", "test", "vectors", "payouts.json");

describe("shared payout vectors (contracts/test/vectors)", () => {
  it("payoutAmount matches every vector the contract is tested with", () => {
    const { count, vectors } = readJson<{
      count: number;
      vectors: { stakeAtRisk: string; ratio: string; payout: string }[];
    }>(vectorsFile);
    expect(vectors.length).toBe(count);
    expect(count).toBeGreaterThan(0);
    for (const v of vectors) {
      expect(payoutAmount(BigInt(v.stakeAtRisk), BigInt(v.ratio)), JSON.stringify(v)).toBe(
        BigInt(v.payout),
      );
    }
  });
});
