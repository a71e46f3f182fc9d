import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { getAddress, verifyMessage } from "viem";
import { parseSiweMessage, validateSiweMessage } from "viem/siwe";
import { linkWallet } from "../../db";
import type { AppEnv } from "../context";
import { expectedSiweDomain } from "../env";
import { ApiError, errorResponses } from "../errors";
import type { App } from "../hono-app";
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

const proofError = (reason: string, message: string) =>
  new ApiError("invalid_wallet_proof", message, { reason });

/** The domain messages must name: from configuration only, never from the request. */
const siweDomain = (c: Context<AppEnv>) => expectedSiweDomain(c.get("services").config);

export function register(app: App) {
  app.openapi(nonce, async (c) => {
    const auth = requireAuth(c, "submit");
    const { nonces, config, now } = c.get("services");
    const issued = await nonces!.issue(auth.account.id, now?.() ?? new Date());
    return c.json(
      {
        nonce: issued.nonce,
        expiresAt: issued.expiresAt.toISOString(),
        domain: siweDomain(c),
        chainId: config.SIWE_CHAIN_ID ?? null,
      },
      201,
    );
  });

  app.openapi(link, async (c) => {
    const auth = requireAuth(c, "submit");
    const { db, nonces, config, now } = c.get("services");
    const { message, signature } = c.req.valid("json");
    const time = now?.() ?? new Date();
    const fields = parseSiweMessage(message);
    if (!fields.address || !fields.nonce || !fields.domain || fields.version !== "1") {
      throw proofError("message", "Not an EIP-4361 message");
    }
    if (fields.domain !== siweDomain(c)) {
      throw proofError("domain", `The message must be for domain '${siweDomain(c)}'`);
    }
    if (config.SIWE_CHAIN_ID !== undefined && fields.chainId !== config.SIWE_CHAIN_ID) {
      throw proofError("chain", `The message must name chain ${config.SIWE_CHAIN_ID}`);
    }
    if (!validateSiweMessage({ message: fields, time })) {
      throw proofError("message", "The message is expired, not yet valid or malformed");
    }
    let valid = false;
    try {
      valid = await verifyMessage({
        address: fields.address,
        message,
        signature: signature as `0x${string}`,
      });
    } catch {
      valid = false;
    }
    if (!valid) throw proofError("signature", "The signature is not the message's address's");
    // Consumed only once the proof is otherwise good, and never twice.
    if (!(await nonces!.consume(auth.account.id, fields.nonce, time))) {
      throw proofError("nonce", "Unknown, used or expired nonce; ask POST /v1/wallet/nonce");
    }
    const address = getAddress(fields.address);
    // One wallet, one account: the unique index decides a race between two accounts.
    if (!(await linkWallet(db, auth.account.id, address.toLowerCase()))) {
      throw new ApiError("wallet_already_linked", "This address is linked to another account");
    }
    return c.json({ accountId: auth.account.id, walletAddress: address }, 200);
  });
}
