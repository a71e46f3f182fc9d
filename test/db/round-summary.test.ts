import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRound,
  currentRound,
  type DbHandle,
  getRound,
  getRoundSummary,
  listRounds,
  type NewRoundInput,
} from "../../db";
import { dbTargets } from "../helpers/db";

/**
 * Listings, the current round and a round's JSON read summaries: every column but the live and
 * targets files (about 24 MB each at Numerai's 2,376 features, which made each
 * `GET /v1/rounds/current` take 300-400 ms when whole rows were read).
 */
/** A round's columns with this live file, closing in a minute. */
const roundInput = (liveCsv: string | Uint8Array, liveSha256: string): NewRoundInput => ({
  liveCsv,
  liveSha256,
  closesAt: new Date(Date.now() + 60_000),
  resolvesAt: new Date(Date.now() + 120_000),
  payoutCap: "50000000000000000",
  corrMultiplier: "500000000000000000",
  mmcMultiplier: "2000000000000000000",
  stakeThreshold: "1",
});

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
      const round = await createRound(h.db, roundInput(live, "ab"));
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
      // createRound answers the summary too: no file read back.
      expect(Object.keys(round)).not.toContain("liveCsv");
      expect(round).toEqual(rest);
    });

    it("store a live file given as bytes exactly, written in parts", async () => {
      // 3.3 MB of rows whose ids hold 2- and 3-byte characters, so parts split inside them.
      const rows = Array.from({ length: 250_000 }, (_, i) => `é${i}€,${i % 5},${(i * 7) % 11}`);
      const live = `id,f,g\n${rows.join("\n")}\n`;
      const bytes = new TextEncoder().encode(live);
      expect(bytes.length).toBeGreaterThan(3 << 20);
      const round = await createRound(h.db, roundInput(bytes, "cd"));
      const stored = (await getRound(h.db, round.number))?.liveCsv;
      expect(stored?.length).toBe(live.length);
      expect(stored === live).toBe(true);
      // The parts table lived only for that transaction: the next round writes its own.
      const again = await createRound(
        h.db,
        roundInput(bytes.subarray(0, bytes.lastIndexOf(10, 2_500_000) + 1), "ef"),
      );
      const second = (await getRound(h.db, again.number))?.liveCsv;
      expect(second).toBe(live.slice(0, second!.length));
      expect(second?.endsWith("\n")).toBe(true);
      // A line longer than a part is cut between characters (3-byte ones here).
      const long = `${"€".repeat(900_000)}\n`;
      const third = await createRound(h.db, roundInput(new TextEncoder().encode(long), "01"));
      expect((await getRound(h.db, third.number))?.liveCsv === long).toBe(true);
    });
  });
}
