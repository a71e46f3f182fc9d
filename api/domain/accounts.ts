import {
  type Account,
  type ApiScope,
  type CreatedKey,
  createApiKey,
  createAccount as insertAccount,
  revokeApiKey,
} from "../../db";
import { DomainError } from "../errors";
import type { DomainServices } from "./services";

/**
 * Creates an account and its first key (scopes read and submit unless given: the API's sign-up
 * never gives others; the operator's account is made by whoever runs the stack).
 */
export async function createAccount(
  s: Pick<DomainServices, "db">,
  input: { name: string; scopes?: ApiScope[] },
): Promise<{ account: Account } & CreatedKey> {
  return insertAccount(s.db, input.name, input.scopes ?? ["read", "submit"]);
}

/** The caller an account action is for: its account and the scopes of the key it used. */
export interface Caller {
  accountId: string;
  scopes: readonly ApiScope[];
}

/** Another key for the caller's account: 403 `forbidden` for a scope the caller's key lacks. */
export async function createKey(
  s: Pick<DomainServices, "db">,
  caller: Caller,
  input: { scopes: ApiScope[] },
): Promise<CreatedKey> {
  const extra = input.scopes.filter((x) => !caller.scopes.includes(x));
  if (extra.length > 0)
    throw new DomainError("forbidden", "A key cannot grant scopes it lacks", { extra });
  return createApiKey(s.db, caller.accountId, input.scopes);
}

/** Revokes one of the caller's keys: 404 unless active and theirs, 403 for one with more scopes. */
export async function revokeKey(
  s: Pick<DomainServices, "db">,
  caller: Caller,
  input: { id: string },
): Promise<void> {
  const done = await revokeApiKey(s.db, caller.accountId, input.id, caller.scopes);
  if (done === "missing") throw new DomainError("not_found", "No such active key on this account");
  if (done === "forbidden") {
    throw new DomainError("forbidden", "A key cannot revoke a key with scopes it lacks", {
      scopes: caller.scopes,
    });
  }
}
