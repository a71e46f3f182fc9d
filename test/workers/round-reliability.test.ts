import type { Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimJob, type DbHandle, getRound, listJobs, roundScores } from "../../db";
import { scoreRound } from "../../scoring";
import { type Chain, type JobContext, runJob, startWorker } from "../../workers";
import { until as waitFor } from "../helpers/common";
import { dbTargets } from "../helpers/db";
import { type LocalChain, localChain } from "../helpers/local-chain";
import { type RoundFixture, roundFixture, stakeOn } from "../helpers/round-fixture";

const silent = { info() {}, warn() {}, error() {} };
const until = <T>(what: string, fn: () => Promise<T | undefined>) => waitFor(what, fn, 60_000, 50);

/** Runs ready jobs one by one with `ctx` until none is ready (a deterministic worker). */
async function drain(ctx: JobContext, staleMs = 60_000) {
  for (let i = 0; i < 200; i++) {
    const job = await claimJob(ctx.db, "test-worker", staleMs);
    if (!job) return;
    await runJob(ctx, job);
  }
}

/** What the round must pay each model: the scoring library on the same data and stakes. */
function expectedPayouts(fx: RoundFixture, atRisk: Map<string, bigint>) {
  const round = scoreRound({
    liveIds: fx.ids,
    targets: { ids: fx.ids, values: Float64Array.from(fx.targets) },
    submissions: fx.models.map((m) => ({
      modelId: m.id,
      ids: fx.ids,
      predictions: Float64Array.from(m.preds),
      stakeAtRisk: atRisk.get(m.id) ?? 0n,
    })),
  });
  return new Map([...round].map(([id, r]) => [id, r.payout]));
}

async function modelAssets(chain: Chain, ids: Hex[]) {
  const out = new Map<Hex, bigint>();
  for (const id of ids)
    out.set(id, (await chain.read<{ totalAssets: bigint }>("modelStake", [id])).totalAssets);
  return out;
}

async function settledEvents(chain: Chain, round: number) {
  const { tournamentAbi } = await import("../../contracts/ts");
  const logs = await chain.publicClient.getContractEvents({
    address: chain.tournament,
    abi: tournamentAbi,
    eventName: "ModelSettled",
    fromBlock: 0n,
  });
  return logs.filter((l) => (l.args as { roundId: bigint }).roundId === BigInt(round));
}

for (const target of dbTargets()) {
  describe(`round reliability (anvil + ${target.name})`, () => {
    let h: DbHandle;
    let lc: LocalChain;
    let ctx: JobContext;
    let seed = 1;
    beforeAll(async () => {
      [h, lc] = await Promise.all([target.open(), localChain(20)]);
      ctx = { db: h.db, chain: lc.chain, logger: silent, settleBatch: 16 };
    });
    afterAll(async () => {
      await Promise.all([h?.close(), lc?.stop()]);
    });

    it("settles 50 models backed by 20 stakers to the wei", async () => {
      const fx = await roundFixture(h.db, lc, { nModels: 50, nRows: 400, seed: seed++ });
      await drain(ctx);
      expect((await getRound(h.db, fx.round))?.openTx).toMatch(/^0x/);
      await stakeOn(lc, fx, 3, 11);
      await fx.close();
      await drain(ctx);
      const before = await modelAssets(
        lc.chain,
        fx.models.map((m) => m.id),
      );
      await fx.resolve();
      await drain(ctx);
      expect((await getRound(h.db, fx.round))?.status).toBe("settled");
      const want = expectedPayouts(fx, fx.stakes);
      const after = await modelAssets(
        lc.chain,
        fx.models.map((m) => m.id),
      );
      let paid = 0;
      let burnt = 0;
      for (const m of fx.models) {
        const delta = after.get(m.id)! - before.get(m.id)!;
        expect(delta, m.id).toBe(want.get(m.id));
        if (delta > 0n) paid++;
        if (delta < 0n) burnt++;
      }
      expect(paid).toBeGreaterThan(0);
      expect(burnt).toBeGreaterThan(0);
      const stored = await roundScores(h.db, fx.round);
      expect(stored.map((s) => [s.modelId, BigInt(s.payout)])).toEqual(
        fx.models
          .map((m) => [m.id, want.get(m.id)])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      );
      // Every model with stake at risk, and only those (the others cannot be settled).
      const settled = await settledEvents(lc.chain, fx.round);
      expect(settled).toHaveLength(fx.stakes.size);
      expect(
        new Set(settled.map((e) => (e.args as { modelId: string }).modelId.toLowerCase())),
      ).toEqual(new Set([...fx.stakes.keys()].map((m) => m.toLowerCase())));
    });

    it("splits a big round's scoring into parts that two workers share, with the same payouts", async () => {
      const fx = await roundFixture(h.db, lc, { nModels: 12, nRows: 200, seed: seed++ });
      const split = { ...ctx, scorePartSize: 5 };
      await drain(split);
      await stakeOn(lc, fx, 1, 41);
      await fx.close();
      await drain(split);
      const before = await modelAssets(
        lc.chain,
        fx.models.map((m) => m.id),
      );
      await fx.resolve();
      const w1 = startWorker(split, { pollMs: 10, indexer: false, workerId: "part-w1" });
      const w2 = startWorker(split, { pollMs: 10, indexer: false, workerId: "part-w2" });
      try {
        await until("settled", async () =>
          (await getRound(h.db, fx.round))?.status === "settled" ? true : undefined,
        );
      } finally {
        await Promise.all([w1.stop(), w2.stop()]);
      }
      const parts = (await listJobs(h.db)).filter((j) =>
        j.key.startsWith(`round.score-part:${fx.round}:`),
      );
      expect(parts.map((j) => j.status)).toEqual(["done", "done", "done"]);
      const want = expectedPayouts(fx, fx.stakes);
      const after = await modelAssets(
        lc.chain,
        fx.models.map((m) => m.id),
      );
      for (const m of fx.models)
        expect(after.get(m.id)! - before.get(m.id)!, m.id).toBe(want.get(m.id));
    });

    it("finishes a round whose worker died after sending a settle transaction, settling each model once", async () => {
      const fx = await roundFixture(h.db, lc, { nModels: 12, nRows: 200, seed: seed++ });
      await drain(ctx);
      await stakeOn(lc, fx, 1, 23);
      await fx.close();
      await drain(ctx);
      await fx.resolve();
      // This worker's chain dies right after its second settle transaction is mined.
      let settles = 0;
      const crashing: Chain = {
        ...lc.chain,
        async send(fn, args, opts) {
          const hash = await lc.chain.send(fn, args, opts);
          if (fn === "settle" && ++settles === 2) throw new Error("worker killed after sending");
          return hash;
        },
      };
      await drain({ ...ctx, chain: crashing, settleBatch: 4 });
      expect((await getRound(h.db, fx.round))?.status).toBe("scored");
      const failed = (await listJobs(h.db)).find((j) => j.key === `round.settle:${fx.round}`);
      expect(failed?.lastError).toContain("worker killed after sending");
      // A healthy worker picks the job up again once its backoff passes.
      await until("retry", async () => {
        await drain(ctx);
        return (await getRound(h.db, fx.round))?.status === "settled" ? true : undefined;
      });
      // Only models with stake at risk are settled (the others cannot be): each exactly once.
      const events = await settledEvents(lc.chain, fx.round);
      expect(fx.stakes.size).toBeGreaterThan(4); // at least two batches of 4
      expect(events).toHaveLength(fx.stakes.size);
      expect(new Set(events.map((e) => (e.args as { modelId: string }).modelId)).size).toBe(
        fx.stakes.size,
      );
    });

    it("takes over a job from a worker that died holding it", async () => {
      const fx = await roundFixture(h.db, lc, { nModels: 5, nRows: 100, seed: seed++ });
      await drain(ctx);
      await stakeOn(lc, fx, 1, 29);
      await fx.close();
      await drain(ctx);
      await fx.resolve();
      // A worker claims the scoring job and dies without finishing it.
      const claimed = await claimJob(h.db, "doomed-worker");
      expect(claimed?.key).toBe(`round.score:${fx.round}`);
      await drain(ctx); // lock still fresh: nothing to do
      expect((await getRound(h.db, fx.round))?.status).toBe("resolved");
      await new Promise((r) => setTimeout(r, 50));
      await drain(ctx, 10); // stale after 10 ms: taken over
      expect((await getRound(h.db, fx.round))?.status).toBe("settled");
      expect(await settledEvents(lc.chain, fx.round)).toHaveLength(fx.stakes.size);
    });

    it("never double-settles with two workers running at once", async () => {
      const fx = await roundFixture(h.db, lc, { nModels: 20, nRows: 200, seed: seed++ });
      const w1 = startWorker(ctx, { pollMs: 10, indexer: false, workerId: "w1" });
      const w2 = startWorker(
        { ...ctx, settleBatch: 3 },
        { pollMs: 10, indexer: false, workerId: "w2" },
      );
      try {
        await until("opened", async () =>
          (await getRound(h.db, fx.round))?.openTx ? true : undefined,
        );
        await stakeOn(lc, fx, 1, 37);
        await fx.close();
        await until("closed", async () =>
          (await getRound(h.db, fx.round))?.closeTx ? true : undefined,
        );
        await fx.resolve();
        await until("settled", async () =>
          (await getRound(h.db, fx.round))?.status === "settled" ? true : undefined,
        );
      } finally {
        await Promise.all([w1.stop(), w2.stop()]);
      }
      const events = await settledEvents(lc.chain, fx.round);
      expect(events).toHaveLength(fx.stakes.size);
      expect(new Set(events.map((e) => (e.args as { modelId: string }).modelId)).size).toBe(
        fx.stakes.size,
      );
    });

    it("splits a settle batch whose gas estimate is above SETTLE_GAS_LIMIT, settling each model once", async () => {
      const fx = await roundFixture(h.db, lc, { nModels: 30, nRows: 100, seed: seed++ });
      await drain(ctx);
      await stakeOn(lc, fx, 2, 53);
      await fx.close();
      await drain(ctx);
      await fx.resolve();
      const limit = 200_000n;
      const estimates: { models: number; gas: bigint }[] = [];
      const sent: { models: number; gas?: bigint }[] = [];
      const counting: Chain = {
        ...lc.chain,
        async estimate(fn, args) {
          const gas = await lc.chain.estimate(fn, args);
          if (fn === "settle") estimates.push({ models: (args[1] as unknown[]).length, gas });
          return gas;
        },
        async send(fn, args, opts) {
          if (fn === "settle") sent.push({ models: (args[1] as unknown[]).length, gas: opts?.gas });
          return lc.chain.send(fn, args, opts);
        },
      };
      await drain({ ...ctx, chain: counting, settleBatch: 1000, settleGasLimit: limit });
      expect((await getRound(h.db, fx.round))?.status).toBe("settled");
      // The whole batch was estimated above the limit, then halved until each part fit.
      expect(estimates[0]).toMatchObject({ models: fx.stakes.size });
      expect(estimates[0]!.gas).toBeGreaterThan(limit);
      expect(sent.length).toBeGreaterThan(1);
      expect(sent.reduce((a, s) => a + s.models, 0)).toBe(fx.stakes.size);
      for (const s of sent) {
        const est = estimates.find((e) => e.models === s.models && e.gas <= limit);
        expect(
          est,
          JSON.stringify(s, (_k, v) => (typeof v === "bigint" ? String(v) : v)),
        ).toBeDefined();
      }
      const events = await settledEvents(lc.chain, fx.round);
      expect(events).toHaveLength(fx.stakes.size);
      expect(new Set(events.map((e) => (e.args as { modelId: string }).modelId)).size).toBe(
        fx.stakes.size,
      );
    });
  });
}
