import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Anvil, startAnvil } from "../../cli/dev/anvil";
import { claimJob, type DbHandle, getRound, listJobs } from "../../db";
import { type JobContext, runJob } from "../../workers";
import { dbTargets } from "../helpers/db";
import { type LocalChain, localChain } from "../helpers/local-chain";
import { roundFixture } from "../helpers/round-fixture";

const silent = { info() {}, warn() {}, error() {} };

async function drain(ctx: JobContext) {
  for (let i = 0; i < 50; i++) {
    const job = await claimJob(ctx.db, "test");
    if (!job) return;
    await runJob(ctx, job);
  }
}

describe("a chain node that goes away and comes back (anvil with saved state + PGlite)", () => {
  let h: DbHandle;
  let lc: LocalChain;
  let revived: Anvil | undefined;
  beforeAll(async () => {
    [h, lc] = await Promise.all([dbTargets()[0]!.open(), localChain(1, undefined, { own: true })]);
  });
  afterAll(async () => {
    await Promise.all([h?.close(), lc?.stop(), revived?.stop()]);
  });

  it("retries the job instead of failing it, then finishes once the node is back", async () => {
    const ctx: JobContext = { db: h.db, chain: lc.chain, logger: silent, settleBatch: 10 };
    // Save the chain, stop the node: the round's opening job meets a dead RPC endpoint.
    const state = join(mkdtempSync(join(tmpdir(), "tourney-anvil-")), "state.json");
    await lc.rpc("anvil_dumpState").then(async (hex) => {
      const { writeFileSync } = await import("node:fs");
      writeFileSync(state, JSON.stringify(hex));
    });
    await lc.anvil!.stop();
    const fx = await roundFixture(h.db, lc, { nModels: 3, nRows: 50, seed: 5 });
    await drain(ctx);
    const job = (await listJobs(h.db)).find((j) => j.key === `round.open:${fx.round}`)!;
    expect(job.status).toBe("queued");
    expect(job.attempts).toBe(1);
    expect(job.lastError).toBeTruthy();
    expect((await getRound(h.db, fx.round))?.openTx).toBeNull();

    // The node comes back on the same port with its state; the retry goes through.
    revived = await startAnvil({ port: lc.anvil!.port });
    await fetch(revived.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "anvil_loadState",
        params: [JSON.parse((await import("node:fs")).readFileSync(state, "utf8"))],
      }),
    });
    for (let i = 0; i < 100 && !(await getRound(h.db, fx.round))?.openTx; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await drain(ctx);
    }
    expect((await getRound(h.db, fx.round))?.openTx).toMatch(/^0x/);
    const done = (await listJobs(h.db)).find((j) => j.key === `round.open:${fx.round}`)!;
    expect(done.status).toBe("done");
    expect(done.attempts).toBeGreaterThanOrEqual(2);
  });
});
