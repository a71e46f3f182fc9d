import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../../api/domain/accounts";
import { createModel } from "../../api/domain/models";
import { openRound } from "../../api/domain/rounds";
import { submitPredictions } from "../../api/domain/submit";
import * as leaderboard from "../../api/routes/leaderboard";
import * as scores from "../../api/routes/scores";
import { type DbHandle, saveScores } from "../../db";
import { testApi } from "../helpers/api";
import { dbTargets } from "../helpers/db";

for (const target of dbTargets()) {
  describe(`leaderboard and score listings on ${target.name}`, () => {
    let h: DbHandle;
    let api: Awaited<ReturnType<typeof testApi>>;
    beforeAll(async () => {
      h = await target.open();
      api = await testApi(h);
    });
    afterAll(async () => {
      await h?.close();
    });

    it("ranks models by mean round score with each round's multipliers", async () => {
      // Seeded through the actions the routes call (api/domain).
      const s = { db: h.db };
      const { account } = await createAccount(s, { name: "ds" });
      const a = await createModel(s, { accountId: account.id, name: "a" });
      const b = await createModel(s, { accountId: account.id, name: "b" });
      const fields = {
        closesAt: new Date(Date.now() + 3_600_000).toISOString(),
        resolvesAt: new Date(Date.now() + 7_200_000).toISOString(),
        payoutCap: "0.05",
        corrMultiplier: "0.5",
        mmcMultiplier: "2",
        stakeThreshold: "0.000000000000000001",
      };
      const live = new TextEncoder().encode("id,f\nx,1\ny,2\n");
      const rows = [];
      for (const [i, [ca, ma, cb, mb]] of [
        [0.02, 0.01, 0.03, -0.01],
        [0.04, 0.0, 0.01, 0.0],
      ].entries()) {
        const r = await openRound(s, { live, fields });
        for (const [m, corr, mmc] of [
          [a, ca, ma],
          [b, cb, mb],
        ] as const) {
          const sub = await submitPredictions(s, {
            accountId: account.id,
            modelId: m.id,
            round: r.number,
            contentType: "text/csv",
            predictions: new TextEncoder().encode(`id,prediction\nx,0.${i + 1}\ny,0.9\n`),
          });
          rows.push({
            round: r.number,
            modelId: m.id,
            submissionId: sub.id,
            corr,
            mmc,
            fnc: null,
            stakeAtRisk: "0",
            ratioWad: "0",
            payout: "0",
          });
        }
      }
      await saveScores(h.db, rows);
      const res = await api.send(leaderboard.route);
      expect(res).toHaveStatus(200);
      // a: mean(0.5*0.02 + 2*0.01, 0.5*0.04) = 0.025 ; b: mean(0.5*0.03 - 0.02, 0.5*0.01) = 0
      expect(res.data.models.map((m) => m.name)).toEqual(["a", "b"]);
      expect(res.data.models[0].reputation).toBeCloseTo(0.025, 12);
      expect(res.data.models[1].reputation).toBeCloseTo(0, 12);
      expect(res.data.models[0].rounds).toBe(2);

      const byModel = await api.send(scores.routes.byModel, { params: { id: a.id } });
      expect(byModel.data.scores.map((s) => s.corr)).toEqual([0.04, 0.02]);
    });
  });
}
