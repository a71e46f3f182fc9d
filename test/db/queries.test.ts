import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  claimJob,
  completeJob,
  createAccount,
  createModel,
  createRound,
  type DbHandle,
  failJob,
  findActiveKey,
  listJobs,
  revokeApiKey,
  selectedSubmissions,
  storeSubmission,
} from "../../db";
import { dbTargets } from "../helpers/db";

for (const target of dbTargets()) {
  describe(`db on ${target.name}`, () => {
    let h: DbHandle;
    beforeAll(async () => {
      h = await target.open();
    });
    afterAll(async () => {
      await h?.close();
    });

    it("stores keys only as hashes and stops accepting revoked keys", async () => {
      const { account, key, secret } = await createAccount(h.db, "alice");
      expect(key.hash).not.toContain(secret);
      expect((await findActiveKey(h.db, secret))?.account.id).toBe(account.id);
      expect(await revokeApiKey(h.db, account.id, key.id, ["read"])).toBe("forbidden");
      expect(await findActiveKey(h.db, secret)).toBeDefined();
      expect(await revokeApiKey(h.db, account.id, key.id, ["read", "submit"])).toBe("revoked");
      expect(await findActiveKey(h.db, secret)).toBeUndefined();
      expect(await revokeApiKey(h.db, account.id, key.id, ["read", "submit"])).toBe("missing");
    });

    it("numbers rounds in order and queues their chain jobs once", async () => {
      const base = {
        liveCsv: "id,f\na,1\n",
        liveSha256: "00",
        closesAt: new Date(Date.now() + 60_000),
        resolvesAt: new Date(Date.now() + 120_000),
        payoutCap: "50000000000000000",
        corrMultiplier: "500000000000000000",
        mmcMultiplier: "2000000000000000000",
        stakeThreshold: "72000000000000000000000",
      };
      const r1 = await createRound(h.db, base);
      const r2 = await createRound(h.db, base);
      expect(r2.number).toBe(r1.number + 1);
      const open = (await listJobs(h.db)).filter((j) => j.kind === "round.open");
      expect(open.map((j) => j.payload.round)).toEqual([r1.number, r2.number]);
    });

    it("keeps only the latest on-time submission selected", async () => {
      const { account } = await createAccount(h.db, "bob");
      const model = (await createModel(h.db, account.id, "bob_model"))!;
      // Round 1 (one live id) is open and closes in a minute; the third comes in after that.
      const round = 1;
      const store = (sha256: string, at: Date) =>
        storeSubmission(
          h.db,
          { modelId: model.id, round, predictions: Float64Array.of(0.5), sha256 },
          at,
        );
      const first = await store("1", new Date());
      const second = await store("2", new Date());
      const third = await store("3", new Date(Date.now() + 120_000));
      expect([first, second, third].map((s) => s !== "stale" && s?.late)).toEqual([
        false,
        false,
        true,
      ]);
      if (second === "stale" || !second) throw new Error("not stored");
      const selected = await selectedSubmissions(h.db, round);
      expect(selected.map((s) => s.id)).toEqual([second.id]);
    });

    it("hands a job to one claimer at a time and retries failures", async () => {
      const a = await claimJob(h.db, "w1");
      const b = await claimJob(h.db, "w2");
      expect(a).not.toBeNull();
      expect(b?.id).not.toBe(a?.id);
      await failJob(h.db, a!, "boom", 0);
      const again = await claimJob(h.db, "w3");
      expect(again?.id).toBe(a!.id);
      expect(again?.attempts).toBe(2);
      await completeJob(h.db, again!);
      const done = (await listJobs(h.db, "done")).map((j) => j.id);
      expect(done).toContain(a!.id);
    });
  });
}
