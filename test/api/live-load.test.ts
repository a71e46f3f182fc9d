import { afterAll, describe, expect, it } from "vitest";
import { cachedLiveIndex, loadLiveIndex } from "../../api/domain/live-cache";
import { warmUp } from "../../api/domain/warm";
import { type DbHandle, intakeRound, openDb } from "../../db";
import { liveCsv, world } from "./world";

// The first submissions after a start (or after a new round opens) all need the round's live
// index at once: they must share one read of the live file and one build.

let roundNo = 10_000;
const round = () => ({ number: ++roundNo, liveSha256: `load${roundNo}` });
const live = (ids: string[]) => `id,f1\n${ids.map((id) => `${id},0`).join("\n")}\n`;

describe("loadLiveIndex", () => {
  it("reads and builds once for callers that arrive together, then answers from the cache", async () => {
    const r = round();
    let reads = 0;
    let prepared = 0;
    const read = async () => {
      reads++;
      await new Promise((done) => setTimeout(done, 10));
      return live(["b", "a", "c"]);
    };
    const all = await Promise.all(
      Array.from({ length: 16 }, () => loadLiveIndex(r, read, () => prepared++)),
    );
    expect(reads).toBe(1);
    expect(prepared).toBe(1);
    expect(new Set(all).size).toBe(1);
    expect(all[0]!.sorted).toEqual(["a", "b", "c"]);
    expect(Array.from(all[0]!.fileOrder)).toEqual([1, 0, 2]);
    // Later calls do not read at all.
    expect(loadLiveIndex(r, read)).toBe(all[0]);
    expect(cachedLiveIndex(r)).toBe(all[0]);
    expect(reads).toBe(1);
  });

  it("caches nothing for a round that is gone, and retries after a failed read", async () => {
    const gone = round();
    expect(await loadLiveIndex(gone, async () => undefined)).toBeUndefined();
    expect(cachedLiveIndex(gone)).toBeUndefined();

    const r = round();
    await expect(
      loadLiveIndex(r, async () => {
        throw new Error("connection lost");
      }),
    ).rejects.toThrow("connection lost");
    const index = await loadLiveIndex(r, async () => live(["x", "y"]));
    expect(index?.size).toBe(2);
  });
});

describe("warmUp", () => {
  let h: DbHandle | undefined;
  afterAll(() => h?.close());

  it("loads the open round's live index before any submission", async () => {
    h = await openDb({ dataDir: "memory://" });
    expect(await warmUp(h.db, 2)).toEqual({}); // no round yet: nothing to load
    const w = await world(h, liveCsv(7));
    const round = (await intakeRound(h.db))!;
    expect(round.number).toBe(w.round);
    expect(cachedLiveIndex(round)).toBeUndefined();
    expect(await warmUp(h.db, 2)).toEqual({ round: w.round });
    expect(cachedLiveIndex(round)?.sorted).toEqual(w.live.ids);
  });
});
