import { z } from "@hono/zod-openapi";
import type { AuthInfo } from "../../context";
import type { Caller } from "../../domain/accounts";
export const Scope = z.enum(["read", "submit", "operator"]);
export const Body = z
  .object({ scopes: z.array(Scope).min(1).default(["read", "submit"]) })
  .openapi("NewKey");
export const Created = z.object({ id: z.string(), apiKey: z.string(), scopes: z.array(Scope) });

export const KeyInfo = z
  .object({
    id: z.string(),
    prefix: z.string().openapi({ description: "first characters of the key, to recognise it" }),
    scopes: z.array(Scope),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi("ApiKeyInfo");

export const caller = (auth: AuthInfo): Caller => ({
  accountId: auth.account.id,
  scopes: auth.scopes,
});
