import { z } from "@hono/zod-openapi";
import { getAddress, isAddress } from "viem";

export { json } from "../types";
export const wei = (description = "token wei, decimal") => z.string().openapi({ description });

export const Position = z
  .object({
    modelId: z.string(),
    staker: z.string(),
    shares: wei("joined pool shares, not requested for unstake"),
    assets: wei("their value now (the same as atRisk)"),
    atRisk: wei(
      "value now of the joined shares not requested for unstake: what rounds closing from now on put at risk",
    ),
    waiting: z
      .object({
        assets: wei("deposits waiting to join the pool (no result touches them)"),
        untilRound: z.number().nullable().openapi({
          description: "they join once this round is finalized or cancelled (null: none waiting)",
        }),
      })
      .openapi({ description: "deposits made while a round was closed and unfinalized (R1)" }),
    pendingRelease: z
      .object({
        shares: wei("requested shares still in the pool, sharing the results of earlier rounds"),
        assets: wei("their value now (they leave the pool at the price of their release)"),
        requests: z.array(
          z.object({ requestId: z.number(), shares: wei("pool shares"), releaseRound: z.number() }),
        ),
      })
      .openapi({ description: "unstake requests not released yet" }),
    withdrawable: z
      .object({
        assets: wei("tokens `withdraw` pays now, all requests"),
        requests: z.array(z.object({ requestId: z.number(), assets: wei() })),
      })
      .openapi({ description: "released unstake requests not withdrawn yet" }),
  })
  .openapi("StakePosition");

export const UnstakeRequest = z
  .object({
    requestId: z.number(),
    modelId: z.string(),
    staker: z.string(),
    shares: wei("pool shares"),
    releaseRound: z.number().openapi({
      description: "released once this round is finalized or cancelled (0: at request)",
    }),
    released: z.boolean().openapi({ description: "withdrawable (or withdrawn)" }),
    assets: wei("tokens owed, once released").nullable(),
    withdrawn: z.boolean(),
    withdrawnAssets: wei().nullable(),
  })
  .openapi("UnstakeRequest");

export const StakerStakes = z
  .object({
    address: z.string(),
    positions: z.array(Position),
    unstakeRequests: z.array(UnstakeRequest),
  })
  .openapi("StakerStakes");

export const ModelStakes = z
  .object({
    modelId: z.string(),
    totalAssets: wei(),
    totalShares: wei("pool shares"),
    activeAssets: wei("value of the shares not requested for unstake"),
    waitingAssets: wei("deposits waiting to join the pool"),
    exitingShares: wei("requested shares still in the pool, waiting to leave"),
    block: z.number().nullable().openapi({ description: "block the pool was last read at" }),
    positions: z.array(Position),
    unstakeRequests: z.array(UnstakeRequest),
  })
  .openapi("ModelStakes");

export const checksum = (a: string) => (isAddress(a, { strict: false }) ? getAddress(a) : a);

export type RequestRow = {
  requestId: number;
  modelId: string;
  staker: string;
  shares: string;
  releaseRound: number;
  released: boolean;
  assets: string | null;
  withdrawn: boolean;
  withdrawnAssets: string | null;
};

export type PoolRow = { totalAssets: string; totalShares: string } | undefined;

/** Value of shares at a pool's price, rounded down with one virtual share and asset. */
export const sharesValue = (shares: bigint, pool: PoolRow) =>
  pool ? (shares * (BigInt(pool.totalAssets) + 1n)) / (BigInt(pool.totalShares) + 1n) : 0n;

export const positionJson = (
  p: {
    modelId: string;
    staker: string;
    shares: string;
    assets: string;
    waitingAssets: string;
    waitingUntilRound: number;
  },
  requests: RequestRow[],
  pool: PoolRow,
) => {
  const mine = requests.filter((r) => r.modelId === p.modelId && r.staker === p.staker);
  const pending = mine.filter((r) => !r.released && !r.withdrawn);
  const ready = mine.filter((r) => r.released && !r.withdrawn);
  const pendingShares = pending.reduce((a, r) => a + BigInt(r.shares), 0n);
  return {
    modelId: p.modelId,
    staker: checksum(p.staker),
    shares: p.shares,
    assets: p.assets,
    atRisk: p.assets,
    waiting: {
      assets: p.waitingAssets,
      untilRound: BigInt(p.waitingAssets) > 0n ? p.waitingUntilRound : null,
    },
    pendingRelease: {
      shares: pendingShares.toString(),
      assets: sharesValue(pendingShares, pool).toString(),
      requests: pending.map((r) => ({
        requestId: r.requestId,
        shares: r.shares,
        releaseRound: r.releaseRound,
      })),
    },
    withdrawable: {
      assets: ready.reduce((a, r) => a + BigInt(r.assets ?? "0"), 0n).toString(),
      requests: ready.map((r) => ({ requestId: r.requestId, assets: r.assets ?? "0" })),
    },
  };
};

export const requestJson = (r: RequestRow) => ({
  requestId: r.requestId,
  modelId: r.modelId,
  staker: checksum(r.staker),
  shares: r.shares,
  releaseRound: r.releaseRound,
  released: r.released,
  assets: r.assets,
  withdrawn: r.withdrawn,
  withdrawnAssets: r.withdrawnAssets,
});
