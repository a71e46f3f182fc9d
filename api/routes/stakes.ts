import { createRoute, z } from "@hono/zod-openapi";
import { getAddress, isAddress } from "viem";
import { getModel, modelStakeView, stakerStakes } from "../../db";
import { ApiError, errorResponses } from "../errors";
import type { App } from "../hono-app";
import { ModelId } from "./models";

const json = (schema: z.ZodType) => ({ "application/json": { schema } });
const wei = (description = "token wei, decimal") => z.string().openapi({ description });

const Position = z
  .object({ modelId: z.string(), staker: z.string(), shares: wei("pool shares"), assets: wei() })
  .openapi("StakePosition");

const UnstakeRequest = z
  .object({
    requestId: z.number(),
    modelId: z.string(),
    staker: z.string(),
    shares: wei("pool shares"),
    releaseRound: z.number(),
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
    activeAssets: wei("assets that can be put at risk (not pending release)"),
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
    "`address` defaults to the wallet linked to the calling key's account. Amounts are as " +
    "indexed from chain (they trail the chain by the indexer's lag).",
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

const positionJson = (p: { modelId: string; staker: string; shares: string; assets: string }) => ({
  modelId: p.modelId,
  staker: checksum(p.staker),
  shares: p.shares,
  assets: p.assets,
});

const requestJson = (r: {
  requestId: number;
  modelId: string;
  staker: string;
  shares: string;
  releaseRound: number;
  withdrawn: boolean;
  withdrawnAssets: string | null;
}) => ({
  requestId: r.requestId,
  modelId: r.modelId,
  staker: checksum(r.staker),
  shares: r.shares,
  releaseRound: r.releaseRound,
  withdrawn: r.withdrawn,
  withdrawnAssets: r.withdrawnAssets,
});

export function register(app: App) {
  app.openapi(byAddress, async (c) => {
    const given = c.req.valid("query").address ?? c.get("auth")?.account.walletAddress;
    if (!given) {
      throw new ApiError("validation_failed", "Give ?address= (or link a wallet to your account)");
    }
    if (!isAddress(given, { strict: false })) {
      throw new ApiError("validation_failed", "address must be a 0x-prefixed 20-byte address");
    }
    const view = await stakerStakes(c.get("services").db, given);
    return c.json(
      {
        address: getAddress(given),
        positions: view.positions.map(positionJson),
        unstakeRequests: view.unstakeRequests.map(requestJson),
      },
      200,
    );
  });

  app.openapi(byModel, async (c) => {
    const db = c.get("services").db;
    const model = await getModel(db, c.req.valid("param").id);
    if (!model) throw new ApiError("not_found", "No such model");
    const view = await modelStakeView(db, model.id);
    return c.json(
      {
        modelId: model.id,
        totalAssets: view.pool?.totalAssets ?? "0",
        totalShares: view.pool?.totalShares ?? "0",
        activeAssets: view.pool?.activeAssets ?? "0",
        block: view.pool?.block ?? null,
        positions: view.positions.map(positionJson),
        unstakeRequests: view.unstakeRequests.map(requestJson),
      },
      200,
    );
  });
}
