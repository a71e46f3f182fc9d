import { createRoute, z } from "@hono/zod-openapi";
import { issueWalletNonce, linkWallet } from "../domain/wallet";
import type { App } from "../hono-app";
import { errorResponses } from "../http/errors";
import { requireAuth } from "../middleware/auth";

const json = (schema: z.ZodType) => ({ "application/json": { schema } });

const Nonce = z
  .object({
    nonce: z.string().openapi({ description: "put it in the SIWE message's Nonce field" }),
    expiresAt: z.string(),
    domain: z.string().openapi({ description: "the domain the message must name" }),
    chainId: z.number().nullable().openapi({ description: "the chain id it must name, if any" }),
  })
  .openapi("WalletNonce");

const LinkBody = z
  .object({
    message: z.string().min(1).max(4000).openapi({ description: "EIP-4361 message" }),
    signature: z.string().regex(/^0x[0-9a-fA-F]+$/, "0x-hex signature"),
  })
  .openapi("WalletLink");

const Linked = z
  .object({ accountId: z.string(), walletAddress: z.string() })
  .openapi("LinkedWallet");

export const nonce = createRoute({
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

export const link = createRoute({
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

export function register(app: App) {
  app.openapi(nonce, async (c) => {
    const auth = requireAuth(c, "submit");
    const services = c.get("services");
    const issued = await issueWalletNonce(
      { ...services, nonces: services.nonces! },
      { accountId: auth.account.id },
    );
    return c.json({ ...issued, expiresAt: issued.expiresAt.toISOString() }, 201);
  });

  app.openapi(link, async (c) => {
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
