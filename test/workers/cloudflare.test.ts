import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRound } from "../../api/domain/rounds";
import { type DbHandle, getRound, listJobs } from "../../db";
import { runDue } from "../../workers/cloudflare";
import { freshPostgres } from "../helpers/db";
import { type LocalChain, localChain } from "../helpers/local-chain";
import { testDatabaseUrl } from "../setup/environment.mjs";

// The Cloudflare entry reaches Postgres by URL, so this suite runs on the real server only:
// TEST_DATABASE_URL (npm test makes sure it answers).
const adminUrl = testDatabaseUrl();
{
  const target = {
    open: async (): Promise<DbHandle> => {
      const fresh = await freshPostgres(adminUrl, { max: 5 });
      return { ...fresh.h, close: fresh.drop };
    },
  };
  describe("Cloudflare jobs entry (cron / queue) on Postgres and anvil", () => {
    let h: DbHandle;
    let lc: LocalChain;
    beforeAll(async () => {
      [h, lc] = await Promise.all([target.open(), localChain(1)]);
    });
    afterAll(async () => {
      await Promise.all([h?.close(), lc?.stop()]);
    });

    it("runs due jobs within its budget, like a worker", async () => {
      const round = await openRound(
        { db: h.db },
        {
          live: new TextEncoder().encode("id,f\na,1\nb,2\n"),
          fields: {
            closesAt: new Date(Date.now() + 3_600_000).toISOString(),
            resolvesAt: new Date(Date.now() + 7_200_000).toISOString(),
            stakeThreshold: "0.000000000000000001",
          },
        },
      );
      const ran = await runDue({
        DATABASE_URL: h.url!,
        RPC_URL: lc.rpcUrl,
        OPERATOR_KEY: lc.operatorKey,
        TOURNAMENT_ADDRESS: lc.contracts.tournament,
      });
      // round.open, then the round.opened webhook event it emits (no endpoint: nothing to send).
      expect(ran).toBe(2);
      expect((await listJobs(h.db)).map((j) => [j.kind, j.status])).toContainEqual([
        "webhook.event",
        "done",
      ]);
      expect((await getRound(h.db, round.number))?.openTx).toMatch(/^0x/);
    });
  });
}
