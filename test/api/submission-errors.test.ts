import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as accounts from "../../api/routes/accounts";
import * as keys from "../../api/routes/keys";
import * as models from "../../api/routes/models";
import * as rounds from "../../api/routes/rounds";
import * as submissions from "../../api/routes/submissions";
import type { DbHandle } from "../../db";
import { liveForm, testApi } from "../helpers/api";
import { dbTargets } from "../helpers/db";

const live = "id,f\na,1\nb,2\nc,3\n";

for (const target of dbTargets()) {
  describe(`submission validation on ${target.name}`, () => {
    let h: DbHandle;
    let api: Awaited<ReturnType<typeof testApi>>;
    let key: string;
    let modelId: string;
    const submit = (body: RequestInit["body"], type = "text/csv", k = key, id = modelId) =>
      api.send(submissions.routes.submit, {
        params: { id },
        key: k,
        body,
        headers: { "content-type": type },
      });

    beforeAll(async () => {
      h = await target.open();
      api = await testApi(h, { MAX_UPLOAD_BYTES: "2048" });
      key = (await api.send(accounts.route, { json: { name: "ds" } })).data.apiKey;
      modelId = (await api.send(models.routes.create, { key, json: { name: "model" } })).data.id;
      const r = await api.send(rounds.routes.open, {
        key: api.operatorKey,
        body: liveForm(live),
      });
      expect(r).toHaveStatus(201);
    });
    afterAll(async () => {
      await h?.close();
    });

    const cases: [string, RequestInit["body"], number, string][] = [
      ["empty body", "", 422, "invalid_submission_headers"],
      ["bad header", "id,score\na,0.1\n", 422, "invalid_submission_headers"],
      ["NaN", "id,prediction\na,NaN\nb,0.2\nc,0.3\n", 422, "invalid_submission_values"],
      ["out of range", "id,prediction\na,1.5\nb,0.2\nc,0.3\n", 422, "invalid_submission_values"],
      ["negative", "id,prediction\na,-0.1\nb,0.2\nc,0.3\n", 422, "invalid_submission_values"],
      ["constant", "id,prediction\na,0.5\nb,0.5\nc,0.5\n", 422, "invalid_submission_values"],
      [
        "duplicate ids",
        "id,prediction\na,0.1\na,0.2\nb,0.2\nc,0.3\n",
        422,
        "invalid_submission_ids",
      ],
      ["missing ids", "id,prediction\na,0.1\nb,0.2\n", 422, "invalid_submission_ids"],
      ["ragged rows", "id,prediction\na,0.1,9\nb,0.2\nc,0.3\n", 422, "invalid_submission_headers"],
      [
        "non-UTF-8",
        new Uint8Array([0x69, 0x64, 0xff, 0xfe, 0x0a]),
        422,
        "invalid_submission_headers",
      ],
      ["huge body", `id,prediction\n${"x,0.5\n".repeat(1000)}`, 413, "payload_too_large"],
    ];
    for (const [name, body, status, code] of cases) {
      it(`rejects ${name} with ${code} and stores nothing`, async () => {
        const res = await submit(body);
        expect(res).toHaveStatus(status);
        expect(res.error?.code).toBe(code);
        const list = await api.send(submissions.routes.list, { params: { id: modelId } });
        expect(list.data.submissions).toEqual([]);
      });
    }

    it("reports the offending rows", async () => {
      const res = await submit("id,prediction\na,2\nb,0.2\nc,oops\n");
      expect(res.error?.details).toHaveProperty("rows", [
        { line: 2, id: "a", value: "2" },
        { line: 4, id: "c", value: "oops" },
      ]);
    });

    it("needs CSV, JSON or Parquet", async () => {
      const res = await submit("<x/>", "application/xml");
      expect(res).toHaveStatus(415);
      expect(res.error?.code).toBe("unsupported_media_type");
    });

    it("refuses another account's model, missing and revoked keys", async () => {
      const other = await api.send(accounts.route, { json: { name: "other" } });
      const body = "id,prediction\na,0.1\nb,0.2\nc,0.3\n";
      expect(await submit(body, "text/csv", other.data.apiKey)).toHaveStatus(403);
      expect(await submit(body, "text/csv", "")).toHaveStatus(401);
      const revoke = await api.send(keys.routes.deleteKey, {
        params: { id: other.data.keyId },
        key: other.data.apiKey,
      });
      expect(revoke).toHaveStatus(204);
      const after = await submit(body, "text/csv", other.data.apiKey);
      expect(after).toHaveStatus(401);
      expect(after.error?.code).toBe("unauthorized");
    });

    it("404s an unknown model and 400s a malformed id", async () => {
      const body = "id,prediction\na,0.1\nb,0.2\nc,0.3\n";
      const unknown = await submit(body, "text/csv", key, `0x${"1".repeat(64)}`);
      expect(unknown).toHaveStatus(404);
      const malformed = await submit(body, "text/csv", key, "nope");
      expect(malformed).toHaveStatus(400);
      expect(malformed.error?.code).toBe("validation_failed");
    });
  });
}
