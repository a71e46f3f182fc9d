import { createRoute, z } from "@hono/zod-openapi";
import { submissionsTree } from "../../../contracts/ts/merkle";
import { getRound, selectedSubmissions, submissionById } from "../../../db";
import { DomainError } from "../../errors";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { ModelId } from "../models";
import type { OkResponseOf, ParamsOf } from "../types";
import { Receipt } from "./schemas";

export const route = createRoute({
  method: "get",
  path: "/v1/models/{id}/submissions/{sid}/receipt",
  tags: ["verify"],
  summary: "Merkle proof that a submission is (or is not) in the round's on-chain commitment",
  request: { params: z.object({ id: ModelId, sid: z.string() }) },
  responses: {
    200: { description: "Receipt", content: { "application/json": { schema: Receipt } } },
    ...errorResponses(404, 409),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const { id, sid } = c.req.valid("param");
    const db = c.get("services").db;
    const sub = await submissionById(db, id, sid);
    if (!sub) throw new DomainError("not_found", "No such submission for this model");
    const round = await getRound(db, sub.round);
    if (!round?.submissionsRoot) {
      throw new DomainError("round_state", `Round ${sub.round} is not closed on chain yet`);
    }
    const selected = await selectedSubmissions(db, sub.round);
    const tree = submissionsTree(selected);
    const leaf = { modelId: sub.modelId as `0x${string}`, sha256: `0x${sub.sha256}` };
    let proof: string[] = [];
    let included = false;
    for (const [i, v] of tree.entries()) {
      if (v[0] === leaf.modelId && v[1] === leaf.sha256) {
        proof = tree.getProof(i);
        included = true;
      }
    }
    return c.json(
      {
        round: sub.round,
        submissionId: sub.id,
        leaf,
        included,
        proof,
        root: round.submissionsRoot,
        closeTx: round.closeTx,
      },
      200,
    );
  });
}
