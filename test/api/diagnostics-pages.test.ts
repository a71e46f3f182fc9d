import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModel } from "../../api/domain/models";
import { submitPredictions } from "../../api/domain/submit";
import { routes as diagnosticsRoutes } from "../../api/routes/diagnostics";
import { routes as keyRoutes } from "../../api/routes/keys";
import * as leaderboard from "../../api/routes/leaderboard";
import { routes as modelRoutes } from "../../api/routes/models";
import { routes as scoreRoutes } from "../../api/routes/scores";
import { routes as submissionRoutes } from "../../api/routes/submissions";
import { type DbHandle, getModel, type NewScore, saveScores } from "../../db";
import { dataAt, type Sent } from "../helpers/api";
import { dbTargets } from "../helpers/db";
import { referenceDir } from "../scoring/helpers";
import { writeParquet } from "../scoring/parquet-writer";
import { csvOf, predictions, type World, world } from "./world";

const eras = path.join(referenceDir, "eras");

for (const target of dbTargets()) {
  describe(`diagnostics and paginated lists on ${target.name}`, () => {
    let h: DbHandle;
    let w: World;
    beforeAll(async () => {
      h = await target.open();
      w = await world(h);
    });
    afterAll(async () => {
      await h?.close();
    });
    const diagnose = (body: RequestInit["body"], type = "text/csv") =>
      w.api.send(diagnosticsRoutes.route, {
        params: { id: w.modelId },
        key: w.key,
        body,
        headers: { "content-type": type },
      });

    it("computes validation diagnostics as the reference (CSV and Parquet)", async () => {
      const csv = readFileSync(path.join(eras, "validation.csv"), "utf8");
      const expected = JSON.parse(readFileSync(path.join(eras, "expected.json"), "utf8"));
      const res = await diagnose(csv);
      expect(res).toHaveStatus(200);
      const report = dataAt(res, 200);
      expect(report.modelId).toBe(w.modelId);
      expect(report.rows).toBe(3600);
      expect(report.eras).toBe(Object.keys(expected.perEra).length);
      for (const [era, v] of Object.entries(expected.perEra)) {
        expect(report.perEra[era]).toBeCloseTo(v as number, 9);
      }
      for (const k of ["mean", "std", "sharpe", "maxDrawdown"] as const) {
        expect(report[k]).toBeCloseTo(expected[k], 9);
      }
      const lines = csv
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.split(","));
      const parquet = writeParquet(
        lines.map((l) => l[0]!),
        {
          era: lines.map((l) => l[1]!),
          prediction: Float64Array.from(lines, (l) => Number(l[2])),
          target: Float64Array.from(lines, (l) => Number(l[3])),
        },
      );
      const fromParquet = await diagnose(parquet, "application/vnd.apache.parquet");
      expect(fromParquet).toHaveStatus(200);
      expect(fromParquet.data).toEqual(res.data);
    });

    it("maps scorer failures and bad files to 422 invalid_diagnostics", async () => {
      const constant = await diagnose("id,era,prediction,target\na,1,0.5,0.1\nb,1,0.5,0.9\n");
      expect(constant).toHaveStatus(422);
      expect(constant.error).toMatchObject({
        code: "invalid_diagnostics",
        details: { scoringCode: "constant_predictions", era: "1" },
      });
      const header = await diagnose("id,prediction,target\na,0.5,0.1\n");
      expect(header.error?.code).toBe("invalid_diagnostics");
      const text = await diagnose("id,era,prediction,target\na,1,x,0.1\n");
      expect(text.error).toMatchObject({
        code: "invalid_diagnostics",
        details: { rows: [{ line: 2, column: "prediction", value: "x" }] },
      });
      const empty = await diagnose("");
      expect(empty).toHaveStatus(422);
    });

    it("pages a model's submissions with nextCursor and reads one's metadata", async () => {
      const body = csvOf(w.live.ids, predictions(w.live.ids));
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await w.api.send(submissionRoutes.submit, {
          params: { id: w.modelId },
          key: w.key,
          body,
          headers: { "content-type": "text/csv" },
        });
        expect(res).toHaveStatus(201);
        ids.push(res.data.id);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Sent<typeof submissionRoutes.list> = await w.api.send(submissionRoutes.list, {
          params: { id: w.modelId },
          query: cursor ? { limit: 2, cursor } : { limit: 2 },
        });
        expect(page).toHaveStatus(200);
        expect(page.data.submissions.length).toBeLessThanOrEqual(2);
        seen.push(...page.data.submissions.map((s) => s.id));
        cursor = page.data.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());

      const one = await w.api.send(submissionRoutes.get, {
        params: { id: w.modelId, sid: ids[4]! },
      });
      expect(one).toHaveStatus(200);
      expect(one.data).toMatchObject({
        id: ids[4],
        modelId: w.modelId,
        round: w.round,
        selected: true,
        late: false,
      });
      const elsewhere = await w.api.send(submissionRoutes.get, {
        params: { id: w.otherModelId, sid: ids[4]! },
      });
      expect(elsewhere).toHaveStatus(404);
      const malformed = await w.api.send(submissionRoutes.get, {
        params: { id: w.modelId, sid: "nope" },
      });
      expect(malformed).toHaveStatus(400);
      const limit = await w.api.send(submissionRoutes.list, {
        params: { id: w.modelId },
        query: { limit: 0 },
      });
      expect(limit).toHaveStatus(400);
    });

    it("pages round scores, model scores and the leaderboard", async () => {
      const owner = (await getModel(h.db, w.modelId))!;
      const models = [owner];
      for (let i = 0; i < 4; i++)
        models.push(await createModel({ db: h.db }, { accountId: owner.accountId, name: `p${i}` }));
      const rows: NewScore[] = [];
      for (const [i, m] of models.entries()) {
        const s = await submitPredictions(
          { db: h.db },
          {
            accountId: owner.accountId,
            modelId: m.id,
            round: w.round,
            contentType: "text/csv",
            predictions: new TextEncoder().encode(csvOf(w.live.ids, predictions(w.live.ids, i))),
          },
        );
        rows.push({
          round: w.round,
          modelId: m.id,
          submissionId: s.id,
          corr: i / 100,
          mmc: 0,
          fnc: null,
          stakeAtRisk: "0",
          ratioWad: "0",
          payout: "0",
        });
      }
      await saveScores(h.db, rows);
      /** Every item of a paginated list, two a page, and how many pages that took. */
      const collect = async <D extends { nextCursor: string | null }, T>(
        page: (query: { limit: number; cursor?: string }) => Promise<{ status: number; data: D }>,
        items: (data: D) => T[],
      ) => {
        const out: T[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const res: { status: number; data: D } = await page(
            cursor ? { limit: 2, cursor } : { limit: 2 },
          );
          expect(res).toHaveStatus(200);
          out.push(...items(res.data));
          cursor = res.data.nextCursor;
          pages++;
        } while (cursor);
        return { out, pages };
      };
      const byRound = await collect(
        (query) => w.api.send(scoreRoutes.byRound, { params: { number: w.round }, query }),
        (d) => d.scores,
      );
      expect(byRound.pages).toBe(3);
      expect(byRound.out.map((s) => s.modelId)).toEqual(models.map((m) => m.id).sort());
      const board = await collect(
        (query) => w.api.send(leaderboard.route, { query }),
        (d) => d.models,
      );
      expect(board.out.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
      expect(board.out.map((r) => r.name)).toEqual(["p3", "p2", "p1", "p0", "m-owner"]);
      const mine = await collect(
        (query) => w.api.send(scoreRoutes.byModel, { params: { id: w.modelId }, query }),
        (d) => d.scores,
      );
      expect(mine.out).toHaveLength(1);
      expect(mine.pages).toBe(1);
      for (const res of [
        await w.api.send(scoreRoutes.byRound, {
          params: { number: w.round },
          query: { cursor: "nope" },
        }),
        await w.api.send(scoreRoutes.byModel, {
          params: { id: w.modelId },
          query: { cursor: "x" },
        }),
        await w.api.send(leaderboard.route, { query: { cursor: "-1" } }),
      ]) {
        expect(res).toHaveStatus(400);
        expect(res.error?.code).toBe("validation_failed");
      }
    });

    it("lists the caller's models and keys", async () => {
      const models = await w.api.send(modelRoutes.mine, { key: w.otherKey });
      expect(models.data.models.map((m) => m.id)).toEqual([w.otherModelId]);
      const keys = await w.api.send(keyRoutes.listKeys, { key: w.key });
      expect(keys.data.keys).toHaveLength(4);
      expect(keys.data.keys.filter((k) => k.revokedAt)).toHaveLength(1);
    });
  });
}
