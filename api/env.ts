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
  /** Largest JSON (or other non-upload) request body, bytes. */
  MAX_JSON_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  /**
   * Big upload bodies (chunked, or declared over 1 MB) one account (or one address, without a
   * key) may send at once; another is refused with 429 before it is read. Bounds what concurrent big uploads cost memory and the
   * event loop's thread (each is read into memory up to MAX_UPLOAD_BYTES).
   */
  UPLOADS_IN_FLIGHT: z.coerce.number().int().positive().default(2),
  /** Requests per minute per account (all its keys together), or per address without a key. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  /** Failed authentications (unknown, revoked or malformed keys) per minute per address. */
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().positive().default(30),
  /** Accounts created per hour per address (`POST /v1/accounts`). */
  SIGNUPS_PER_HOUR: z.coerce.number().int().positive().default(30),
  /**
   * How many proxies in front of the API append to X-Forwarded-For. 0 (default): the client is
   * the socket's peer and X-Forwarded-For is ignored.
   */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /**
   * The address clients reach this API at (behind a proxy: the public one). Default
   * `http://HOST:PORT`. The SIWE domain defaults to its host.
   */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** SIWE: the domain wallet-link messages must name; default the host of PUBLIC_URL. */
  SIWE_DOMAIN: z.string().min(1).max(253).optional(),
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
  /**
   * The Tournament contract: the MCP `verify_round` tool checks rounds against it, and the
   * dashboard's stake page sends transactions to it (`npm start` sets its own); a link can
   * never choose another one.
   */
  TOURNAMENT_ADDRESS: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, "a 0x-prefixed 20-byte address")
    .optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
});

export type ApiConfig = z.infer<typeof ApiConfigSchema>;

/** The domain SIWE messages must name: configuration only, never a request's Host header. */
export function expectedSiweDomain(config: ApiConfig): string {
  if (config.SIWE_DOMAIN) return config.SIWE_DOMAIN;
  return new URL(config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`).host;
}

export function parseApiConfig(env: Record<string, string | undefined>): ApiConfig {
  return ApiConfigSchema.parse(env);
}
