import { createRoute, z } from "@hono/zod-openapi";
import { getAddress, isAddress } from "viem";
import { stakerStakes } from "../../../db";
import { DomainError } from "../../errors";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import type { OkResponseOf, ParamsOf } from "../types";
import { json, positionJson, requestJson, StakerStakes } from "./schemas";

export const route = createRoute({
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

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
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
}
