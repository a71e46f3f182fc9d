import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRound,
  currentRound,
  type DbHandle,
  getRound,
  getRoundSummary,
  listRounds,
} from "../../db";
import { dbTargets } from "../helpers/db";

/**
 * Listings, the current round and a round's JSON read summaries: every column but the live and
 * targets files (about 24 MB each at Numerai's 2,376 features, which made each
 * `GET /v1/rounds/current` take 300-400 ms when whole rows were read).
 */
for (const target of dbTargets()) {
  describe(`round summaries on ${target.name}`, () => {
    let h: DbHandle;
    beforeAll(async () => {
      h = await target.open();
    });
    afterAll(async () => {
      await h?.close();
    });

    it("leave the files out and keep every other field", async () => {
      const live = `id,f\n${Array.from({ length: 2000 }, (_, i) => `r${i},${i % 5}`).join("\n")}\n`;
      const round = await createRound(h.db, {
        liveCsv: live,
        liveSha256: "ab",
        closesAt: new Date(Date.now() + 60_000),
        resolvesAt: new Date(Date.now() + 120_000),
        payoutCap: "50000000000000000",
        corrMultiplier: "500000000000000000",
        mmcMultiplier: "2000000000000000000",
        stakeThreshold: "1",
      });
      const full = await getRound(h.db, round.number);
      expect(full?.liveCsv).toBe(live);
      const { liveCsv: _l, targetsCsv: _t, ...rest } = full!;
      const current = await currentRound(h.db);
      const listed = (await listRounds(h.db, { limit: 50 })).find((r) => r.number === round.number);
      const one = await getRoundSummary(h.db, round.number);
      for (const summary of [current, listed, one]) {
        expect(summary).toBeDefined();
        expect(Object.keys(summary!)).not.toContain("liveCsv");
        expect(Object.keys(summary!)).not.toContain("targetsCsv");
      }
      expect(one).toEqual(rest);
      expect(listed).toEqual(rest);
      expect(await getRoundSummary(h.db, 2_000_000_000)).toBeUndefined();
    });
  });
}
