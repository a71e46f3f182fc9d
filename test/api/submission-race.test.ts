import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routes as roundRoutes } from "../../api/routes/rounds";
import { routes as submissionRoutes } from "../../api/routes/submissions";
import { type DbHandle, idempotencyKeys, rounds, submissions } from "../../db";
import { dbTargets } from "../helpers/db";
import { csvOf, predictions, type World, world } from "./world";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves to "pending" if `p` has not settled within `ms`. */
const settledWithin = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p.then(() => "settled" as const), sleep(ms).then(() => "pending" as const)]);

for (const target of dbTargets()) {
  describe(`submissions racing a close on ${target.name}`, () => {
    let h: DbHandle;
    let w: World;
    beforeAll(async () => {
      h = await target.open();
      w = await world(h);
    });
    afterAll(async () => {
      await h?.close();
    });
    const submit = (headers: Record<string, string> = {}, body?: string) =>
      w.api.send(submissionRoutes.submit, {
        params: { id: w.modelId },
        key: w.key,
        body: body ?? csvOf(w.live.ids, predictions(w.live.ids)),
        headers: { "content-type": "text/csv", ...headers },
      });
    const count = async () => ({
      submissions: (await h.db.select().from(submissions)).length,
      idempotency: (await h.db.select().from(idempotencyKeys)).length,
    });

    it("a failed submission leaves the database as it was, Idempotency-Key included", async () => {
      const before = await count();
      const bad = await submit({ "idempotency-key": "k1" }, "id,prediction\nid0000,2\n");
      expect(bad).toHaveStatus(422);
      expect(await count()).toEqual(before);
      const good = await submit({ "idempotency-key": "k1" });
      expect(good).toHaveStatus(201);
      expect(await count()).toEqual({
        submissions: before.submissions + 1,
        idempotency: before.idempotency + 1,
      });
    });

    // Two connections are needed to hold a lock while the API works: real Postgres only
    // (registered only there; PGlite has a single connection).
    const postgresOnly = (target.name === "postgres" ? it : () => {}) as typeof it;
    postgresOnly("a submission waits for a close in flight and is then late", async () => {
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      const closing = h.db.transaction(async (tx) => {
        await tx.update(rounds).set({ status: "closed" }).where(eq(rounds.number, w.round));
        await held;
      });
      await sleep(50);
      const pending = submit();
      expect(await settledWithin(pending, 300)).toBe("pending");
      release();
      await closing;
      const res = await pending;
      expect(res).toHaveStatus(201);
      expect(res.data).toMatchObject({ late: true, selected: false });
      await h.db.update(rounds).set({ status: "open" }).where(eq(rounds.number, w.round));
    });

    postgresOnly(
      "a close waits for a submission in flight, which is on time and selected",
      async () => {
        let release!: () => void;
        const held = new Promise<void>((r) => {
          release = r;
        });
        // An in-flight submission holds the round row FOR SHARE until it commits.
        const inFlight = h.db.transaction(async (tx) => {
          await tx.execute(sql`select status from rounds where number = ${w.round} for share`);
          await held;
        });
        await sleep(50);
        const close = w.api.send(roundRoutes.close, {
          params: { number: w.round },
          key: w.api.operatorKey,
        });
        expect(await settledWithin(close, 300)).toBe("pending");
        release();
        await inFlight;
        expect(await close).toHaveStatus(200);
        const after = await submit();
        expect(after.data).toMatchObject({ late: true, selected: false });
      },
    );

    it("under concurrency every submission is either on time and selected-or-superseded, or late", async () => {
      await h.db.update(rounds).set({ status: "open" }).where(eq(rounds.number, w.round));
      const many = Array.from({ length: 12 }, () => submit());
      const close = sleep(5).then(() =>
        w.api.send(roundRoutes.close, { params: { number: w.round }, key: w.api.operatorKey }),
      );
      const results = await Promise.all(many);
      expect(await close).toHaveStatus(200);
      for (const r of results) expect(r).toHaveStatus(201);
      const rows = await h.db.select().from(submissions).where(eq(submissions.modelId, w.modelId));
      expect(rows.filter((r) => r.selected)).toHaveLength(1);
      expect(rows.every((r) => !(r.late && r.selected))).toBe(true);
      const [round] = await h.db.select().from(rounds).where(eq(rounds.number, w.round));
      // Every late one of this batch was stored after the close took effect.
      for (const r of results.filter((x) => x.data.late)) {
        const row = rows.find((s) => s.id === r.data.id)!;
        expect(row.createdAt.getTime()).toBeGreaterThanOrEqual(round!.closedAt!.getTime() - 1000);
      }
    });
  });
}
