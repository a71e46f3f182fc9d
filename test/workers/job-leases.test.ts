import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  claimJob,
  completeJob,
  type DbHandle,
  enqueueJob,
  failJob,
  listJobs,
  renewJobLease,
} from "../../db";
import type { JobContext } from "../../workers/context";
import { handlers, runJob, startWorker } from "../../workers/runner";
import { dbTargets } from "../helpers/db";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quiet = { info() {}, warn() {}, error() {} };

for (const target of dbTargets()) {
  describe(`job leases and fencing on ${target.name}`, () => {
    let h: DbHandle;
    let ctx: JobContext;
    beforeAll(async () => {
      h = await target.open();
      ctx = { db: h.db, chain: undefined as never, logger: quiet, settleBatch: 10 };
    });
    afterAll(async () => {
      await h?.close();
    });

    it("a worker that lost its lease can neither renew, complete nor fail the job", async () => {
      await enqueueJob(h.db, "round.open", { round: 1 }, { key: "fence-1" });
      const a = (await claimJob(h.db, "a"))!;
      expect(a.lease).toBeTruthy();
      await sleep(30);
      const b = (await claimJob(h.db, "b", 10))!; // a stopped renewing: taken over
      expect(b.id).toBe(a.id);
      expect(b.lease).not.toBe(a.lease);
      expect(await renewJobLease(h.db, a)).toBe(false);
      expect(await completeJob(h.db, a)).toBe(false);
      expect(await failJob(h.db, a, "late failure", 0)).toBe(false);
      let [row] = (await listJobs(h.db)).filter((j) => j.key === "fence-1");
      expect(row).toMatchObject({ status: "running", lockedBy: "b", lastError: null });
      expect(await renewJobLease(h.db, b)).toBe(true);
      expect(await completeJob(h.db, b)).toBe(true);
      [row] = (await listJobs(h.db)).filter((j) => j.key === "fence-1");
      expect(row!.status).toBe("done");
    });

    it("a job that outlives the stale time while running is renewed and runs once", async () => {
      const staleMs = 150;
      let runs = 0;
      let concurrent = 0;
      let most = 0;
      const slow = {
        ...handlers,
        "round.open": async () => {
          runs++;
          most = Math.max(most, ++concurrent);
          await sleep(staleMs * 4); // four stale times
          concurrent--;
        },
      };
      await enqueueJob(h.db, "round.open", { round: 2 }, { key: "slow-1" });
      const opts = { pollMs: 10, staleMs, indexer: false as const, handlers: slow };
      const w1 = startWorker(ctx, { ...opts, workerId: "w1" });
      const w2 = startWorker(ctx, { ...opts, workerId: "w2" });
      try {
        for (let i = 0; i < 200; i++) {
          const [job] = (await listJobs(h.db)).filter((j) => j.key === "slow-1");
          if (job!.status === "done") break;
          await sleep(20);
        }
      } finally {
        await w1.stop();
        await w2.stop();
      }
      const [job] = (await listJobs(h.db)).filter((j) => j.key === "slow-1");
      expect(job!.status).toBe("done");
      expect(job!.attempts).toBe(1);
      expect(runs).toBe(1);
      expect(most).toBe(1);
    });

    it("a job whose worker stalled past the stale time is run again, and the stalled result is dropped", async () => {
      const staleMs = 60;
      const seen: string[] = [];
      let release!: () => void;
      const stalled = new Promise<void>((r) => {
        release = r;
      });
      const registry = {
        ...handlers,
        "round.open": async (c: JobContext) => {
          seen.push(c.signal?.aborted ? "aborted" : "started");
          if (seen.length === 1) {
            await stalled; // the first run hangs...
            seen.push(c.signal?.aborted ? "first saw abort" : "first not aborted");
            throw new Error("first run's late error");
          }
        },
      };
      await enqueueJob(h.db, "round.open", { round: 3 }, { key: "stall-1" });
      const job = (await claimJob(h.db, "stalled"))!;
      // Its lease is renewed every 20 ms unless renewals fail: simulate a takeover by another
      // worker after the stale time (the renewal then finds the lease gone).
      const first = runJob(ctx, job, { staleMs, handlers: registry });
      await sleep(10);
      await h.db.execute(
        // the stalled worker's lease is expired from the outside (e.g. its event loop froze)
        (await import("drizzle-orm"))
          .sql`update jobs set locked_at = now() - interval '1 hour' where key = 'stall-1'`,
      );
      const other = (await claimJob(h.db, "other", staleMs))!;
      expect(other.id).toBe(job.id);
      await runJob(ctx, other, { staleMs, handlers: registry });
      await sleep(staleMs); // the first worker's next renewal notices
      release();
      await first;
      expect(seen).toEqual(["started", "started", "first saw abort"]);
      const [row] = (await listJobs(h.db)).filter((j) => j.key === "stall-1");
      expect(row).toMatchObject({ status: "done", lastError: null });
    });

    it("a payload not of its kind's shape fails the job for good, without retries", async () => {
      await h.db.execute(
        (await import("drizzle-orm"))
          .sql`insert into jobs (kind, key, payload) values ('round.settle', 'bad-payload', '{"round": "1; drop"}')`,
      );
      const job = (await claimJob(h.db, "w"))!;
      expect(job.key).toBe("bad-payload");
      await runJob(ctx, job);
      const [row] = (await listJobs(h.db)).filter((j) => j.key === "bad-payload");
      expect(row!.status).toBe("failed");
      expect(row!.lastError).toContain("payload of round.settle is invalid");
    });
  });
}
