import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as rounds from "../../api/routes/rounds";
import * as submissions from "../../api/routes/submissions";
import type { DbHandle } from "../../db";
import { liveForm } from "../helpers/api";
import { dbTargets } from "../helpers/db";
import { csvOf, predictions, type World, world } from "./world";

// Each API process remembers the intake round (the open round, else the newest closed one) so a
// submission need not look it up. When the operator closes it and opens the next, the very next
// submissions must go to the new round, whether its live ids are the same or other ones.

for (const target of dbTargets()) {
  describe(`submissions when the next round opens on ${target.name}`, () => {
    let h: DbHandle;
    let w: World;
    beforeAll(async () => {
      h = await target.open();
      w = await world(h);
    });
    afterAll(async () => {
      await h?.close();
    });

    const submit = (ids: readonly string[], seed = 1) =>
      w.api.send(submissions.routes.submit, {
        params: { id: w.modelId },
        key: w.key,
        body: csvOf(ids, predictions(ids, seed)),
        headers: { "content-type": "text/csv" },
      });
    const nextRound = async (ids: readonly string[], feature: number) => {
      const closed = await w.api.send(rounds.routes.close, {
        params: { number: w.round },
        key: w.api.operatorKey,
      });
      expect(closed.status, JSON.stringify(closed.data)).toBeLessThan(300);
      const csv = `id,f\n${ids.map((id) => `${id},${feature}`).join("\n")}\n`;
      const opened = await w.api.send(rounds.routes.open, {
        key: w.api.operatorKey,
        body: liveForm(csv),
      });
      expect(opened).toHaveStatus(201);
      w.round = opened.data.number;
      return opened.data.number;
    };

    it("goes to the new round when its live ids are the same", async () => {
      const first = await submit(w.live.ids);
      expect(first).toHaveStatus(201);
      const firstRound = first.data.round;
      const n = await nextRound(w.live.ids, 0.25);
      expect(n).toBeGreaterThan(firstRound);
      const res = await submit(w.live.ids, 2);
      expect(res).toHaveStatus(201);
      expect(res.data).toMatchObject({ round: n, late: false, selected: true });
    });

    it("goes to the new round when its live ids are other ones", async () => {
      // This process now remembers the current round (checked against it: 201)...
      const warm = await submit(w.live.ids, 6);
      expect(warm).toHaveStatus(201);
      expect(warm.data.round).toBe(w.round);
      // ...whose ids the next file does not match: it is meant for the round opened meanwhile.
      const ids = ["zz01", "zz02", "zz03", "zz04", "zz05"];
      const n = await nextRound(ids, 0.5);
      const res = await submit(ids, 3);
      expect(res).toHaveStatus(201);
      expect(res.data).toMatchObject({ round: n, late: false, selected: true });
      // A file for the old round's ids is now checked against the new round, and refused.
      const old = await submit(w.live.ids, 4);
      expect(old).toHaveStatus(422);
      expect(old.error?.code).toBe("invalid_submission_ids");
    });

    it("a late submission still goes to the newest closed round", async () => {
      const closed = await w.api.send(rounds.routes.close, {
        params: { number: w.round },
        key: w.api.operatorKey,
      });
      expect(closed.status, JSON.stringify(closed.data)).toBeLessThan(300);
      const res = await submit(["zz01", "zz02", "zz03", "zz04", "zz05"], 5);
      expect(res).toHaveStatus(201);
      expect(res.data).toMatchObject({ round: w.round, late: true, selected: false });
    });
  });
}
