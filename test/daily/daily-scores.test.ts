import { createHash } from "node:crypto";
import { parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routes as dailyRoutes } from "../../api/routes/daily-scores";
import { routes as roundRoutes } from "../../api/routes/rounds";
import { routes as scoreRoutes } from "../../api/routes/scores";
import { routes as submissionRoutes } from "../../api/routes/submissions";
import { routes as verifyRoutes } from "../../api/routes/verify";
import type { RoundBundle } from "../../cli/verify/round";
import { claimJob, type DbHandle, dailyScores, getRound, listJobs, roundScores } from "../../db";
import { roundFeatures, scoreRound } from "../../scoring";
import { type JobContext, runJob } from "../../workers";
import { scoreDailyJob } from "../../workers/jobs/score-daily";
import { csvOf, liveCsv, type World, world } from "../api/world";
import { parametersOf, targetsForm } from "../helpers/api";
import { dbTargets } from "../helpers/db";
import { type LocalChain, localChain } from "../helpers/local-chain";
import { rng } from "../helpers/round-fixture";

const silent = { info() {}, warn() {}, error() {} };
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

async function drain(ctx: JobContext) {
  for (let i = 0; i < 200; i++) {
    const job = await claimJob(ctx.db, "test");
    if (!job) return;
    await runJob(ctx, job);
  }
}

function dailyForm(csv: string, day: string | undefined) {
  const form = targetsForm(csv);
  if (day !== undefined) form.set("day", day);
  return form;
}

for (const target of dbTargets()) {
  describe(`daily scores before resolution (anvil + ${target.name})`, () => {
    let h: DbHandle;
    let lc: LocalChain;
    let ctx: JobContext;
    let w: World;
    const N = 60;
    const live = liveCsv(N);
    const rand = rng(17);
    const preds = new Map<string, number[]>();
    const targetsOf = () => live.ids.map(() => [0, 0.25, 0.5, 0.75, 1][Math.floor(rand() * 5)]!);
    const day1 = targetsOf();
    const day1b = targetsOf();
    const day2 = targetsOf();
    const final = targetsOf();
    const post = (csv: string, day: string | undefined, key = w.api.operatorKey, n = w.round) =>
      w.api.send(dailyRoutes.postDaily, {
        params: { number: n },
        key,
        body: dailyForm(csv, day),
      });
    const byRound = (query?: { day: number }) =>
      w.api.send(scoreRoutes.byRound, { params: { number: w.round }, query });
    const stakes = new Map<string, bigint>();

    /** What the scoring library says the round scores on `targets`, on the chain's stakes. */
    // The live file's feature column, as the worker reads it: daily scores get FNC too.
    const liveRows = live.csv
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(","));
    const liveFrame = {
      ids: liveRows.map((r) => r[0]!),
      columns: { f: Float64Array.from(liveRows, (r) => Number(r[1])) },
    };
    const expected = (targets: number[]) =>
      scoreRound({
        ...roundFeatures(liveFrame),
        liveIds: live.ids,
        targets: { ids: live.ids, values: Float64Array.from(targets) },
        submissions: [...preds].map(([modelId, p]) => ({
          modelId,
          ids: live.ids,
          predictions: Float64Array.from(p),
          stakeAtRisk: stakes.get(modelId) ?? 0n,
        })),
        params: {
          payoutCap: parseEther("0.05"),
          corrMultiplier: parseEther("0.5"),
          mmcMultiplier: parseEther("2"),
          stakeThreshold: parseEther("72000"),
        },
      });

    beforeAll(async () => {
      [h, lc] = await Promise.all([target.open(), localChain(2)]);
      ctx = { db: h.db, chain: lc.chain, logger: silent, settleBatch: 10 };
      w = await world(h, live);
      await drain(ctx); // the round opens on chain
      for (const [i, m] of [w.modelId, w.otherModelId].entries()) {
        const p = live.ids.map(() => Math.round(rand() * 1e6) / 1e6);
        preds.set(m, p);
        const key = i === 0 ? w.key : w.otherKey;
        const res = await w.api.send(submissionRoutes.submit, {
          params: { id: m },
          key,
          body: csvOf(live.ids, p),
          headers: { "content-type": "text/csv" },
        });
        expect(res).toHaveStatus(201);
      }
      await lc.staker(0).stake(w.modelId as `0x${string}`, parseEther("1500"));
      await lc.staker(1).stake(w.otherModelId as `0x${string}`, parseEther("400"));
      stakes.set(w.modelId, parseEther("1500"));
      stakes.set(w.otherModelId, parseEther("400"));
    });
    afterAll(async () => {
      await Promise.all([h?.close(), lc?.stop()]);
    });

    it("refuses daily targets from non-operators, for open rounds and with a bad day or file", async () => {
      const csv = csvOf(live.ids, day1, "target");
      const asUser = await post(csv, "1", w.key);
      expect(asUser).toHaveStatus(403);
      const anon = await w.api.send(dailyRoutes.postDaily, {
        params: { number: w.round },
        body: dailyForm(csv, "1"),
      });
      expect(anon).toHaveStatus(401);
      const open = await post(csv, "1");
      expect(open).toHaveStatus(409);
      expect(open.error?.code).toBe("round_state");
      expect(await post(csv, "1", w.api.operatorKey, 999)).toHaveStatus(404);

      const close = await w.api.send(roundRoutes.close, {
        params: { number: w.round },
        key: w.api.operatorKey,
      });
      expect(close).toHaveStatus(200);
      for (const day of [undefined, "0", "-1", "1.5", "x", "367"]) {
        const res = await post(csv, day);
        expect(res).toHaveStatus(400);
        expect(res.error?.code).toBe("validation_failed");
      }
      const badHeader = await post(csvOf(live.ids, day1, "prediction"), "1");
      expect(badHeader).toHaveStatus(422);
      expect(badHeader.error?.code).toBe("invalid_targets_file");
      const few = await post(csvOf(live.ids.slice(0, 10), day1.slice(0, 10), "target"), "1");
      expect(few).toHaveStatus(422);
      const json = await w.api.send(dailyRoutes.postDaily, {
        params: { number: w.round },
        key: w.api.operatorKey,
        json: { day: 1 },
      });
      expect(json).toHaveStatus(415);
      // Nothing of the refused uploads was kept.
      expect((await listJobs(h.db)).filter((j) => j.kind === "round.score-daily")).toEqual([]);
    });

    it("scores every model on a day's targets as the final scoring would, settling nothing", async () => {
      await drain(ctx); // closes the round on chain: stakes at risk are fixed
      const csv = csvOf(live.ids, day1, "target");
      const res = await post(csv, "1");
      expect(res).toHaveStatus(202);
      expect(res.data).toMatchObject({ round: w.round, day: 1, replaced: false });
      expect(res.data.targetsSha256).toBe(sha(csv));
      const before = await byRound({ day: 1 });
      expect(before.data.scores).toEqual([]);
      await drain(ctx);

      const got = await byRound({ day: 1 });
      expect(got).toHaveStatus(200);
      expect(got.data).toMatchObject({ round: w.round, status: "closed", day: 1 });
      const want = expected(day1);
      expect(got.data.scores).toHaveLength(2);
      for (const s of got.data.scores) {
        const r = want.get(s.modelId)!;
        expect(s).toMatchObject({
          day: 1,
          corr: r.corr,
          mmc: r.mmc,
          stakeAtRisk: r.stakeAtRisk.toString(),
          payout: r.payout.toString(),
          settleTx: null,
        });
      }
      expect(want.get(w.modelId)!.stakeAtRisk).toBe(parseEther("1500"));
      // Provisional only: the round is still closed, no final score, nothing on chain moved.
      expect((await getRound(h.db, w.round))?.status).toBe("closed");
      expect(await roundScores(h.db, w.round)).toEqual([]);
      const onChain = await lc.chain.read<{ status: number }>("round", [BigInt(w.round)]);
      expect(Number(onChain.status)).toBe(2);
      const finalScores = await byRound();
      expect(finalScores.data.scores).toEqual([]);
      expect(finalScores.data.day).toBeUndefined();
    });

    it("replaces a day's scores with a later upload and keeps the earlier one in the history", async () => {
      const res = await post(csvOf(live.ids, day1b, "target"), "1");
      expect(res).toHaveStatus(202);
      expect(res.data.replaced).toBe(true);
      expect(await post(csvOf(live.ids, day2, "target"), "2")).toHaveStatus(202);
      await drain(ctx);
      const got = await byRound({ day: 1 });
      const want = expected(day1b);
      for (const s of got.data.scores) expect(s.corr).toBe(want.get(s.modelId)!.corr);
      expect(expected(day1).get(w.modelId)!.corr).not.toBe(want.get(w.modelId)!.corr);

      const days = await w.api.send(dailyRoutes.byModelDaily, {
        params: { id: w.modelId },
        query: { round: w.round },
      });
      expect(days).toHaveStatus(200);
      expect(days.data.modelId).toBe(w.modelId);
      expect(days.data.round).toBe(w.round);
      expect(days.data.days.map((d) => d.day)).toEqual([1, 2]);
      const d2 = expected(day2).get(w.modelId)!;
      expect(days.data.days[1]).toEqual({
        day: 2,
        corr: d2.corr,
        mmc: d2.mmc,
        fnc: d2.fnc,
        stakeAtRisk: d2.stakeAtRisk.toString(),
        projectedPayout: d2.payout.toString(),
      });
      // Without ?round: the newest round the model has daily scores in.
      const latest = await w.api.send(dailyRoutes.byModelDaily, { params: { id: w.modelId } });
      expect(latest.data.round).toBe(w.round);
      expect(
        await w.api.send(dailyRoutes.byModelDaily, { params: { id: `0x${"ab".repeat(32)}` } }),
      ).toHaveStatus(404);
      expect(
        await w.api.send(dailyRoutes.byModelDaily, {
          params: { id: w.modelId },
          query: { round: 999 },
        }),
      ).toHaveStatus(404);
      expect(await byRound({ day: 0 })).toHaveStatus(400);
    });

    it("never lets an older upload scored late overwrite a newer one", async () => {
      const jobs = (await listJobs(h.db)).filter(
        (j) => j.kind === "round.score-daily" && (j.payload as { day: number }).day === 1,
      );
      expect(jobs).toHaveLength(2);
      const oldest = jobs[0]!.payload as { round: number; day: number; targetsId: number };
      await scoreDailyJob(ctx, oldest); // a retry of the first upload's job, after the second's
      const got = await byRound({ day: 1 });
      const want = expected(day1b);
      for (const s of got.data.scores) expect(s.corr).toBe(want.get(s.modelId)!.corr);
    });

    it("gives the same numbers as the final scoring on the same targets, then settles only from resolve", async () => {
      const csv = csvOf(live.ids, final, "target");
      expect(await post(csv, "3")).toHaveStatus(202);
      await drain(ctx);
      const resolve = await w.api.send(roundRoutes.resolve, {
        params: { number: w.round },
        key: w.api.operatorKey,
        body: targetsForm(csv),
      });
      expect(resolve).toHaveStatus(202);
      await drain(ctx);
      expect((await getRound(h.db, w.round))?.status).toBe("settled");
      const fin = (await byRound()).data.scores;
      const day3 = (await byRound({ day: 3 })).data.scores;
      expect(fin).toHaveLength(2);
      for (const [i, f] of fin.entries()) {
        const d = day3[i];
        expect([d.modelId, d.corr, d.mmc, d.stakeAtRisk, d.payout]).toEqual([
          f.modelId,
          f.corr,
          f.mmc,
          f.stakeAtRisk,
          f.payout,
        ]);
        expect(f.settleTx).not.toBeNull();
      }
      // A daily upload after resolution is refused; the daily rows are untouched.
      const late = await post(csv, "4");
      expect(late).toHaveStatus(409);
      expect((await h.db.select().from(dailyScores)).length).toBe(6);
    });

    it("lists every daily targets file's SHA-256 in the bundle manifest, with the data to recompute", async () => {
      const b = await w.api.send(verifyRoutes.bundle, { params: { number: w.round } });
      expect(b).toHaveStatus(200);
      // The route declares its answer as z.any(); `tourney verify` reads it as a RoundBundle.
      const bundle = b.data as RoundBundle;
      const m = bundle.manifest.dailyTargets!;
      expect(m.map((x) => [x.day, x.sha256, x.current])).toEqual([
        [1, sha(csvOf(live.ids, day1, "target")), false],
        [1, sha(csvOf(live.ids, day1b, "target")), true],
        [2, sha(csvOf(live.ids, day2, "target")), true],
        [3, sha(csvOf(live.ids, final, "target")), true],
      ]);
      expect(bundle.daily!.map((d) => d.day)).toEqual([1, 2, 3]);
      for (const d of bundle.daily!) {
        expect(sha(d.targets)).toBe(d.targetsSha256);
        expect(d.scores).toHaveLength(2);
      }
    });

    it("lists the daily endpoints in the OpenAPI document", async () => {
      const doc = (await w.api.openapi()).data;
      expect(doc.paths?.["/v1/rounds/{number}/scores/daily"]?.post).toBeDefined();
      expect(doc.paths?.["/v1/models/{id}/scores/daily"]?.get).toBeDefined();
      const params = parametersOf(doc, "/v1/rounds/{number}/scores", "get");
      expect(params.map((p) => p.name)).toContain("day");
    });

    it("charts the daily scores on the model page", async () => {
      const res = await w.api.app.request(`/models/${w.modelId}`);
      const html = await res.text();
      expect(res).toHaveStatus(200);
      expect(html).toContain('id="daily-chart"');
      const days = [...html.matchAll(/<g data-point="" data-day="(\d+)"/g)].map((m) => m[1]);
      expect(days).toEqual(["1", "2", "3"]);
      const d2 = expected(day2).get(w.modelId)!;
      expect(html).toContain(`Day 2: CORR ${d2.corr.toFixed(4)}`);
    });
  });
}
