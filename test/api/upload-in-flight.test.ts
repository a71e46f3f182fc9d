import { type ClientRequest, request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../../api/domain/accounts";
import { parseApiConfig } from "../../api/env";
import { jsonLogger } from "../../api/logger";
import { type RunningApi, serveApi } from "../../api/node";
import { type DbHandle, openDb } from "../../db";

/** A chunked upload whose body is written in two halves: the second when `finish` is called. */
function heldUpload(url: string, path: string, key: string, first: string, rest: string) {
  const base = new URL(url);
  let req!: ClientRequest;
  const answer = new Promise<{ status: number; body: string; retryAfter?: string }>((resolve) => {
    req = request(
      {
        host: base.hostname,
        port: base.port,
        method: "POST",
        path,
        agent: false,
        headers: { authorization: `Bearer ${key}`, "content-type": "text/csv" },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => {
          body += d;
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode!,
            body,
            retryAfter: res.headers["retry-after"] as string | undefined,
          }),
        );
      },
    );
    req.on("error", () => resolve({ status: 0, body: "reset" }));
    req.write(first);
  });
  return { answer, finish: () => req.end(rest) };
}

const csv = (() => {
  const lines = ["id,era,prediction,target"];
  for (let i = 0; i < 200; i++) lines.push(`id${i},era${i % 4},${(i % 10) / 10},${(i % 7) / 7}`);
  return `${lines.join("\n")}\n`;
})();

/**
 * UPLOADS_IN_FLIGHT (api/middleware/body-limit.ts): one account's big uploads (chunked, or
 * declared over 1 MB) beyond that many at once are refused with 429 before their bodies are
 * read; another account is not affected, a slot frees when its upload is answered, and small
 * declared bodies are never counted.
 */
describe("uploads in flight per account", () => {
  let h: DbHandle;
  let api: RunningApi;
  const keys: string[] = [];
  const models: string[] = [];
  beforeAll(async () => {
    h = await openDb({ dataDir: "memory://" });
    api = await serveApi({
      db: h.db,
      config: parseApiConfig({ PORT: "0", LOG_LEVEL: "silent", UPLOADS_IN_FLIGHT: "2" }),
      logger: jsonLogger("silent"),
    });
    for (const name of ["busy", "other"]) {
      const key = (await createAccount({ db: h.db }, { name })).secret;
      const res = await fetch(`${api.url}/v1/models`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ name: `${name}-model` }),
      });
      keys.push(key);
      models.push(((await res.json()) as { id: string }).id);
    }
  });
  afterAll(async () => {
    await api?.close();
    await h?.close();
  });

  const diagnostics = (who: number) => `/v1/models/${models[who]}/diagnostics`;
  const half = csv.length >> 1;

  it("refuses a third upload at once with 429, not another account's, and frees a slot when one ends", async () => {
    const held = [0, 1].map(() =>
      heldUpload(api.url, diagnostics(0), keys[0]!, csv.slice(0, half), csv.slice(half)),
    );
    // Both held uploads are being read once the server has answered a request after them.
    await new Promise((r) => setTimeout(r, 1000));
    const third = heldUpload(api.url, diagnostics(0), keys[0]!, csv.slice(0, half), "");
    const refused = await third.answer;
    expect(refused.status, refused.body).toBe(429);
    expect(JSON.parse(refused.body).error).toMatchObject({
      code: "rate_limited",
      details: { uploadsInFlight: 2 },
    });
    expect(refused.retryAfter).toBe("1");
    const other = heldUpload(
      api.url,
      diagnostics(1),
      keys[1]!,
      csv.slice(0, half),
      csv.slice(half),
    );
    other.finish();
    expect((await other.answer).status).toBe(200);
    held[0]!.finish();
    const first = await held[0]!.answer;
    expect(first.status, first.body).toBe(200);
    expect(JSON.parse(first.body)).toMatchObject({ rows: 200, eras: 4 });
    // One slot is free again: a new chunked upload is read while the second is still held.
    const next = heldUpload(api.url, diagnostics(0), keys[0]!, csv.slice(0, half), csv.slice(half));
    next.finish();
    expect((await next.answer).status).toBe(200);
    // Small declared bodies (parallel submissions of many models) never wait for a slot.
    const small = await Promise.all(
      [0, 1, 2].map(() =>
        fetch(`${api.url}${diagnostics(0)}`, {
          method: "POST",
          headers: { authorization: `Bearer ${keys[0]}`, "content-type": "text/csv" },
          body: csv,
        }),
      ),
    );
    expect(small.map((r) => r.status)).toEqual([200, 200, 200]);
    held[1]!.finish();
    expect((await held[1]!.answer).status).toBe(200);
  });
});
