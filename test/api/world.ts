import { expect } from "vitest";
import type { DbHandle } from "../../db";
import { liveForm, testApi } from "../helpers/api";

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
  const must = async (p: Promise<{ status: number; data: any }>, status: number) => {
    const res = await p;
    expect(res.status, JSON.stringify(res.data)).toBe(status);
    return res.data;
  };
  const owner = await must(api.call("POST", "/v1/accounts", { json: { name: "owner" } }), 201);
  const other = await must(api.call("POST", "/v1/accounts", { json: { name: "other" } }), 201);
  const key = owner.apiKey as string;
  const newKey = (scopes: string[]) =>
    must(api.call("POST", "/v1/keys", { key, json: { scopes } }), 201);
  const readOnly = (await newKey(["read"])).apiKey as string;
  const submitOnly = (await newKey(["submit"])).apiKey as string;
  const revokedKey = await newKey(["read", "submit"]);
  await must(api.call("DELETE", `/v1/keys/${revokedKey.id}`, { key }), 204);
  const model = await must(api.call("POST", "/v1/models", { key, json: { name: "m-owner" } }), 201);
  const otherModel = await must(
    api.call("POST", "/v1/models", { key: other.apiKey, json: { name: "m-other" } }),
    201,
  );
  const round = await must(
    api.call("POST", "/v1/rounds", { key: api.operatorKey, body: liveForm(live.csv) }),
    201,
  );
  return {
    api,
    live,
    round: round.number as number,
    ownerAccountId: owner.account.id as string,
    key,
    otherKey: other.apiKey as string,
    readOnly,
    submitOnly,
    revoked: revokedKey.apiKey as string,
    modelId: model.id as string,
    otherModelId: otherModel.id as string,
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
