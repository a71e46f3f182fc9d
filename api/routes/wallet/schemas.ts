import { z } from "@hono/zod-openapi";

export { json } from "../types";

export const Nonce = z
  .object({
    nonce: z.string().openapi({ description: "put it in the SIWE message's Nonce field" }),
    expiresAt: z.string(),
    domain: z.string().openapi({ description: "the domain the message must name" }),
    chainId: z.number().nullable().openapi({ description: "the chain id it must name, if any" }),
  })
  .openapi("WalletNonce");

export const LinkBody = z
  .object({
    message: z.string().min(1).max(4000).openapi({ description: "EIP-4361 message" }),
    signature: z.string().regex(/^0x[0-9a-fA-F]+$/, "0x-hex signature"),
  })
  .openapi("WalletLink");

export const Linked = z
  .object({ accountId: z.string(), walletAddress: z.string() })
  .openapi("LinkedWallet");
