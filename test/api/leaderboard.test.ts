import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createAccount,
  createModel,
  createRound,
  createSubmission,
  type DbHandle,
  saveScores,
} from "../../db";
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
      const { account } = await createAccount(h.db, "ds");
      const a = (await createModel(h.db, account.id, "a"))!;
      const b = (await createModel(h.db, account.id, "b"))!;
      const params = {
        liveCsv: "id,f\nx,1\n",
        liveSha256: "00",
        closesAt: new Date(),
        resolvesAt: new Date(Date.now() + 1000),
        payoutCap: "50000000000000000",
        corrMultiplier: "500000000000000000",
        mmcMultiplier: "2000000000000000000",
        stakeThreshold: "1",
      };
      const rows = [];
      for (const [i, [ca, ma, cb, mb]] of [
        [0.02, 0.01, 0.03, -0.01],
        [0.04, 0.0, 0.01, 0.0],
      ].entries()) {
        const r = await createRound(h.db, params);
        for (const [m, corr, mmc] of [
          [a, ca, ma],
          [b, cb, mb],
        ] as const) {
          const s = await createSubmission(h.db, {
            modelId: m.id,
            round: r.number,
            canonicalCsv: "",
            sha256: `${i}`,
            late: false,
          });
          rows.push({
            round: r.number,
            modelId: m.id,
            submissionId: s.id,
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
      const res = await api.call("GET", "/v1/leaderboard");
      expect(res).toHaveStatus(200);
      // a: mean(0.5*0.02 + 2*0.01, 0.5*0.04) = 0.025 ; b: mean(0.5*0.03 - 0.02, 0.5*0.01) = 0
      expect(res.data.models.map((m: { name: string }) => m.name)).toEqual(["a", "b"]);
      expect(res.data.models[0].reputation).toBeCloseTo(0.025, 12);
      expect(res.data.models[1].reputation).toBeCloseTo(0, 12);
      expect(res.data.models[0].rounds).toBe(2);

      const byModel = await api.call("GET", `/v1/models/${a.id}/scores`);
      expect(byModel.data.scores.map((s: { corr: number }) => s.corr)).toEqual([0.04, 0.02]);
    });
  });
}
