import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as models from "../../api/routes/models";
import type { DbHandle } from "../../db";
import { testApi } from "../helpers/api";
import { dbTargets } from "../helpers/db";

for (const target of dbTargets()) {
  describe(`Idempotency-Key on ${target.name}`, () => {
    let h: DbHandle;
    let api: Awaited<ReturnType<typeof testApi>>;
    beforeAll(async () => {
      h = await target.open();
      api = await testApi(h);
    });
    afterAll(async () => {
      await h?.close();
    });

    it("replays the first response and refuses the key for another request", async () => {
      const headers = { "idempotency-key": "create-model-1" };
      const first = await api.send(models.routes.create, {
        key: api.operatorKey,
        json: { name: "idem" },
        headers,
      });
      expect(first).toHaveStatus(201);
      const again = await api.send(models.routes.create, {
        key: api.operatorKey,
        json: { name: "idem" },
        headers,
      });
      expect(again).toHaveStatus(201);
      expect(again.data.id).toBe(first.data.id);
      expect(again.headers.get("idempotency-replayed")).toBe("true");
      const other = await api.send(models.routes.create, {
        key: api.operatorKey,
        json: { name: "other" },
        headers,
      });
      expect(other).toHaveStatus(409);
      expect(other.error).toMatchObject({
        code: "conflict",
        details: { reason: "key_reused" },
      });
    });

    it("releases the key when the request failed", async () => {
      const headers = { "idempotency-key": "bad-then-good" };
      const bad = await api.send(models.routes.create, {
        key: api.operatorKey,
        json: { name: "bad name!" },
        headers,
      });
      expect(bad).toHaveStatus(400);
      const good = await api.send(models.routes.create, {
        key: api.operatorKey,
        json: { name: "bad name!" },
        headers,
      });
      expect(good).toHaveStatus(400);
      expect(good.headers.get("idempotency-replayed")).toBeNull();
    });
  });
}
