import type { RouteConfig } from "@hono/zod-openapi";
import { type Hex, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as healthRoute from "../../api/routes/health";
import { routes as modelRoutes } from "../../api/routes/models";
import { routes as roundRoutes } from "../../api/routes/rounds";
import { routes as scoreRoutes } from "../../api/routes/scores";
import { routes as submissionRoutes } from "../../api/routes/submissions";
import { type Stack, startStack } from "../../cli/dev/stack";
import {
  featureExposure,
  fnc,
  corr as numeraiCorr,
  payoutAmount,
  payoutRatio,
} from "../../scoring";
import { httpSend, type SendInit, type Sent } from "../helpers/api";
import { stakerClient } from "../helpers/chain";
import { csv, rng, until } from "../helpers/common";
import { dbTargets } from "../helpers/db";

const N = 60;
const rand = rng(7);
const ids = Array.from({ length: N }, (_, i) => `id${String(i).padStart(3, "0")}`);
const features = ids.map(() => [rand(), rand()]);
const targets = ids.map(() => [0, 0.25, 0.5, 0.75, 1][Math.floor(rand() * 5)]!);
// Model A leans toward the targets, model B against them.
const predsA = targets.map((t) => Math.min(1, Math.max(0, 0.5 * t + 0.5 * rand())));
const predsB = targets.map((t) => Math.min(1, Math.max(0, 1 - 0.6 * t - 0.4 * rand())));

for (const target of dbTargets()) {
  describe(`thin round end to end (anvil + ${target.name})`, () => {
    let stack: Stack;
    let send: <R extends RouteConfig>(route: R, init?: SendInit<R>) => Promise<Sent<R>>;

    beforeAll(async () => {
      const db = await target.open();
      stack = await startStack({
        ephemeral: true,
        db,
        port: 0,
        demoAccounts: 2,
        logLevel: "silent",
        workerPollMs: 50,
      });
      const closeDb = stack.stop;
      stack.stop = async () => {
        await closeDb();
        await db.close();
      };
      send = (route, init) => httpSend(stack.info.api, route, init);
    });
    afterAll(async () => {
      await stack?.stop();
    });

    it("opens, takes submissions and stakes, resolves, scores and settles on chain", async () => {
      const { info } = stack;
      const health = await send(healthRoute.route);
      expect(health).toHaveStatus(200);
      expect(Object.keys(health.data.checks).sort()).toEqual(["chain", "db", "worker"]);

      // Operator opens a round.
      const live = new FormData();
      live.set(
        "live",
        new File(
          [
            csv(
              "id,feature_0,feature_1",
              ids.map((id, i) => [id, ...features[i]!]),
            ),
          ],
          "live.csv",
        ),
      );
      live.set("closesAt", new Date(Date.now() + 3_600_000).toISOString());
      live.set("resolvesAt", new Date(Date.now() + 7_200_000).toISOString());
      live.set("stakeThreshold", "1000000");
      live.set("fncFeatures", '["feature_1"]');
      const opened = await send(roundRoutes.open, { key: info.operatorKey, body: live });
      expect(opened).toHaveStatus(201);
      const n = opened.data.number;

      // Two data scientists create models and submit over HTTP.
      const [alice, bob] = info.accounts as [(typeof info.accounts)[0], (typeof info.accounts)[0]];
      const modelA = (
        await send(modelRoutes.create, { key: alice.apiKey, json: { name: "alpha" } })
      ).data.id as Hex;
      const modelB = (await send(modelRoutes.create, { key: bob.apiKey, json: { name: "beta" } }))
        .data.id as Hex;
      for (const [key, model, preds] of [
        [alice.apiKey, modelA, predsA],
        [bob.apiKey, modelB, predsB],
      ] as const) {
        const res = await send(submissionRoutes.submit, {
          params: { id: model },
          key,
          headers: { "content-type": "text/csv" },
          body: csv(
            "id,prediction",
            ids.map((id, i) => [id, preds[i]!]),
          ),
        });
        expect(res).toHaveStatus(201);
        expect(res.data.selected).toBe(true);
      }

      // Two stakers stake on chain.
      const stakeA = parseEther("1000");
      const stakeB = parseEther("2500");
      const sa = stakerClient(info.rpcUrl, info.chainId, alice.privateKey, info.contracts);
      const sb = stakerClient(info.rpcUrl, info.chainId, bob.privateKey, info.contracts);
      await until("round opened on chain", async () =>
        (await send(roundRoutes.get, { params: { number: n } })).data.transactions.open
          ? true
          : undefined,
      );
      await sa.stake(modelA, stakeA);
      await sb.stake(modelB, stakeB);

      // Close: the worker commits the submissions root on chain, fixing stakes at risk.
      expect(
        await send(roundRoutes.close, { params: { number: n }, key: info.operatorKey }),
      ).toHaveStatus(200);
      const closed = await until("round closed on chain", async () => {
        const r = (await send(roundRoutes.get, { params: { number: n } })).data;
        return r.transactions.close ? r : undefined;
      });
      expect(closed.submissionsRoot).toMatch(/^0x[0-9a-f]{64}$/);

      const beforeA = await sa.modelAssets(modelA);
      const beforeB = await sb.modelAssets(modelB);
      const supplyBefore = await sa.totalSupply();

      // Resolve with targets: the worker scores and settles.
      const form = new FormData();
      form.set(
        "targets",
        new File(
          [
            csv(
              "id,target",
              ids.map((id, i) => [id, targets[i]!]),
            ),
          ],
          "targets.csv",
        ),
      );
      const resolved = await send(roundRoutes.resolve, {
        params: { number: n },
        key: info.operatorKey,
        body: form,
      });
      expect(resolved).toHaveStatus(202);
      const settled = await until("round settled", async () => {
        const s = (await send(scoreRoutes.byRound, { params: { number: n } })).data;
        return s.status === "settled" ? s : undefined;
      });

      // Stored scores are the scoring library's numbers on the same data.
      const byModel = new Map(settled.scores.map((s) => [s.modelId, s]));
      const a = byModel.get(modelA)!;
      const b = byModel.get(modelB)!;
      const tgt = { ids, values: Float64Array.from(targets) };
      expect(a.corr).toBeCloseTo(numeraiCorr({ ids, values: Float64Array.from(predsA) }, tgt), 12);
      expect(b.corr).toBeCloseTo(numeraiCorr({ ids, values: Float64Array.from(predsB) }, tgt), 12);
      expect(a.corr).toBeGreaterThan(0);
      expect(b.corr).toBeLessThan(0);
      // FNC against the operator's fncFeatures (feature_1 only), exposure over every feature.
      expect(closed.fncFeatures).toEqual(["feature_1"]);
      const col = (j: number) => Float64Array.from(features, (f) => f[j]!);
      const fncFeatures = { ids, columns: { feature_1: col(1) } };
      const all = { ids, columns: { feature_0: col(0), feature_1: col(1) } };
      for (const [s, p] of [
        [a, predsA],
        [b, predsB],
      ] as const) {
        const series = { ids, values: Float64Array.from(p) };
        expect(s.fnc).toBeCloseTo(fnc(series, fncFeatures, tgt), 12);
        expect(s.fnc).not.toBeCloseTo(fnc(series, all, tgt), 6);
        const e = featureExposure(series, all);
        expect(s.maxFeatureExposure).toBeCloseTo(e.maxFeatureExposure, 12);
        expect(s.maxFeature).toBe(e.maxFeature);
      }
      expect(a.stakeAtRisk).toBe(stakeA.toString());
      expect(b.stakeAtRisk).toBe(stakeB.toString());

      // Payouts follow from the scores with the round's parameters...
      const params = {
        payoutCap: BigInt(closed.payout.payoutCap),
        corrMultiplier: BigInt(closed.payout.corrMultiplier),
        mmcMultiplier: BigInt(closed.payout.mmcMultiplier),
        stakeThreshold: BigInt(closed.payout.stakeThreshold),
      };
      const total = stakeA + stakeB;
      const expectA = payoutAmount(
        stakeA,
        payoutRatio({ corr: a.corr, mmc: a.mmc ?? 0 }, total, params),
      );
      const expectB = payoutAmount(
        stakeB,
        payoutRatio({ corr: b.corr, mmc: b.mmc ?? 0 }, total, params),
      );
      expect(a.payout).toBe(expectA.toString());
      expect(b.payout).toBe(expectB.toString());
      expect(expectA).toBeGreaterThan(0n);
      expect(expectB).toBeLessThan(0n);

      // ...and the chain moved stakes by exactly those amounts: A paid, B burnt.
      expect((await sa.modelAssets(modelA)) - beforeA).toBe(expectA);
      expect((await sb.modelAssets(modelB)) - beforeB).toBe(expectB);
      expect(supplyBefore - (await sa.totalSupply())).toBe(-expectB);
      expect(a.settleTx).toMatch(/^0x/);
    });
  });
}
