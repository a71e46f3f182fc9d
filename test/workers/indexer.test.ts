import { type Hex, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, modelStakeRows, stakePositions } from "../../db";
import { indexOnce } from "../../workers/indexer";
import { dbTargets } from "../helpers/db";
import { type LocalChain, localChain } from "../helpers/local-chain";

const MODEL_A = `0x${"a1".repeat(32)}` as Hex;
const MODEL_B = `0x${"b2".repeat(32)}` as Hex;

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

    /** The indexed positions must equal what the contract says. */
    async function expectMatchesChain() {
      const rows = await stakePositions(h.db, {});
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        const [shares, assets] = await lc.chain.read<[bigint, bigint]>("positionOf", [
          row.modelId,
          row.staker,
        ]);
        expect(row.shares, `${row.modelId} ${row.staker}`).toBe(shares.toString());
        expect(row.assets, `${row.modelId} ${row.staker}`).toBe(assets.toString());
      }
      for (const m of await modelStakeRows(h.db, [...new Set(rows.map((r) => r.modelId))])) {
        const [total, shares, active] = await lc.chain.read<[bigint, bigint, bigint]>(
          "modelStake",
          [m.modelId],
        );
        expect([m.totalAssets, m.totalShares, m.activeAssets]).toEqual(
          [total, shares, active].map(String),
        );
      }
    }

    it("follows stakes, unstakes, withdrawals and settlements", async () => {
      const a = lc.staker(0);
      const b = lc.staker(1);
      await a.stake(MODEL_A, parseEther("1000"));
      await b.stake(MODEL_A, parseEther("500"));
      await b.stake(MODEL_B, parseEther("250"));
      expect(await indexOnce(h.db, lc.chain)).toBeGreaterThanOrEqual(3);
      await expectMatchesChain();

      // A round where A is paid 5% and B burnt 5%: every position of each model changes value.
      const params = {
        closesAt: 0n,
        resolvesAt: 0n,
        payoutCap: parseEther("0.05"),
        corrMultiplier: parseEther("0.5"),
        mmcMultiplier: parseEther("2"),
        stakeThreshold: parseEther("72000"),
      };
      await lc.chain.send("openRound", [1n, `0x${"0".repeat(64)}`, params]);
      await lc.chain.send("closeRound", [1n, `0x${"0".repeat(64)}`]);
      const id = await b.requestUnstake(MODEL_A, parseEther("100"));
      await lc.chain.send("resolveRound", [
        1n,
        `0x${"0".repeat(64)}`,
        `0x${"0".repeat(64)}`,
        parseEther("75"),
      ]);
      await lc.chain.send("settle", [
        1n,
        [MODEL_A, MODEL_B],
        [parseEther("0.05"), -parseEther("0.05")],
      ]);
      await lc.chain.send("finalizeRound", [1n]);
      await b.withdraw(id);
      await indexOnce(h.db, lc.chain);
      await expectMatchesChain();
      const bPositions = await stakePositions(h.db, { staker: b.address });
      expect(bPositions.map((p) => p.modelId).sort()).toEqual([MODEL_A, MODEL_B].sort());
    });

    it("rewinds when the chain reorganises", async () => {
      const a = lc.staker(0);
      const snapshot = (await lc.rpc("evm_snapshot")) as string;
      await a.stake(MODEL_B, parseEther("777"));
      await indexOnce(h.db, lc.chain);
      const before = (await stakePositions(h.db, { staker: a.address, modelId: MODEL_B }))[0];
      await expectMatchesChain();
      expect(BigInt(before!.assets)).toBeGreaterThan(parseEther("776"));
      // Drop that block and replace it with a different history.
      await lc.rpc("evm_revert", [snapshot]);
      await a.stake(MODEL_B, parseEther("5"));
      await lc.rpc("evm_mine");
      await indexOnce(h.db, lc.chain);
      await expectMatchesChain();
      const after = (await stakePositions(h.db, { staker: a.address, modelId: MODEL_B }))[0];
      expect(BigInt(after!.assets)).toBeLessThanOrEqual(parseEther("5"));
      expect(BigInt(after!.assets)).toBeGreaterThan(parseEther("4.99"));
    });
  });
}
