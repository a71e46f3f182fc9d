import type { z } from "@hono/zod-openapi";
import { expect } from "vitest";
import * as accounts from "../../api/routes/accounts";
import * as keys from "../../api/routes/keys";
import * as models from "../../api/routes/models";
import * as rounds from "../../api/routes/rounds";
import type { DbHandle } from "../../db";
import { liveForm, testApi } from "../helpers/api";

type Scope = z.infer<typeof keys.Scope>;

export type Api = Awaited<ReturnType<typeof testApi>>;

/** Live ids `id0000`.. in a shuffled order, with one feature column. */
export function liveCsv(n: number): { csv: string; ids: string[] } {
  const ids = Array.from({ length: n }, (_, i) => `id${String(i).padStart(4, "0")}`);
  const shuffled = [...ids].sort((a, b) => (hash(a) - hash(b)) | 0 || a.localeCompare(b));
  return { csv: `id,f\n${shuffled.map((id, i) => `${id},${i / n}`).join("\n")}\n`, ids };
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}

/**
 * An API over a fresh database with the callers every suite needs: `owner` (read + submit, owns
 * `modelId`), `other` (another account), `readOnly` and `submitOnly` keys of the owner, and a
 * `revoked` key of the owner; plus an open round over `liveIds`.
 */
export async function world(h: DbHandle, live = liveCsv(4), env: Record<string, string> = {}) {
  const api = await testApi(h, env);
  const must = async <T extends { status: number }>(p: Promise<T>, status: number) => {
    const res = await p;
    expect(res).toHaveStatus(status);
    return res;
  };
  const owner = (await must(api.send(accounts.route, { json: { name: "owner" } }), 201)).data;
  const other = (await must(api.send(accounts.route, { json: { name: "other" } }), 201)).data;
  const key = owner.apiKey;
  const newKey = async (scopes: Scope[]) =>
    (await must(api.send(keys.routes.createKey, { key, json: { scopes } }), 201)).data;
  const readOnly = (await newKey(["read"])).apiKey;
  const submitOnly = (await newKey(["submit"])).apiKey;
  const revokedKey = await newKey(["read", "submit"]);
  await must(api.send(keys.routes.deleteKey, { params: { id: revokedKey.id }, key }), 204);
  const model = (
    await must(api.send(models.routes.create, { key, json: { name: "m-owner" } }), 201)
  ).data;
  const otherModel = (
    await must(
      api.send(models.routes.create, { key: other.apiKey, json: { name: "m-other" } }),
      201,
    )
  ).data;
  const round = (
    await must(
      api.send(rounds.routes.open, { key: api.operatorKey, body: liveForm(live.csv) }),
      201,
    )
  ).data;
  return {
    api,
    live,
    round: round.number,
    ownerAccountId: owner.account.id,
    key,
    otherKey: other.apiKey,
    readOnly,
    submitOnly,
    revoked: revokedKey.apiKey,
    modelId: model.id,
    otherModelId: otherModel.id,
  };
}

export type World = Awaited<ReturnType<typeof world>>;

/** Predictions for `ids`: distinct values in (0, 1), deterministic. */
export function predictions(ids: readonly string[], seed = 1): number[] {
  return ids.map((_, i) => ((i * 7919 + seed * 104729) % 1000) / 1000 + 0.0005);
}

export function csvOf(ids: readonly string[], values: readonly number[], column = "prediction") {
  return `id,${column}\n${ids.map((id, i) => `${id},${values[i]}`).join("\n")}\n`;
}
