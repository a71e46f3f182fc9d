import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as accounts from "../../api/routes/accounts";
import * as healthRoute from "../../api/routes/health";
import * as models from "../../api/routes/models";
import * as rounds from "../../api/routes/rounds";
import * as scores from "../../api/routes/scores";
import * as submissions from "../../api/routes/submissions";
import { type DbHandle, listJobs } from "../../db";
import { liveForm, targetsForm, testApi } from "../helpers/api";
import { dbTargets } from "../helpers/db";

const live = "id,feature_a,feature_b\nn3,0.25,1\nn1,0.5,0\nn2,1,0.75\nn4,0,0.5\n";

for (const target of dbTargets()) {
  describe(`API round flow on ${target.name}`, () => {
    let h: DbHandle;
    let api: Awaited<ReturnType<typeof testApi>>;
    beforeAll(async () => {
      h = await target.open();
      api = await testApi(h);
    });
    afterAll(async () => {
      await h?.close();
    });

    it("opens a round, takes submissions, resolves it", async () => {
      // Each request typed by its route: `data` is the route's success JSON.
      const acc = await api.send(accounts.route, { json: { name: "ds" } });
      expect(acc).toHaveStatus(201);
      expect(acc.data.account.id).toMatch(/^acc_/);
      const key = acc.data.apiKey;

      const model = await api.send(models.routes.create, { key, json: { name: "m1" } });
      expect(model).toHaveStatus(201);
      expect(model.data.id).toMatch(/^0x[0-9a-f]{64}$/);
      expect(model.data.name).toBe("m1");

      const forbidden = await api.send(rounds.routes.open, { key, body: liveForm(live) });
      expect(forbidden).toHaveStatus(403);
      expect(forbidden.error?.code).toBe("forbidden");

      const round = await api.send(rounds.routes.open, {
        key: api.operatorKey,
        body: liveForm(live),
      });
      expect(round).toHaveStatus(201);
      expect(round.data.status).toBe("open");
      expect(round.data.liveSha256).toMatch(/^[0-9a-f]{64}$/);

      const number = round.data.number;
      const file = await api.send(rounds.routes.live, { params: { number } });
      expect(file.data).toBe(live);
      expect(file.headers.get("x-content-sha256")).toBe(round.data.liveSha256);

      const sub = (csv: string) =>
        api.send(submissions.routes.submit, {
          params: { id: model.data.id },
          key,
          body: csv,
          headers: { "content-type": "text/csv" },
        });
      const first = await sub("id,prediction\nn1,0.1\nn2,0.2\nn3,0.3\nn4,0.4\n");
      expect(first).toHaveStatus(201);
      expect(first.data).toMatchObject({ round: number, selected: true, late: false });
      const second = await sub("id,prediction\nn4,0.9\nn3,0.3\nn2,0.2\nn1,0.1\nextra,0.5\n");
      expect(second).toHaveStatus(201);
      expect(second.data.extraIds).toBe(1);
      expect(second.data.sha256).not.toBe(first.data.sha256);
      const list = await api.send(submissions.routes.list, { params: { id: model.data.id } });
      expect(list.data.submissions.filter((s) => s.selected)).toHaveLength(1);

      const missing = await sub("id,prediction\nn1,0.1\nn2,0.2\n");
      expect(missing).toHaveStatus(422);
      expect(missing.error?.code).toBe("invalid_submission_ids");
      const nan = await sub("id,prediction\nn1,NaN\nn2,0.2\nn3,0.3\nn4,0.4\n");
      expect(nan.error?.code).toBe("invalid_submission_values");
      const header = await sub("id,pred\nn1,0.1\n");
      expect(header.error?.code).toBe("invalid_submission_headers");

      const early = await api.send(rounds.routes.resolve, {
        params: { number },
        key: api.operatorKey,
        body: targetsForm("id,target\nn1,0\nn2,0.5\nn3,1\nn4,0.25\n"),
      });
      expect(early).toHaveStatus(409);

      const closed = await api.send(rounds.routes.close, {
        params: { number },
        key: api.operatorKey,
      });
      expect(closed).toHaveStatus(200);
      expect(closed.data.status).toBe("closed");
      const late = await sub("id,prediction\nn1,0.5\nn2,0.2\nn3,0.3\nn4,0.4\n");
      expect(late.data).toMatchObject({ late: true, selected: false });

      const resolved = await api.send(rounds.routes.resolve, {
        params: { number },
        key: api.operatorKey,
        body: targetsForm("id,target\nn1,0\nn2,0.5\nn3,1\nn4,0.25\n"),
      });
      expect(resolved).toHaveStatus(202);
      const jobs = (await listJobs(h.db)).map((j) => j.key);
      expect(jobs).toContain(`round.score:${number}`);

      const roundScores = await api.send(scores.routes.byRound, { params: { number } });
      expect(roundScores.data).toMatchObject({
        round: number,
        status: "resolved",
        scores: [],
      });
    });

    it("fixes the FNC features at open, checked against the live file", async () => {
      const open = (fncFeatures: string) =>
        api.send(rounds.routes.open, {
          key: api.operatorKey,
          body: liveForm(live, { fncFeatures }),
        });
      for (const bad of [
        '["feature_c"]',
        "feature_a,id",
        '["feature_a","feature_a"]',
        "[1]",
        "[",
        "[]",
      ]) {
        const r = await open(bad);
        expect(r.status, `${bad}: ${JSON.stringify(r.data)}`).toBe(400);
        expect(r.error?.code).toBe("validation_failed");
      }
      const byList = await open("feature_b");
      expect(byList.status, JSON.stringify(byList.data)).toBe(201);
      const get = (n: number) => api.send(rounds.routes.get, { params: { number: n } });
      const got = await get(byList.data.number);
      expect(got.data.fncFeatures).toEqual(["feature_b"]);
      const byJson = await open('["feature_b","feature_a"]');
      expect((await get(byJson.data.number)).data.fncFeatures).toEqual(["feature_b", "feature_a"]);
      const all = await api.send(rounds.routes.open, {
        key: api.operatorKey,
        body: liveForm(live),
      });
      expect((await get(all.data.number)).data.fncFeatures).toBeNull();
    });

    it("answers auth failures with the error envelope", async () => {
      const none = await api.send(models.routes.create, { json: { name: "x" } });
      expect(none).toHaveStatus(401);
      expect(none.error?.code).toBe("unauthorized");
      const bad = await api.send(models.routes.create, { key: "tny_nope", json: { name: "x" } });
      expect(bad).toHaveStatus(401);
      const invalid = await api.send(accounts.route, { json: { name: "" } });
      expect(invalid).toHaveStatus(400);
      expect(invalid.error?.code).toBe("validation_failed");
      const health = await api.send(healthRoute.route);
      expect(health.data.checks.db.ok).toBe(true);
      const doc = await api.openapi();
      expect(Object.keys(doc.data.paths ?? {})).toContain("/v1/models/{id}/submissions");
    });
  });
}
