import { parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimJob, type DbHandle, getRound } from "../../db";
import { scoreRound } from "../../scoring";
import { type JobContext, runJob } from "../../workers";
import { dbTargets } from "../helpers/db";
import { type LocalChain, localChain } from "../helpers/local-chain";
import { type RoundFixture, roundFixture } from "../helpers/round-fixture";

const silent = { info() {}, warn() {}, error() {} };

async function drain(ctx: JobContext) {
  for (let i = 0; i < 100; i++) {
    const job = await claimJob(ctx.db, "test");
    if (!job) return;
    await runJob(ctx, job);
  }
}

for (const target of dbTargets()) {
  describe(`overlapping rounds with unstake requests (anvil + ${target.name})`, () => {
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

    it("keeps an unstake at risk in the rounds it was active in and releases it after the last", async () => {
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
      await b.close();
      await drain(ctx);
      const c = await roundFixture(h.db, lc, { nModels: 4, nRows: 120, seed: 103, reuse: a });
      await drain(ctx);
      // Three rounds unresolved at once (A and B closed, C open); alice asks to leave now.
      const request = await alice.requestUnstake(m0, parseEther("400"));
      await c.close();
      await drain(ctx);

      const atRisk = async (fx: RoundFixture, m: `0x${string}`) =>
        lc.chain.read<bigint>("stakeAtRisk", [BigInt(fx.round), m]);
      expect(await atRisk(a, m0)).toBe(parseEther("1000"));
      expect(await atRisk(b, m0)).toBe(parseEther("1000"));
      expect(await atRisk(c, m0)).toBe(parseEther("600"));
      expect(await atRisk(c, m1)).toBe(parseEther("3000"));

      for (const fx of [a, b]) {
        await fx.resolve();
        await drain(ctx);
        expect((await getRound(h.db, fx.round))?.status).toBe("settled");
        await expect(alice.withdraw(request)).rejects.toThrow(/NotReleased/);
      }
      const before = (await lc.chain.read<[bigint, bigint, bigint]>("modelStake", [m0]))[0];
      // Read before settlement: afterwards the figure lives in the ModelSettled event.
      const cRisk = new Map<string, bigint>();
      for (const m of c.models) cRisk.set(m.id, await atRisk(c, m.id));
      await c.resolve();
      await drain(ctx);
      // Round C's payout for m0 was computed on 600 at risk, to the wei.
      const libC = scoreRound({
        liveIds: c.ids,
        targets: { ids: c.ids, values: Float64Array.from(c.targets) },
        submissions: c.models.map((m) => ({
          modelId: m.id,
          ids: c.ids,
          predictions: Float64Array.from(m.preds),
          stakeAtRisk: cRisk.get(m.id)!,
        })),
      });
      const after = (await lc.chain.read<[bigint, bigint, bigint]>("modelStake", [m0]))[0];
      expect(after - before).toBe(libC.get(m0)!.payout);

      const { value: expected } = await (async () => {
        const r = await lc.chain.read<{ shares: bigint }>("unstakeRequest", [request]);
        const [total, shares] = await lc.chain.read<[bigint, bigint, bigint]>("modelStake", [m0]);
        return { value: (r.shares * (total + 1n)) / (shares + 1n) };
      })();
      const balance = async () =>
        alice.publicClient.readContract({
          address: lc.contracts.token,
          abi: (await import("../../contracts/ts")).stakeTokenAbi,
          functionName: "balanceOf",
          args: [alice.address],
        });
      const b0 = await balance();
      await alice.withdraw(request);
      expect((await balance()) - b0).toBe(expected);
    });
  });
}
