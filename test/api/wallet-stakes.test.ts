import { eq } from "drizzle-orm";
import { getAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as stakes from "../../api/routes/stakes";
import { routes as walletRoutes } from "../../api/routes/wallet";
import { accounts, type DbHandle, modelStakes, positions, unstakeRequests } from "../../db";
import { testApi } from "../helpers/api";
import { dbTargets } from "../helpers/db";
import { type World, world } from "./world";

for (const target of dbTargets()) {
  describe(`wallet linking (SIWE) and stakes on ${target.name}`, () => {
    let h: DbHandle;
    let w: World;
    const wallet = privateKeyToAccount(generatePrivateKey());
    beforeAll(async () => {
      h = await target.open();
      w = await world(h);
    });
    afterAll(async () => {
      await h?.close();
    });

    const signIn = async (
      key: string,
      signer = wallet,
      patch: Partial<Parameters<typeof createSiweMessage>[0]> = {},
    ) => {
      const issued = await w.api.send(walletRoutes.nonce, { key });
      expect(issued).toHaveStatus(201);
      const message = createSiweMessage({
        domain: issued.data.domain,
        address: signer.address,
        uri: "http://localhost/",
        version: "1",
        chainId: 31337,
        nonce: issued.data.nonce,
        issuedAt: new Date(),
        ...patch,
      });
      return { message, signature: await signer.signMessage({ message }) };
    };
    const link = (key: string, body: { message: string; signature: string }) =>
      w.api.send(walletRoutes.link, { key, json: body });

    it("links a wallet with a signed SIWE message", async () => {
      const proof = await signIn(w.key);
      const res = await link(w.key, proof);
      expect(res).toHaveStatus(200);
      expect(res.data).toEqual({ accountId: w.ownerAccountId, walletAddress: wallet.address });
      const [row] = await h.db.select().from(accounts).where(eq(accounts.id, w.ownerAccountId));
      expect(row!.walletAddress).toBe(wallet.address.toLowerCase());
    });

    it("accepts a nonce issued by another server process (nonces live in the database)", async () => {
      // A second app over the same database, as a second API process or Workers isolate is.
      const second = await testApi(h);
      const proof = await signIn(w.key);
      const res = await second.send(walletRoutes.link, { key: w.key, json: proof });
      expect(res).toHaveStatus(200);
      // Consumed there, so it is gone here too.
      const again = await link(w.key, proof);
      expect(again.error).toMatchObject({
        code: "invalid_wallet_proof",
        details: { reason: "nonce" },
      });
    });

    it("refuses a replayed nonce", async () => {
      const proof = await signIn(w.key);
      expect(await link(w.key, proof)).toHaveStatus(200);
      const again = await link(w.key, proof);
      expect(again).toHaveStatus(422);
      expect(again.error).toMatchObject({
        code: "invalid_wallet_proof",
        details: { reason: "nonce" },
      });
    });

    it("refuses another account's nonce, a wrong domain, a wrong signer and an expired message", async () => {
      const cases: [string, () => Promise<{ message: string; signature: string }>][] = [
        ["nonce", () => signIn(w.otherKey)],
        ["domain", () => signIn(w.key, wallet, { domain: "evil.example" })],
        [
          "signature",
          async () => {
            const proof = await signIn(w.key);
            const stranger = privateKeyToAccount(generatePrivateKey());
            return { ...proof, signature: await stranger.signMessage({ message: proof.message }) };
          },
        ],
        ["message", () => signIn(w.key, wallet, { expirationTime: new Date(Date.now() - 1000) })],
        ["message", async () => ({ message: "hello", signature: "0x1234" })],
      ];
      for (const [reason, make] of cases) {
        const res = await link(w.key, await make());
        expect(res).toHaveStatus(422);
        expect(res.error).toMatchObject({ code: "invalid_wallet_proof", details: { reason } });
      }
    });

    it("refuses an address already linked to another account", async () => {
      const res = await link(w.otherKey, await signIn(w.otherKey));
      expect(res).toHaveStatus(409);
      expect(res.error?.code).toBe("wallet_already_linked");
    });

    it("serves a staker's positions and unstake requests, and a model's pool", async () => {
      const staker = wallet.address.toLowerCase();
      const another = privateKeyToAccount(generatePrivateKey()).address.toLowerCase();
      await h.db.insert(positions).values([
        {
          modelId: w.modelId,
          staker,
          shares: "1000000000000000000000",
          assets: "1050000000000000000000",
          waitingAssets: "200",
          waitingUntilRound: 5,
          block: 7,
        },
        { modelId: w.modelId, staker: another, shares: "5", assets: "5", block: 7 },
        { modelId: w.otherModelId, staker, shares: "2", assets: "3", block: 8 },
      ]);
      await h.db.insert(modelStakes).values({
        modelId: w.modelId,
        totalAssets: "1050000000000000000005",
        totalShares: "1000000000000000000005",
        activeAssets: "1000000000000000000000",
        block: 9,
      });
      await h.db.insert(unstakeRequests).values([
        { requestId: 1, modelId: w.modelId, staker, shares: "10", releaseRound: 4, block: 9 },
        {
          requestId: 2,
          modelId: w.modelId,
          staker,
          shares: "20",
          releaseRound: 3,
          released: true,
          assets: "21",
          block: 9,
        },
        {
          requestId: 3,
          modelId: w.modelId,
          staker,
          shares: "30",
          releaseRound: 0,
          released: true,
          assets: "31",
          withdrawn: true,
          withdrawnAssets: "31",
          block: 9,
        },
      ]);
      const mine = await w.api.send(stakes.routes.byAddress, { query: { address: staker } });
      expect(mine).toHaveStatus(200);
      expect(mine.data.address).toBe(wallet.address);
      expect(mine.data.positions).toEqual(
        [
          {
            modelId: w.modelId,
            staker: wallet.address,
            shares: "1000000000000000000000",
            assets: "1050000000000000000000",
            atRisk: "1050000000000000000000",
            waiting: { assets: "200", untilRound: 5 },
            // 10 shares at the pool's price (1.05, one virtual share and asset), rounded down.
            pendingRelease: {
              shares: "10",
              assets: "10",
              requests: [{ requestId: 1, shares: "10", releaseRound: 4 }],
            },
            withdrawable: { assets: "21", requests: [{ requestId: 2, assets: "21" }] },
          },
          {
            modelId: w.otherModelId,
            staker: wallet.address,
            shares: "2",
            assets: "3",
            atRisk: "3",
            waiting: { assets: "0", untilRound: null },
            pendingRelease: { shares: "0", assets: "0", requests: [] },
            withdrawable: { assets: "0", requests: [] },
          },
        ].sort((a, b) => a.modelId.localeCompare(b.modelId)),
      );
      expect(mine.data.unstakeRequests).toEqual([
        {
          requestId: 1,
          modelId: w.modelId,
          staker: wallet.address,
          shares: "10",
          releaseRound: 4,
          released: false,
          assets: null,
          withdrawn: false,
          withdrawnAssets: null,
        },
        expect.objectContaining({ requestId: 2, released: true, assets: "21", withdrawn: false }),
        expect.objectContaining({ requestId: 3, withdrawn: true, withdrawnAssets: "31" }),
      ]);
      // Without ?address the linked wallet of the caller is used.
      const linked = await w.api.send(stakes.routes.byAddress, { key: w.key });
      expect(linked.data).toEqual(mine.data);

      const pool = await w.api.send(stakes.routes.byModel, { params: { id: w.modelId } });
      expect(pool).toHaveStatus(200);
      expect(pool.data).toMatchObject({
        modelId: w.modelId,
        totalAssets: "1050000000000000000005",
        totalShares: "1000000000000000000005",
        activeAssets: "1000000000000000000000",
        block: 9,
      });
      expect(pool.data.positions.map((p) => p.staker).sort()).toEqual(
        [wallet.address, getAddress(another)].sort(),
      );
      expect(pool.data.unstakeRequests).toHaveLength(3);
      const empty = await w.api.send(stakes.routes.byModel, { params: { id: w.otherModelId } });
      expect(empty.data).toMatchObject({ totalAssets: "0", totalShares: "0", block: null });
    });

    it("answers stake errors", async () => {
      const bad = await w.api.send(stakes.routes.byAddress, { query: { address: "0x123" } });
      expect(bad).toHaveStatus(400);
      expect(bad.error?.code).toBe("validation_failed");
      const none = await w.api.send(stakes.routes.byAddress);
      expect(none).toHaveStatus(400);
      const unknown = await w.api.send(stakes.routes.byModel, {
        params: { id: `0x${"12".repeat(32)}` },
      });
      expect(unknown).toHaveStatus(404);
    });
  });
}
