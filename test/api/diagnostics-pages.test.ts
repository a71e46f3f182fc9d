import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModel } from "../../api/domain/models";
import { submitPredictions } from "../../api/domain/submit";
import { type DbHandle, getModel, type NewScore, saveScores } from "../../db";
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
      w.api.call("POST", `/v1/models/${w.modelId}/diagnostics`, {
        key: w.key,
        body,
        headers: { "content-type": type },
      });

    it("computes validation diagnostics as the reference (CSV and Parquet)", async () => {
      const csv = readFileSync(path.join(eras, "validation.csv"), "utf8");
      const expected = JSON.parse(readFileSync(path.join(eras, "expected.json"), "utf8"));
      const res = await diagnose(csv);
      expect(res).toHaveStatus(200);
      expect(res.data.modelId).toBe(w.modelId);
      expect(res.data.rows).toBe(3600);
      expect(res.data.eras).toBe(Object.keys(expected.perEra).length);
      for (const [era, v] of Object.entries(expected.perEra)) {
        expect(res.data.perEra[era]).toBeCloseTo(v as number, 9);
      }
      for (const k of ["mean", "std", "sharpe", "maxDrawdown"]) {
        expect(res.data[k]).toBeCloseTo(expected[k], 9);
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
      expect(constant.data.error).toMatchObject({
        code: "invalid_diagnostics",
        details: { scoringCode: "constant_predictions", era: "1" },
      });
      const header = await diagnose("id,prediction,target\na,0.5,0.1\n");
      expect(header.data.error.code).toBe("invalid_diagnostics");
      const text = await diagnose("id,era,prediction,target\na,1,x,0.1\n");
      expect(text.data.error).toMatchObject({
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
        const res = await w.api.call("POST", `/v1/models/${w.modelId}/submissions`, {
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
        const q: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
        const page = await w.api.call("GET", `/v1/models/${w.modelId}/submissions${q}`);
        expect(page).toHaveStatus(200);
        expect(page.data.submissions.length).toBeLessThanOrEqual(2);
        seen.push(...page.data.submissions.map((s: { id: string }) => s.id));
        cursor = page.data.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());

      const one = await w.api.call("GET", `/v1/models/${w.modelId}/submissions/${ids[4]}`);
      expect(one).toHaveStatus(200);
      expect(one.data).toMatchObject({
        id: ids[4],
        modelId: w.modelId,
        round: w.round,
        selected: true,
        late: false,
      });
      const elsewhere = await w.api.call(
        "GET",
        `/v1/models/${w.otherModelId}/submissions/${ids[4]}`,
      );
      expect(elsewhere).toHaveStatus(404);
      const malformed = await w.api.call("GET", `/v1/models/${w.modelId}/submissions/nope`);
      expect(malformed).toHaveStatus(400);
      const limit = await w.api.call("GET", `/v1/models/${w.modelId}/submissions?limit=0`);
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
      const collect = async (path: string, key: string) => {
        const out: any[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const sep = path.includes("?") ? "&" : "?";
          const res: { status: number; data: any } = await w.api.call(
            "GET",
            `${path}${sep}limit=2${cursor ? `&cursor=${cursor}` : ""}`,
          );
          expect(res).toHaveStatus(200);
          out.push(...res.data[key]);
          cursor = res.data.nextCursor;
          pages++;
        } while (cursor);
        return { out, pages };
      };
      const byRound = await collect(`/v1/rounds/${w.round}/scores`, "scores");
      expect(byRound.pages).toBe(3);
      expect(byRound.out.map((s) => s.modelId)).toEqual(models.map((m) => m.id).sort());
      const board = await collect("/v1/leaderboard", "models");
      expect(board.out.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
      expect(board.out.map((r) => r.name)).toEqual(["p3", "p2", "p1", "p0", "m-owner"]);
      const mine = await collect(`/v1/models/${w.modelId}/scores`, "scores");
      expect(mine.out).toHaveLength(1);
      expect(mine.pages).toBe(1);
      for (const bad of [
        `/v1/rounds/${w.round}/scores?cursor=nope`,
        `/v1/models/${w.modelId}/scores?cursor=x`,
        "/v1/leaderboard?cursor=-1",
      ]) {
        const res = await w.api.call("GET", bad);
        expect(res).toHaveStatus(400);
        expect(res.data.error.code).toBe("validation_failed");
      }
    });

    it("lists the caller's models and keys", async () => {
      const models = await w.api.call("GET", "/v1/models", { key: w.otherKey });
      expect(models.data.models.map((m: { id: string }) => m.id)).toEqual([w.otherModelId]);
      const keys = await w.api.call("GET", "/v1/keys", { key: w.key });
      expect(keys.data.keys).toHaveLength(4);
      expect(keys.data.keys.filter((k: { revokedAt: string | null }) => k.revokedAt)).toHaveLength(
        1,
      );
    });
  });
}
