import { createRoute, z } from "@hono/zod-openapi";
import { getModel, modelStakeView } from "../../../db";
import { DomainError } from "../../errors";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { ModelId } from "../models";
import type { OkResponseOf, ParamsOf } from "../types";
import { json, ModelStakes, positionJson, requestJson } from "./schemas";

export const route = createRoute({
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

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
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
