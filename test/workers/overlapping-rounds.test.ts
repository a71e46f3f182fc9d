import { parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stakeTokenAbi } from "../../contracts/ts";
import { claimJob, type DbHandle, getRound, roundScores } from "../../db";
import { scoreRound } from "../../scoring";
import { type JobContext, runJob } from "../../workers";
import { dbTargets } from "../helpers/db";
import { type LocalChain, localChain } from "../helpers/local-chain";
import { type RoundFixture, roundFixture } from "../helpers/round-fixture";

const silent = { info() {}, warn() {}, error() {} };

/** Runs the jobs that are ready now, one by one (jobs waiting on the chain stay queued). */
async function drain(ctx: JobContext) {
  for (let i = 0; i < 100; i++) {
    const job = await claimJob(ctx.db, "test");
    if (!job) return;
    await runJob(ctx, job);
  }
}

/** Drains until `round` reaches `status` (jobs waiting on the chain retry a moment later). */
async function drainUntil(ctx: JobContext, round: number, status: string) {
  for (let i = 0; i < 150; i++) {
    await drain(ctx);
    if ((await getRound(ctx.db, round))?.status === status) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`round ${round} did not reach ${status}`);
}

for (const target of dbTargets()) {
  describe(`overlapping rounds with waiting stakes and unstake requests (anvil + ${target.name})`, () => {
    let h: DbHandle;
    let lc: LocalChain;
    let ctx: JobContext;
    beforeAll(async () => {
      [h, lc] = await Promise.all([target.open(), localChain(2)]);
      ctx = { db: h.db, chain: lc.chain, logger: silent, settleBatch: 10 };
    });
    afterAll(async () => {
      await Promise.all([h?.close(), lc?.stop()]);
    });

    it("lands each round's result only on the stake at risk in it, and scores a round only once the one before is final", async () => {
      const alice = lc.staker(0);
      const bob = lc.staker(1);
      const a = await roundFixture(h.db, lc, { nModels: 4, nRows: 120, seed: 101 });
      const [m0, m1] = [a.models[0]!.id, a.models[1]!.id];
      await drain(ctx);
      await alice.stake(m0, parseEther("1000"));
      await bob.stake(m1, parseEther("3000"));
      await a.close();
      await drain(ctx);
      const b = await roundFixture(h.db, lc, { nModels: 4, nRows: 120, seed: 102, reuse: a });
      await drain(ctx);
      // After A's close: alice's request stays at risk in A only; bob's new stake waits for A.
      const request = await alice.requestUnstake(m0, parseEther("400"));
      await bob.stake(m1, parseEther("500"));
      expect(await bob.details(m1)).toMatchObject({
        waitingAssets: parseEther("500"),
        waitingUntilRound: BigInt(a.round),
      });
      await b.close();
      await drain(ctx);
      const c = await roundFixture(h.db, lc, { nModels: 4, nRows: 120, seed: 103, reuse: a });
      await drain(ctx);

      const atRisk = async (fx: RoundFixture, m: `0x${string}`) =>
        lc.chain.read<bigint>("stakeAtRisk", [BigInt(fx.round), m]);
      expect(await atRisk(a, m0)).toBe(parseEther("1000"));
      expect(await atRisk(a, m1)).toBe(parseEther("3000"));
      expect(await atRisk(b, m0)).toBe(parseEther("600"));
      expect(await atRisk(b, m1)).toBe(parseEther("3500"));

      // B's targets arrive first: its payouts wait for A to be final on chain.
      await b.resolve();
      await drain(ctx);
      expect((await getRound(h.db, b.round))?.status).toBe("resolved");
      await expect(alice.withdraw(request)).rejects.toThrow(/NotReleased/);

      const assets = async (m: `0x${string}`) =>
        (await lc.chain.read<{ totalAssets: bigint }>("modelStake", [m])).totalAssets;
      const before = await assets(m0);
      await a.resolve();
      await drainUntil(ctx, a.round, "settled");
      await drainUntil(ctx, b.round, "settled");
      const aScores = new Map((await roundScores(h.db, a.round)).map((s) => [s.modelId, s]));
      const bScores = new Map((await roundScores(h.db, b.round)).map((s) => [s.modelId, s]));
      // A's result landed on the 1,000 at risk, the requested 400 included.
      expect(aScores.get(m0)!.stakeAtRisk).toBe(parseEther("1000").toString());
      const aPayout = BigInt(aScores.get(m0)!.payout);
      // The request left the pool when A was finalized, at A's price (B's result never touches
      // it), and B's stake at risk is exactly what stayed: the 600, valued after A's result.
      const req = await lc.chain.read<{ shares: bigint; assets: bigint }>("unstakeRequest", [
        request,
      ]);
      const price = (x: bigint) =>
        (x * (parseEther("1000") + aPayout + 1n)) / (parseEther("1000") + 1n);
      expect(req.assets).toBe(price(req.shares));
      expect(BigInt(bScores.get(m0)!.stakeAtRisk)).toBe(parseEther("1000") + aPayout - req.assets);
      const libB = scoreRound({
        liveIds: b.ids,
        targets: { ids: b.ids, values: Float64Array.from(b.targets) },
        submissions: b.models.map((m) => ({
          modelId: m.id,
          ids: b.ids,
          predictions: Float64Array.from(m.preds),
          stakeAtRisk: BigInt(bScores.get(m.id)!.stakeAtRisk),
        })),
      });
      expect(BigInt(bScores.get(m0)!.payout)).toBe(libB.get(m0)!.payout);
      expect(BigInt(bScores.get(m1)!.stakeAtRisk)).toBeGreaterThan(parseEther("3499"));

      const after = await assets(m0);
      expect(after - before).toBe(aPayout + BigInt(bScores.get(m0)!.payout) - req.assets);
      const balance = () =>
        alice.publicClient.readContract({
          address: lc.contracts.token,
          abi: stakeTokenAbi,
          functionName: "balanceOf",
          args: [alice.address],
        });
      const b0 = await balance();
      await alice.withdraw(request);
      expect((await balance()) - b0).toBe(req.assets);
      expect((await getRound(h.db, c.round))?.status).toBe("open");
    });
  });
}
