import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routes as diagnosticsRoutes } from "../../api/routes/diagnostics";
import { routes as validationRoutes } from "../../api/routes/validation";
import {
  claimJob,
  type DbHandle,
  getDiagnostics,
  getValidationSet,
  listJobs,
  unpreparedEras,
} from "../../db";
import type { JobContext } from "../../workers/context";
import {
  forgetPreparedEras,
  preparedErasSetId,
  prepareValidationJob,
  warmPreparedEras,
} from "../../workers/jobs/diagnostics";
import { startWorker } from "../../workers/runner";
import { type World, world } from "../api/world";
import { dataAt } from "../helpers/api";
import { dbTargets } from "../helpers/db";
import { writeParquet } from "../scoring/parquet-writer";
import { closeTo, validationData } from "./data";

const quiet = { info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function validationForm(csv: string): FormData {
  const form = new FormData();
  form.set("validation", new File([csv], "validation.csv", { type: "text/csv" }));
  return form;
}

for (const target of dbTargets()) {
  describe(`stored diagnostics on ${target.name}`, () => {
    let h: DbHandle;
    let w: World;
    let ctx: JobContext;
    const data = validationData(7);
    beforeAll(async () => {
      h = await target.open();
      w = await world(h, undefined, { RATE_LIMIT_PER_MINUTE: "100000" });
      ctx = { db: h.db, chain: undefined as never, logger: quiet, settleBatch: 10 };
    });
    afterAll(async () => {
      await h?.close();
    });

    const post = (body: RequestInit["body"], key = w.key, model = w.modelId, type = "text/csv") =>
      w.api.send(diagnosticsRoutes.route, {
        params: { id: model },
        key,
        body,
        headers: { "content-type": type },
      });
    const get = (did: string, key = w.key, model = w.modelId) =>
      w.api.send(diagnosticsRoutes.getRoute, { params: { id: model, did }, key });
    const upload = (csv: string, key = w.api.operatorKey) =>
      w.api.send(validationRoutes.post, { key, body: validationForm(csv) });
    /** Runs the worker until the diagnostics are done or failed. */
    const settle = async (did: string, warmDiagnostics = false) => {
      const worker = startWorker(ctx, {
        indexer: false,
        pollMs: 20,
        staleMs: 200,
        warmDiagnostics,
      });
      try {
        for (let i = 0; i < 400; i++) {
          await worker.drain();
          const row = await getDiagnostics(h.db, did);
          if (row?.status === "done" || row?.status === "failed") return get(did);
          await sleep(25);
        }
        throw new Error(`diagnostics ${did} never finished`);
      } finally {
        await worker.stop();
      }
    };

    it("answers 409 no_validation_set before the operator uploads one", async () => {
      const res = await post(data.predictionsCsv());
      expect(res).toHaveStatus(409);
      expect(res.error?.code).toBe("no_validation_set");
      const cur = await w.api.send(validationRoutes.get, { key: w.key });
      expect(cur).toHaveStatus(409);
    });

    it("lets only operators upload, and refuses bad validation files with invalid_validation_file", async () => {
      const notOperator = await upload(data.validationCsv(), w.key);
      expect(notOperator).toHaveStatus(403);
      const anonymous = await w.api.send(validationRoutes.post, {
        body: validationForm(data.validationCsv()),
      });
      expect(anonymous).toHaveStatus(401);
      const noTarget = await upload("id,era,feature_0\na,1,1\n");
      expect(noTarget).toHaveStatus(422);
      expect(noTarget.error).toMatchObject({
        code: "invalid_validation_file",
        details: { missing: ["target"] },
      });
      const dup = await upload("id,era,f,target\na,1,1,0.5\na,1,2,0.25\n");
      expect(dup.error).toMatchObject({
        code: "invalid_validation_file",
        details: { rows: [{ line: 3, id: "a" }] },
      });
      const text = await upload("id,era,f,target\na,1,x,0.5\nb,1,2,0.25\n");
      expect(text.error).toMatchObject({
        code: "invalid_validation_file",
        details: { cells: [{ line: 2, column: "f" }] },
      });
    });

    let did = "";
    it("uploads the set, queues diagnostics (202) and scores them in the worker as the stateless scorer does", async () => {
      const up = await upload(data.validationCsv());
      expect(up).toHaveStatus(202);
      expect(up.data).toMatchObject({
        status: "preparing",
        rows: data.rows.length,
        eras: data.labels.length,
        features: data.featureNames.length,
        hasMetaModel: true,
      });
      const queued = await post(data.predictionsCsv());
      expect(queued).toHaveStatus(202);
      expect(queued.data).toMatchObject({
        modelId: w.modelId,
        validationSetId: up.data.id,
        status: "queued",
      });
      expect(queued.headers.get("location")).toBe(
        `/v1/models/${w.modelId}/diagnostics/${dataAt(queued, 202).id}`,
      );
      did = dataAt(queued, 202).id;
      const before = await get(did);
      expect(before).toHaveStatus(200);
      expect(before.data).toMatchObject({ status: "queued", result: null, error: null });

      const done = await settle(did);
      expect(done.data.status, JSON.stringify(done.data.error)).toBe("done");
      const set = await w.api.send(validationRoutes.get, { key: w.key });
      expect(set.data).toMatchObject({ id: up.data.id, status: "ready" });

      const expected = data.expected();
      const report = done.data.result!;
      expect(closeTo(report, JSON.parse(JSON.stringify(expected)), 1e-12)).toEqual([]);
      expect(report.perEra.map((e) => e.era)).toEqual(
        [...data.labels].sort((a, b) => Number(a) - Number(b)),
      );
      for (const k of ["corr", "mmc", "fnc"] as const) {
        expect(report[k]).toMatchObject({
          mean: expect.any(Number),
          std: expect.any(Number),
          maxDrawdown: expect.any(Number),
        });
      }
      expect(report.perEra[0]).toMatchObject({
        corr: expect.any(Number),
        mmc: expect.any(Number),
        fnc: expect.any(Number),
        maxFeatureExposure: expect.any(Number),
        maxFeature: expect.stringMatching(/^feature_/),
      });

      // The stateless form still answers at once, with the same per-era CORR.
      const stateless = await post(data.statelessCsv());
      expect(stateless).toHaveStatus(200);
      for (const e of report.perEra) {
        expect(Math.abs(dataAt(stateless, 200).perEra[e.era]! - e.corr)).toBeLessThanOrEqual(1e-12);
      }
      expect(Math.abs(dataAt(stateless, 200).mean - report.corr.mean)).toBeLessThanOrEqual(1e-12);
    });

    it("reads the stored bases back in a fresh process state with the same numbers", async () => {
      forgetPreparedEras();
      const again = await post(data.predictionsCsv(), w.key, w.modelId);
      expect(again).toHaveStatus(202);
      const done = await settle(dataAt(again, 202).id);
      expect(done.data.status).toBe("done");
      const first = await get(did);
      expect(done.data.result).toEqual(first.data.result);
    });

    it("warms a restarted worker's eras from the stored bases at start-up, with the same report", async () => {
      forgetPreparedEras(); // as in a new process
      expect(preparedErasSetId()).toBeUndefined();
      const current = (await w.api.send(validationRoutes.get, { key: w.key })).data;
      expect(current.status).toBe("ready");
      const worker = startWorker(ctx, { indexer: false, pollMs: 20, staleMs: 200 });
      try {
        await worker.warmed();
        expect(preparedErasSetId()).toBe(current.id);
      } finally {
        await worker.stop();
      }
      const res = await post(data.predictionsCsv());
      expect(res).toHaveStatus(202);
      const done = await settle(dataAt(res, 202).id);
      expect(done.data.status).toBe("done");
      expect(done.data.result).toEqual((await get(did)).data.result);
      // Posted at once after a restart: the job shares the warm-up under way.
      forgetPreparedEras();
      const early = await post(data.predictionsCsv());
      const raced = await settle(dataAt(early, 202).id, true);
      expect(raced.data.status).toBe("done");
      expect(raced.data.result).toEqual((await get(did)).data.result);
      expect(preparedErasSetId()).toBe(current.id);
      // Nothing to warm without a ready set; a stopped warm-up leaves nothing half-kept.
      forgetPreparedEras();
      const stopped = new AbortController();
      stopped.abort();
      expect(await warmPreparedEras(h.db, quiet, stopped.signal)).toBeNull();
      expect(preparedErasSetId()).toBeUndefined();
      expect(await warmPreparedEras(h.db, quiet)).toMatchObject({
        setId: current.id,
        eras: data.labels.length,
      });
    });

    it("takes the set and the predictions as Parquet too, with the same report", async () => {
      const rows = data.rows;
      const ids = rows.map((r) => r.id);
      const set = writeParquet(ids, {
        era: rows.map((r) => r.era),
        ...Object.fromEntries(
          data.featureNames.map((n, j) => [n, Float64Array.from(rows, (r) => r.features[j]!)]),
        ),
        target: Float64Array.from(rows, (r) => r.target),
        meta_model: Float64Array.from(rows, (r) => r.meta),
      });
      const form = new FormData();
      form.set("validation", new File([set], "validation.parquet"));
      const up = await w.api.send(validationRoutes.post, { key: w.api.operatorKey, body: form });
      expect(up).toHaveStatus(202);
      expect(up.data).toMatchObject({ format: "parquet", rows: rows.length, hasMetaModel: true });
      const preds = writeParquet(ids, { prediction: Float64Array.from(rows, (r) => r.prediction) });
      const res = await post(preds, w.key, w.modelId, "application/vnd.apache.parquet");
      expect(res).toHaveStatus(202);
      expect(dataAt(res, 202).validationSetId).toBe(up.data.id);
      const done = await settle(dataAt(res, 202).id);
      expect(done.data.status).toBe("done");
      expect(done.data.result).toEqual((await get(did)).data.result);
    });

    it("lets only the model's owner post or read its diagnostics", async () => {
      expect(await get(did, w.otherKey)).toHaveStatus(403);
      expect(await get(did, w.revoked)).toHaveStatus(401);
      expect(
        await w.api.send(diagnosticsRoutes.getRoute, { params: { id: w.modelId, did } }),
      ).toHaveStatus(401);
      expect(await get(did, w.readOnly)).toHaveStatus(200);
      expect(await post(data.predictionsCsv(), w.readOnly)).toHaveStatus(403);
      expect(await post(data.predictionsCsv(), w.otherKey)).toHaveStatus(403);
      // Another model's path does not reach this model's diagnostics.
      const elsewhere = await get(did, w.otherKey, w.otherModelId);
      expect(elsewhere).toHaveStatus(404);
      expect(await get(did, w.key, w.otherModelId)).toHaveStatus(403);
      expect(await get(`dgn_${"0".repeat(32)}`)).toHaveStatus(404);
      expect(await get("nope")).toHaveStatus(400);
    });

    it("shows the per-era chart on the dashboard to the owner's key only", async () => {
      const page = `/models/${w.modelId}/diagnostics/${did}`;
      const shell = await w.api.app.request(page);
      expect(shell.status).toBe(200);
      expect(shell.headers.get("cache-control")).toBe("no-store");
      expect(await shell.text()).toContain('name="key"');
      const show = (key: string) =>
        w.api.app.request(page, { method: "POST", body: new URLSearchParams({ key }) });
      const mine = await show(w.readOnly);
      const html = await mine.text();
      expect(mine.status, html).toBe(200);
      const points = [...html.matchAll(/<g data-point="" data-era="([^"]+)"/g)].map((m) => m[1]);
      const stored = (await get(did)).data.result!;
      expect(points).toEqual(stored.perEra.map((e) => e.era));
      expect(html).toContain('data-series="fnc"');
      expect(html).toContain(stored.corr.mean.toFixed(4));
      expect((await show(w.otherKey)).status).toBe(403);
      expect((await show("tk_nonsense")).status).toBe(401);
      expect((await show(w.revoked)).status).toBe(401);
      const elsewhere = await w.api.app.request(`/models/${w.otherModelId}/diagnostics/${did}`, {
        method: "POST",
        body: new URLSearchParams({ key: w.otherKey }),
      });
      expect(elsewhere.status).toBe(404);
    });

    it("refuses bad predictions with machine-readable codes", async () => {
      const ids = data.rows.map((r) => r.id);
      const values = data.rows.map((r) => r.prediction);
      const unknown = await post(data.predictionsCsv([...values, 0.5], [...ids, "stranger"]));
      expect(unknown).toHaveStatus(422);
      expect(unknown.error).toMatchObject({
        code: "diagnostics_unknown_ids",
        details: { unknown: ["stranger"], count: 1 },
      });
      const dup = await post(data.predictionsCsv([...values, 0.5], [...ids, ids[3]!]));
      expect(dup.error).toMatchObject({
        code: "diagnostics_duplicate_ids",
        details: { duplicates: [ids[3]], count: 1 },
      });
      const missing = await post(data.predictionsCsv(values.slice(1), ids.slice(1)));
      expect(missing.error).toMatchObject({
        code: "diagnostics_missing_ids",
        details: { missing: [ids[0]], count: 1 },
      });
      const nan = await post(data.predictionsCsv(["x", ...values.slice(1)] as never, ids));
      expect(nan.error).toMatchObject({
        code: "invalid_diagnostics",
        details: { rows: [{ line: 2, value: "x" }] },
      });
      const header = await post("id,score\na,1\n");
      expect(header.error?.code).toBe("invalid_diagnostics");
      const constant = await post(
        data.predictionsCsv(
          values.map(() => 0.5),
          ids,
        ),
      );
      expect(constant.error?.code).toBe("invalid_diagnostics");
      const json = await post(
        JSON.stringify({ ids, predictions: values }),
        w.key,
        w.modelId,
        "application/json",
      );
      expect(json).toHaveStatus(202);
    });

    it("records what the scorer refuses as the diagnostics' failure, without retrying", async () => {
      // Constant within the first era only: the API cannot see it, the scorer can.
      const first = data.rows[0]!.era;
      const values = data.rows.map((r) => (r.era === first ? 0.5 : r.prediction));
      const res = await post(data.predictionsCsv(values));
      expect(res).toHaveStatus(202);
      const failed = await settle(dataAt(res, 202).id);
      expect(failed.data).toMatchObject({
        status: "failed",
        result: null,
        error: {
          code: "invalid_diagnostics",
          details: { scoringCode: "constant_predictions", era: first },
        },
      });
      const job = (await listJobs(h.db)).find(
        (j) => j.key === `diagnostics.run:${dataAt(res, 202).id}`,
      );
      expect(job).toMatchObject({ status: "done", attempts: 1 });
    });

    it("survives a worker that dies holding the job: another takes it over and finishes it", async () => {
      const res = await post(data.predictionsCsv());
      expect(res).toHaveStatus(202);
      const dead = await claimJob(h.db, "dead-worker", 60_000, { is: "diagnostics.run" });
      expect(dead).toMatchObject({ kind: "diagnostics.run", status: "running" });
      expect((await get(dataAt(res, 202).id)).data.status).toBe("queued");
      forgetPreparedEras();
      await sleep(250); // past the stale time the next worker uses
      const done = await settle(dataAt(res, 202).id);
      expect(done.data.status).toBe("done");
      expect(done.data.result).toEqual((await get(did)).data.result);
      const job = (await listJobs(h.db)).find(
        (j) => j.key === `diagnostics.run:${dataAt(res, 202).id}`,
      );
      expect(job).toMatchObject({ status: "done", attempts: 2 });
    });

    it("resumes a preparation that stopped midway, keeping the eras already prepared", async () => {
      const other = validationData(8, 5, 30, 4);
      const up = await upload(other.validationCsv(false));
      expect(up).toHaveStatus(202);
      expect(up.data.hasMetaModel).toBe(false);
      // The first worker loses its lease after two eras (as if it stalled and was replaced).
      let checks = 0;
      const lost = {
        get aborted() {
          return ++checks > 2;
        },
      } as AbortSignal;
      await expect(
        prepareValidationJob({ ...ctx, signal: lost }, { setId: up.data.id }),
      ).rejects.toThrow("lease lost");
      expect(await unpreparedEras(h.db, up.data.id)).toEqual([2, 3, 4]);
      expect((await getValidationSet(h.db, up.data.id))!.status).toBe("preparing");
      const res = await post(other.predictionsCsv());
      expect(res).toHaveStatus(202);
      expect(dataAt(res, 202).validationSetId).toBe(up.data.id);
      const done = await settle(dataAt(res, 202).id);
      expect(done.data.status).toBe("done");
      expect(await unpreparedEras(h.db, up.data.id)).toEqual([]);
      const expected = JSON.parse(JSON.stringify(other.expected(false)));
      expect(closeTo(done.data.result, expected, 1e-12)).toEqual([]);
      expect(done.data.result!.mmc).toBeUndefined();
    });

    it("fails a set the scorer refuses, and keeps the previous one current", async () => {
      const current = await w.api.send(validationRoutes.get, { key: w.key });
      // Constant targets in an era: CORR is undefined there.
      const up = await upload("id,era,f,target\na,1,1,0.5\nb,1,2,0.5\nc,2,1,0.25\nd,2,3,0.75\n");
      expect(up).toHaveStatus(202);
      const worker = startWorker(ctx, { indexer: false, pollMs: 20 });
      await worker.drain();
      await worker.stop();
      const set = await getValidationSet(h.db, up.data.id);
      expect(set).toMatchObject({ status: "failed", error: expect.stringContaining("era 1") });
      const now = await w.api.send(validationRoutes.get, { key: w.key });
      expect(now.data.id).toBe(current.data.id);
    });
  });
}
