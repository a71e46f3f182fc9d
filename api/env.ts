import { z } from "zod";

/** API configuration, parsed once from the environment at start. */
export const ApiConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().default("127.0.0.1"),
  /** Largest accepted submission or data upload, bytes. */
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(50 * 1024 * 1024),
  /** Requests per minute per API key (or per address without a key). */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  /** SIWE: the domain wallet-link messages must name; default the request's host. */
  SIWE_DOMAIN: z.string().min(1).optional(),
  /** SIWE: the chain id messages must name, when set. */
  SIWE_CHAIN_ID: z.coerce.number().int().positive().optional(),
  /** SIWE: how long a wallet nonce stays valid, seconds. */
  SIWE_NONCE_TTL_SECONDS: z.coerce.number().int().positive().default(600),
  /**
   * Accept webhook URLs on private and loopback addresses (the dev stack turns it on; keep it off
   * where the API can reach an internal network).
   */
  WEBHOOK_ALLOW_PRIVATE: z
    .enum(["0", "1", "true", "false"])
    .default("0")
    .transform((v) => v === "1" || v === "true"),
  /** The chain and Tournament contract the MCP `verify_round` tool checks rounds against. */
  CHAIN_RPC_URL: z.string().url().optional(),
  TOURNAMENT_ADDRESS: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/)
    .optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
});

export type ApiConfig = z.infer<typeof ApiConfigSchema>;

export function parseApiConfig(env: Record<string, string | undefined>): ApiConfig {
  return ApiConfigSchema.parse(env);
}
