import { createRoute } from "@hono/zod-openapi";
import { issueWalletNonce } from "../../domain/wallet";
import type { App } from "../../hono-app";
import { errorResponses } from "../../http/errors";
import { requireAuth } from "../../middleware/auth";
import type { OkResponseOf, ParamsOf } from "../types";
import { json, Nonce } from "./schemas";

export const route = createRoute({
  method: "post",
  path: "/v1/wallet/nonce",
  tags: ["accounts"],
  summary: "A one-time nonce for a Sign-In with Ethereum (EIP-4361) message",
  security: [{ bearer: [] }],
  responses: {
    201: { description: "Issued", content: json(Nonce) },
    ...errorResponses(401, 403, 429),
  },
});

export type Params = ParamsOf<typeof route>;
export type Response = OkResponseOf<typeof route>;

export function register(app: App) {
  app.openapi(route, async (c) => {
    const auth = requireAuth(c, "submit");
    const services = c.get("services");
    const issued = await issueWalletNonce(
      { ...services, nonces: services.nonces! },
      { accountId: auth.account.id },
    );
    return c.json({ ...issued, expiresAt: issued.expiresAt.toISOString() }, 201);
  });
}
