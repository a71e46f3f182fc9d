import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseApiConfig } from "../../api/env";
import { dbRateLimits } from "../../api/limits/rate-limits";
import { jsonLogger } from "../../api/logger";
import { type RunningApi, serveApi } from "../../api/node";
import { type DbHandle, rateLimits } from "../../db";
import { dbTargets } from "../helpers/db";

/** Rate limits over real sockets: what the client can and cannot choose about its identity. */
for (const target of dbTargets()) {
  describe(`rate limits on ${target.name}`, () => {
    let h: DbHandle;
    const servers: RunningApi[] = [];
    beforeAll(async () => {
      h = await target.open();
    });
    afterAll(async () => {
      for (const s of servers) await s.close();
      await h?.close();
    });

    const start = async (env: Record<string, string>, shared = false) => {
      const config = parseApiConfig({ PORT: "0", LOG_LEVEL: "silent", ...env });
      const api = await serveApi({
        db: h.db,
        config,
        logger: jsonLogger("silent"),
        rateLimits: shared ? dbRateLimits(h.db, config) : undefined,
      });
      servers.push(api);
      return api.url;
    };
    const signup = (url: string, headers: Record<string, string> = {}) =>
      fetch(`${url}/v1/accounts`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ name: "rl" }),
      });

    it("ignores a spoofed X-Forwarded-For without TRUST_PROXY", async () => {
      const url = await start({ SIGNUPS_PER_HOUR: "3" });
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await signup(url, { "x-forwarded-for": `10.0.0.${i}` });
        statuses.push(res.status);
        if (res.status === 429) {
          expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
          const body = (await res.json()) as { error: { code: string } };
          expect(body.error.code).toBe("rate_limited");
        } else await res.body?.cancel();
      }
      expect(statuses).toEqual([201, 201, 201, 429, 429, 429, 429, 429]);
    });

    it("with TRUST_PROXY=1 keys on the address the proxy saw (the last hop), not earlier ones", async () => {
      const url = await start({ SIGNUPS_PER_HOUR: "2", TRUST_PROXY: "1" });
      const forwarded = async (xff: string) =>
        (await signup(url, { "x-forwarded-for": xff })).status;
      // The client invents the left part; the proxy appended 192.0.2.1.
      expect(await forwarded("1.1.1.1, 192.0.2.1")).toBe(201);
      expect(await forwarded("2.2.2.2, 192.0.2.1")).toBe(201);
      expect(await forwarded("3.3.3.3, 192.0.2.1")).toBe(429);
      // Another real client behind the proxy has its own bucket.
      expect(await forwarded("192.0.2.2")).toBe(201);
    });

    it("limits failed authentication per address, and a valid key still works", async () => {
      const url = await start({ AUTH_FAILURES_PER_MINUTE: "3" });
      const created = (await (await signup(url)).json()) as { apiKey: string };
      const call = (key: string) =>
        fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${key}` } }).then(
          (r) => r.status,
        );
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push(await call(`tny_guess${i}`));
      expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
      expect(await call(created.apiKey)).toBe(200);
    });

    it("anonymous clients do not share one bucket: each address has its own", async () => {
      const url = await start({ RATE_LIMIT_PER_MINUTE: "3" });
      const from = (localAddress: string) =>
        new Promise<number>((ok, fail) => {
          const req = request(`${url}/v1/rounds`, { localAddress, agent: false }, (res) => {
            res.resume();
            ok(res.statusCode!);
          });
          req.on("error", fail);
          req.end();
        });
      const first: number[] = [];
      for (let i = 0; i < 5; i++) first.push(await from("127.0.0.1"));
      expect(first).toEqual([200, 200, 200, 429, 429]);
      // Another client (another source address on loopback) is not locked out.
      expect(await from("127.0.0.2")).toBe(200);
    });

    it("counts across processes sharing the database", async () => {
      const env = { RATE_LIMIT_PER_MINUTE: "4" };
      const a = await start(env, true);
      const b = await start(env, true);
      const created = (await (await signup(a)).json()) as { apiKey: string };
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await fetch(`${i % 2 ? a : b}/v1/models`, {
          headers: { authorization: `Bearer ${created.apiKey}` },
        });
        statuses.push(res.status);
        await res.body?.cancel();
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(4);
      expect(statuses.slice(4)).toEqual([429, 429, 429, 429]);
      const rows = await h.db.select().from(rateLimits);
      expect(rows.some((r) => r.key.startsWith("req:acct:"))).toBe(true);
    });
  });
}
