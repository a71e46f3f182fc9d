import { createRoute } from "@hono/zod-openapi";
import { linkWallet } from "../../domain/wallet";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { requireAuth } from "../../middleware/auth";
import type { OkResponseOf, ParamsOf } from "../types";
import { json, LinkBody, Linked } from "./schemas";

export const route = createRoute({
  method: "post",
  path: "/v1/wallet",
  tags: ["accounts"],
  summary: "Link a wallet to the calling account with a signed SIWE message",
  description:
    "The message must name this API's domain, the nonce from `POST /v1/wallet/nonce` (one use, " +
    "issued to this account, not expired) and be signed by its address (EOA signature, checked " +
    "with viem). An address links to one account at a time.",
  security: [{ bearer: [] }],
  request: { body: { content: { "application/json": { schema: LinkBody } }, required: true } },
  responses: {
    200: { description: "Linked", content: json(Linked) },
    ...errorResponses(400, 401, 403, 409, 422, 429),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const auth = requireAuth(c, "submit");
    const services = c.get("services");
    const { message, signature } = c.req.valid("json");
    const linked = await linkWallet(
      { ...services, nonces: services.nonces! },
      { accountId: auth.account.id, message, signature: signature as `0x${string}` },
    );
    return c.json(linked, 200);
  });
}
