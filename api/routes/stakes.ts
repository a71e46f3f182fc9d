import { createRoute, z } from "@hono/zod-openapi";
import { getAddress, isAddress } from "viem";
import { getModel, modelStakeView, stakerStakes } from "../../db";
import { DomainError } from "../errors";
import type { App } from "../hono-app";
import { errorResponses } from "../http/errors";
import { ModelId } from "./models";

const json = (schema: z.ZodType) => ({ "application/json": { schema } });
const wei = (description = "token wei, decimal") => z.string().openapi({ description });

const Position = z
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

const UnstakeRequest = z
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

const StakerStakes = z
  .object({
    address: z.string(),
    positions: z.array(Position),
    unstakeRequests: z.array(UnstakeRequest),
  })
  .openapi("StakerStakes");

const ModelStakes = z
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

export const byAddress = createRoute({
  method: "get",
  path: "/v1/stakes",
  tags: ["stakes"],
  summary: "A staker's positions and unstake requests, from the chain index",
  description:
    "`address` defaults to the wallet linked to the calling key's account. Per position: " +
    "`atRisk` (value now of the joined shares), `waiting` (deposits waiting to join, and the " +
    "round they wait for), `pendingRelease` (requests not released yet, with their release " +
    "round) and `withdrawable` (released requests not withdrawn: ids and amounts). Amounts are " +
    "read from the contract's views by the indexer (they trail the chain by its lag).",
  request: {
    query: z.object({
      address: z.string().optional().openapi({ example: "0x7099...79C8" }),
    }),
  },
  responses: {
    200: { description: "Stakes", content: json(StakerStakes) },
    ...errorResponses(400),
  },
});

export const byModel = createRoute({
  method: "get",
  path: "/v1/models/{id}/stakes",
  tags: ["stakes"],
  summary: "A model's pool, stakers and unstake requests, from the chain index",
  request: { params: z.object({ id: ModelId }) },
  responses: {
    200: { description: "Stakes", content: json(ModelStakes) },
    ...errorResponses(400, 404),
  },
});

const checksum = (a: string) => (isAddress(a, { strict: false }) ? getAddress(a) : a);

type RequestRow = {
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

type PoolRow = { totalAssets: string; totalShares: string } | undefined;

/** Value of shares at a pool's price, rounded down with one virtual share and asset. */
const sharesValue = (shares: bigint, pool: PoolRow) =>
  pool ? (shares * (BigInt(pool.totalAssets) + 1n)) / (BigInt(pool.totalShares) + 1n) : 0n;

const positionJson = (
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

const requestJson = (r: RequestRow) => ({
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

export function register(app: App) {
  app.openapi(byAddress, async (c) => {
    const given = c.req.valid("query").address ?? c.get("auth")?.account.walletAddress;
    if (!given) {
      throw new DomainError(
        "validation_failed",
        "Give ?address= (or link a wallet to your account)",
      );
    }
    if (!isAddress(given, { strict: false })) {
      throw new DomainError("validation_failed", "address must be a 0x-prefixed 20-byte address");
    }
    const view = await stakerStakes(c.get("services").db, given);
    return c.json(
      {
        address: getAddress(given),
        positions: view.positions.map((p) =>
          positionJson(
            p,
            view.unstakeRequests,
            view.pools.find((m) => m.modelId === p.modelId),
          ),
        ),
        unstakeRequests: view.unstakeRequests.map(requestJson),
      },
      200,
    );
  });

  app.openapi(byModel, async (c) => {
    const db = c.get("services").db;
    const model = await getModel(db, c.req.valid("param").id);
    if (!model) throw new DomainError("not_found", "No such model");
    const view = await modelStakeView(db, model.id);
    return c.json(
      {
        modelId: model.id,
        totalAssets: view.pool?.totalAssets ?? "0",
        totalShares: view.pool?.totalShares ?? "0",
        activeAssets: view.pool?.activeAssets ?? "0",
        waitingAssets: view.pool?.waitingAssets ?? "0",
        exitingShares: view.pool?.exitingShares ?? "0",
        block: view.pool?.block ?? null,
        positions: view.positions.map((p) => positionJson(p, view.unstakeRequests, view.pool)),
        unstakeRequests: view.unstakeRequests.map(requestJson),
      },
      200,
    );
  });
}
