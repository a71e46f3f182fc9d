import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../api/domain/hash";
import type { DbHandle } from "../../db";
import { liveForm, testApi } from "../helpers/api";
import { dbTargets } from "../helpers/db";

/**
 * `GET /v1/rounds/:n/live` serves exactly the bytes its hash names, from one read per round and
 * process (api/domain/live-file.ts), with the hash as ETag: If-None-Match answers 304.
 */
for (const target of dbTargets()) {
  describe(`live file downloads on ${target.name}`, () => {
    let h: DbHandle;
    let api: Awaited<ReturnType<typeof testApi>>;
    beforeAll(async () => {
      h = await target.open();
      api = await testApi(h);
    });
    afterAll(async () => {
      await h?.close();
    });

    const open = async (csv: string) => {
      const r = await api.app.request("/v1/rounds", {
        method: "POST",
        headers: { authorization: `Bearer ${api.operatorKey}` },
        body: liveForm(csv),
      });
      expect(r.status).toBe(201);
      return (await r.json()) as { number: number; liveSha256: string };
    };
    const get = (n: number, headers: Record<string, string> = {}) =>
      api.app.request(`/v1/rounds/${n}/live`, { headers });

    it("serves each round's own bytes with its hash as ETag, and 304 for a matching If-None-Match", async () => {
      const a = "id,feature_a\nx1,1\nx2,0\n";
      // Non-ASCII ids: the bytes served are the UTF-8 the hash was taken over.
      const b = "id,feature_a\nzé,0.5\nyü,0.25\n";
      const ra = await open(a);
      const rb = await open(b);
      for (const [round, csv] of [
        [ra, a],
        [rb, b],
        [ra, a],
      ] as const) {
        const r = await get(round.number);
        expect(r.status).toBe(200);
        const bytes = new Uint8Array(await r.arrayBuffer());
        expect(new TextDecoder().decode(bytes)).toBe(csv);
        expect(sha256Hex(bytes)).toBe(round.liveSha256);
        expect(r.headers.get("x-content-sha256")).toBe(round.liveSha256);
        expect(r.headers.get("etag")).toBe(`"${round.liveSha256}"`);
        expect(r.headers.get("content-type")).toMatch(/^text\/csv/);
      }
      for (const match of [
        `"${ra.liveSha256}"`,
        `W/"${ra.liveSha256}"`,
        `"nope", "${ra.liveSha256}"`,
        "*",
      ]) {
        const r = await get(ra.number, { "if-none-match": match });
        expect(r.status, match).toBe(304);
        expect(await r.text()).toBe("");
        expect(r.headers.get("etag")).toBe(`"${ra.liveSha256}"`);
      }
      // Another round's tag is not this file's.
      expect((await get(ra.number, { "if-none-match": `"${rb.liveSha256}"` })).status).toBe(200);
      const missing = await get(2_000_000);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("not_found");
    });
  });
}
