import { type Hex, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scoresMultiProof, scoresTree } from "../../contracts/ts";
import { type DbHandle, modelStakeRows, stakePositions, stakerStakes } from "../../db";
import { indexOnce } from "../../workers/indexer";
import { dbTargets } from "../helpers/db";
import { type LocalChain, localChain } from "../helpers/local-chain";

const MODEL_A = `0x${"a1".repeat(32)}` as Hex;
const MODEL_B = `0x${"b2".repeat(32)}` as Hex;
const MODEL_C = `0x${"c3".repeat(32)}` as Hex;

for (const target of dbTargets()) {
  describe(`chain indexer (anvil + ${target.name})`, () => {
    let h: DbHandle;
    let lc: LocalChain;
    beforeAll(async () => {
      [h, lc] = await Promise.all([target.open(), localChain(2)]);
    });
    afterAll(async () => {
      await Promise.all([h?.close(), lc?.stop()]);
    });

    /** The indexed positions, pools and requests must equal what the contract says. */
    async function expectMatchesChain() {
      const rows = await stakePositions(h.db, {});
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        const d = await lc.chain.read<{
          shares: bigint;
          assets: bigint;
          waitingAssets: bigint;
          waitingUntilRound: bigint;
        }>("positionDetails", [row.modelId, row.staker]);
        const at = `${row.modelId} ${row.staker}`;
        expect(row.shares, at).toBe(d.shares.toString());
        expect(row.assets, at).toBe(d.assets.toString());
        expect(row.waitingAssets, at).toBe(d.waitingAssets.toString());
        expect(row.waitingUntilRound, at).toBe(Number(d.waitingUntilRound));
        for (const r of (await stakerStakes(h.db, row.staker)).unstakeRequests) {
          const id = BigInt(r.requestId);
          const onChain = await lc.chain.read<{ assets: bigint; withdrawn: boolean }>(
            "unstakeRequest",
            [id],
          );
          const withdrawable = await lc.chain.read<boolean>("isWithdrawable", [id]);
          expect(r.withdrawn, `request ${id}`).toBe(onChain.withdrawn);
          expect(r.released, `request ${id}`).toBe(withdrawable || onChain.withdrawn);
          if (r.released && !r.withdrawn) expect(r.assets).toBe(onChain.assets.toString());
        }
      }
      for (const m of await modelStakeRows(h.db, [...new Set(rows.map((r) => r.modelId))])) {
        const pool = await lc.chain.read<{
          totalAssets: bigint;
          totalShares: bigint;
          waitingAssets: bigint;
          exitingShares: bigint;
        }>("modelStake", [m.modelId]);
        expect([m.totalAssets, m.totalShares, m.waitingAssets, m.exitingShares]).toEqual(
          [pool.totalAssets, pool.totalShares, pool.waitingAssets, pool.exitingShares].map(String),
        );
      }
    }

    it("follows stakes, waiting deposits, unstakes, releases, withdrawals and settlements", async () => {
      const a = lc.staker(0);
      const b = lc.staker(1);
      await a.stake(MODEL_A, parseEther("1000"));
      await b.stake(MODEL_A, parseEther("500"));
      await b.stake(MODEL_B, parseEther("250"));
      expect(await indexOnce(h.db, lc.chain)).toBeGreaterThanOrEqual(3);
      await expectMatchesChain();

      // A round where A is paid 5% and B burnt 5%: every position of each model changes value.
      const now = BigInt(Math.floor(Date.now() / 1000));
      const params = {
        closesAt: now + 3600n,
        resolvesAt: now + 7200n,
        payoutCap: parseEther("0.05"),
        corrMultiplier: parseEther("0.5"),
        mmcMultiplier: parseEther("2"),
        stakeThreshold: parseEther("72000"),
      };
      await lc.chain.send("openRound", [1n, `0x${"0".repeat(64)}`, params]);
      await lc.chain.send("closeRound", [1n, `0x${"0".repeat(64)}`]);
      // After the close: b's request stays at risk in round 1, a's new deposit waits for it.
      const id = await b.requestUnstake(MODEL_A, parseEther("100"));
      await a.stake(MODEL_B, parseEther("40"));
      await indexOnce(h.db, lc.chain);
      await expectMatchesChain();
      const waiting = (await stakePositions(h.db, { staker: a.address, modelId: MODEL_B }))[0]!;
      expect([waiting.waitingAssets, waiting.waitingUntilRound]).toEqual([
        parseEther("40").toString(),
        1,
      ]);
      const pending = (await stakerStakes(h.db, b.address)).unstakeRequests;
      expect(pending.map((r) => [r.releaseRound, r.released])).toEqual([[1, false]]);

      const tree = scoresTree([
        { modelId: MODEL_A, corr: parseEther("0.2"), mmc: 0n },
        { modelId: MODEL_B, corr: -parseEther("0.2"), mmc: 0n },
      ]);
      await lc.chain.send("resolveRound", [
        1n,
        `0x${"0".repeat(64)}`,
        tree.root,
        parseEther("1"),
        parseEther("75"),
        2n,
      ]);
      const batch = scoresMultiProof(tree, [MODEL_A, MODEL_B]);
      await lc.chain.send("settle", [1n, batch.leaves, batch.proof, batch.proofFlags]);
      await lc.chain.send("finalizeRound", [1n]);
      // Finalized: the request is released and the deposit has joined, with no event of the
      // models' own yet (they apply lazily).
      await indexOnce(h.db, lc.chain);
      await expectMatchesChain();
      const joined = (await stakePositions(h.db, { staker: a.address, modelId: MODEL_B }))[0]!;
      expect(joined.waitingAssets).toBe("0");
      expect(BigInt(joined.assets)).toBeGreaterThan(parseEther("39.9"));
      const released = (await stakerStakes(h.db, b.address)).unstakeRequests[0]!;
      expect(released.released).toBe(true);
      expect(BigInt(released.assets!)).toBeGreaterThan(parseEther("104.9")); // 100 + 5%
      await b.withdraw(id);
      await indexOnce(h.db, lc.chain);
      await expectMatchesChain();
      const bPositions = await stakePositions(h.db, { staker: b.address });
      expect(bPositions.map((p) => p.modelId).sort()).toEqual([MODEL_A, MODEL_B].sort());
      const done = (await stakerStakes(h.db, b.address)).unstakeRequests[0]!;
      expect([done.withdrawn, done.withdrawnAssets]).toEqual([true, released.assets]);
    });

    it("rewinds when the chain reorganises", async () => {
      const a = lc.staker(0);
      const snapshot = (await lc.rpc("evm_snapshot")) as string;
      await a.stake(MODEL_C, parseEther("777"));
      await indexOnce(h.db, lc.chain);
      const before = (await stakePositions(h.db, { staker: a.address, modelId: MODEL_C }))[0];
      await expectMatchesChain();
      expect(BigInt(before!.assets)).toBeGreaterThan(parseEther("776"));
      // Drop that block and replace it with a different history.
      await lc.rpc("evm_revert", [snapshot]);
      await a.stake(MODEL_C, parseEther("5"));
      await lc.rpc("evm_mine");
      await indexOnce(h.db, lc.chain);
      await expectMatchesChain();
      const after = (await stakePositions(h.db, { staker: a.address, modelId: MODEL_C }))[0];
      expect(BigInt(after!.assets)).toBeLessThanOrEqual(parseEther("5"));
      expect(BigInt(after!.assets)).toBeGreaterThan(parseEther("4.99"));
    });
  });
}
