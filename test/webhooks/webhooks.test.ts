import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routes as dailyRoutes } from "../../api/routes/daily-scores";
import { routes as roundRoutes } from "../../api/routes/rounds";
import { routes as submissionRoutes } from "../../api/routes/submissions";
import {
  CreatedWebhook,
  DeliveryLog,
  WebhookList,
  routes as webhookRoutes,
} from "../../api/routes/webhooks";
import { claimJob, type DbHandle, emitEvent, getRound } from "../../db";
import { type JobContext, runJob, startWorker } from "../../workers";
import { csvOf, liveCsv, type World, world } from "../api/world";
import { tourney } from "../cli/helpers";
import { targetsForm, testApi, typedBy } from "../helpers/api";
import { dbTargets } from "../helpers/db";
import { type LocalChain, localChain } from "../helpers/local-chain";

const silent = { info() {}, warn() {}, error() {} };
const ALL = ["round.opened", "round.closed", "round.scored", "round.settled", "round.daily_scored"];

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A real HTTP receiver on 127.0.0.1 that records what it gets; `mode` decides how it answers. */
class Receiver {
  server?: Server;
  port = 0;
  got: Received[] = [];
  mode: "ok" | "fail" | "hang" = "ok";
  private hung: ServerResponse[] = [];

  async start(port = 0) {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) headers[k] = String(v);
        this.got.push({ headers, body });
        if (this.mode === "hang") this.hung.push(res);
        else res.writeHead(this.mode === "ok" ? 204 : 500).end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(port, "127.0.0.1", r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Kills the receiver: open connections are dropped, new ones refused. */
  async stop() {
    for (const r of this.hung) r.destroy();
    this.hung = [];
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  get url() {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  of(type: string) {
    return this.got.filter((g) => JSON.parse(g.body).type === type);
  }
}

async function drain(ctx: JobContext) {
  for (let i = 0; i < 500; i++) {
    const job = await claimJob(ctx.db, "test");
    if (!job) return;
    await runJob(ctx, job);
  }
}

/** Drains until `done` holds (retries are scheduled a little later). */
async function drainUntil(ctx: JobContext, what: string, done: () => Promise<boolean> | boolean) {
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    await drain(ctx);
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

for (const target of dbTargets()) {
  describe(`webhooks (real receiver + anvil + ${target.name})`, () => {
    let h: DbHandle;
    let lc: LocalChain;
    let ctx: JobContext;
    let w: World;
    let dev: Awaited<ReturnType<typeof testApi>>;
    const rx = new Receiver();
    const live = liveCsv(40);
    let secret = "";
    let hookId = "";

    const register = async (api: typeof dev, key: string, json: unknown) =>
      typedBy(await api.send(webhookRoutes.create, { key, json }), CreatedWebhook);
    const hooks = async (api: typeof dev, key: string) =>
      typedBy(await api.send(webhookRoutes.list, { key }), WebhookList);
    const log = async (id = hookId, key = w.key) =>
      typedBy(await dev.send(webhookRoutes.deliveries, { params: { id }, key }), DeliveryLog).data;

    beforeAll(async () => {
      [h, lc] = await Promise.all([target.open(), localChain(1)]);
      ctx = {
        db: h.db,
        chain: lc.chain,
        logger: silent,
        settleBatch: 10,
        webhooks: {
          allowPrivate: true,
          retryScheduleMs: [300, 300],
          timeoutMs: 1_000,
          disableAfter: 2,
        },
      };
      w = await world(h, live); // WEBHOOK_ALLOW_PRIVATE off: a production API
      // The dev stack's setting: the same database behind an API that allows local receivers.
      dev = await testApi(h, { WEBHOOK_ALLOW_PRIVATE: "1" });
      await rx.start();
    });
    afterAll(async () => {
      await rx.stop();
      await Promise.all([h?.close(), lc?.stop()]);
    });

    it("refuses bad registrations with machine-readable codes", async () => {
      expect(
        await w.api.send(webhookRoutes.create, { json: { url: rx.url, events: ALL } }),
      ).toHaveStatus(401);
      const ro = await register(w.api, w.readOnly, { url: "https://example.com/h", events: ALL });
      expect(ro).toHaveStatus(403);
      for (const events of [[], ["round.nope"], ["round.opened", "round.opened"], "round.opened"]) {
        const res = await register(w.api, w.key, { url: "https://example.com/h", events });
        expect(res.status, JSON.stringify(events)).toBe(400);
        expect(res.error?.code).toBe("validation_failed");
      }
      for (const url of [
        "ftp://example.com/h",
        "not a url",
        "file:///etc/passwd",
        "https://u:p@example.com/",
      ]) {
        const res = await register(w.api, w.key, { url, events: ALL });
        expect(res.status, url).toBe(422);
        expect(res.error).toMatchObject({
          code: "webhook_url_refused",
          details: { reason: "invalid_url" },
        });
      }
      for (const url of [
        rx.url,
        "http://localhost:9/h",
        "http://[::1]/h",
        "http://[::ffff:127.0.0.1]/h",
        "http://169.254.169.254/latest/meta-data",
        "http://10.1.2.3/h",
        "http://192.168.0.10/h",
        "http://172.16.5.4/h",
        "http://100.64.0.1/h",
        "http://0.0.0.0/h",
        "http://[fd00::1]/h",
        "http://2130706433/h", // 127.0.0.1 as one decimal number
      ]) {
        const res = await register(w.api, w.key, { url, events: ALL });
        expect(res.status, `${url}: ${JSON.stringify(res.data)}`).toBe(422);
        expect(res.error).toMatchObject({
          code: "webhook_url_refused",
          details: { reason: "private_address" },
        });
      }
      expect((await hooks(w.api, w.key)).data.webhooks).toEqual([]);
    });

    it("registers an endpoint, shows the secret once and keeps it to its account", async () => {
      const res = await register(dev, w.key, { url: rx.url, events: ALL });
      expect(res).toHaveStatus(201);
      expect(res.data).toMatchObject({ url: rx.url, events: ALL, status: "active" });
      expect(res.data.id).toMatch(/^whk_/);
      expect(res.data.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      secret = res.data.secret;
      hookId = res.data.id;
      const mine = await hooks(dev, w.key);
      expect(mine.data.webhooks.map((x) => x.id)).toEqual([hookId]);
      expect(JSON.stringify(mine.data)).not.toContain(secret);
      const theirs = await hooks(dev, w.otherKey);
      expect(theirs.data.webhooks).toEqual([]);
      expect(
        await dev.send(webhookRoutes.remove, { params: { id: hookId }, key: w.otherKey }),
      ).toHaveStatus(404);
      expect(
        await dev.send(webhookRoutes.deliveries, { params: { id: hookId }, key: w.otherKey }),
      ).toHaveStatus(404);
    });

    it("delivers round.opened signed per Standard Webhooks (checked with the standardwebhooks package)", async () => {
      await drainUntil(ctx, "round.opened", () => rx.of("round.opened").length === 1);
      const [msg] = rx.of("round.opened");
      const payload = new Webhook(secret).verify(msg!.body, msg!.headers) as Record<string, any>;
      expect(payload).toMatchObject({ type: "round.opened", data: { round: w.round } });
      expect(new Date(payload.timestamp).toString()).not.toBe("Invalid Date");
      expect(msg!.headers["content-type"]).toBe("application/json");
      expect(msg!.headers["webhook-id"]).toMatch(/^msg_/);
      // Another secret, or a changed body, does not verify.
      const other = (await register(dev, w.otherKey, { url: rx.url, events: ["round.settled"] }))
        .data;
      expect(() => new Webhook(other.secret).verify(msg!.body, msg!.headers)).toThrow();
      expect(() =>
        new Webhook(secret).verify(msg!.body.replace(`${w.round}`, "99"), msg!.headers),
      ).toThrow();
      const d = await log();
      expect(d.deliveries).toHaveLength(1);
      expect(d.deliveries[0]).toMatchObject({
        id: msg!.headers["webhook-id"],
        type: "round.opened",
        status: "delivered",
      });
      expect(d.deliveries[0].attempts).toEqual([
        { at: expect.any(String), status: 204, error: null, ms: expect.any(Number) },
      ]);
    });

    it("retries with backoff while the receiver is down, with the same webhook-id", async () => {
      const sub = await w.api.send(submissionRoutes.submit, {
        params: { id: w.modelId },
        key: w.key,
        body: csvOf(
          live.ids,
          live.ids.map((_, i) => (i + 1) / 41),
        ),
        headers: { "content-type": "text/csv" },
      });
      expect(sub).toHaveStatus(201);
      const port = rx.port;
      await rx.stop(); // killed mid-way
      expect(
        await w.api.send(roundRoutes.close, {
          params: { number: w.round },
          key: w.api.operatorKey,
        }),
      ).toHaveStatus(200);
      await drainUntil(ctx, "a failed attempt", async () => {
        const d = await log();
        return d.deliveries.some((x) => x.type === "round.closed" && x.attempts.length === 1);
      });
      const closed = (await log()).deliveries.find((x) => x.type === "round.closed")!;
      expect(closed.status).toBe("pending");
      expect(closed.attempts[0]).toMatchObject({
        status: null,
        error: expect.stringMatching(/ECONNREFUSED|connect/),
      });
      expect(Date.parse(closed.nextAttemptAt!)).toBeGreaterThan(Date.parse(closed.attempts[0].at));
      await rx.start(port); // back up
      await drainUntil(ctx, "the retry", () => rx.of("round.closed").length === 1);
      const [msg] = rx.of("round.closed");
      expect(msg!.headers["webhook-id"]).toBe(closed.id);
      expect(new Webhook(secret).verify(msg!.body, msg!.headers)).toMatchObject({
        type: "round.closed",
        data: { round: w.round, submissions: 1 },
      });
      const after = (await log()).deliveries.find((x) => x.id === closed.id)!;
      expect(after.status).toBe("delivered");
      expect(after.attempts.map((a) => a.status)).toEqual([null, 204]);
    });

    it("never holds up scoring or settlement behind a receiver that does not answer", async () => {
      rx.mode = "hang";
      const worker = startWorker(
        { ...ctx, webhooks: { ...ctx.webhooks, timeoutMs: 8_000 } },
        { pollMs: 50, indexer: false },
      );
      try {
        // A delivery the receiver sits on, in flight before the round moves on.
        await emitEvent(h.db, "round.opened", { round: 900 }, "test.hold");
        const end0 = Date.now() + 10_000;
        while (!rx.got.some((g) => g.body.includes('"round":900')) && Date.now() < end0)
          await new Promise((r) => setTimeout(r, 20));
        const held = (await log()).deliveries.find((x) => x.body.includes('"round":900'))!;
        expect(held.attempts).toEqual([]);
        const daily = targetsForm(
          csvOf(
            live.ids,
            live.ids.map((_, i) => (i % 5) / 4),
            "target",
          ),
        );
        daily.set("day", "1");
        expect(
          await w.api.send(dailyRoutes.postDaily, {
            params: { number: w.round },
            key: w.api.operatorKey,
            body: daily,
          }),
        ).toHaveStatus(202);
        const resolve = await w.api.send(roundRoutes.resolve, {
          params: { number: w.round },
          key: w.api.operatorKey,
          body: targetsForm(
            csvOf(
              live.ids,
              live.ids.map((_, i) => (i % 5) / 4),
              "target",
            ),
          ),
        });
        expect(resolve).toHaveStatus(202);
        const end = Date.now() + 20_000;
        while ((await getRound(h.db, w.round))?.status !== "settled" && Date.now() < end)
          await new Promise((r) => setTimeout(r, 50));
        expect((await getRound(h.db, w.round))?.status).toBe("settled");
        // Scored and settled while the receiver still sat on that delivery (8 s timeout).
        const stillHeld = (await log()).deliveries.find((x) => x.id === held.id)!;
        expect(stillHeld.status).toBe("pending");
        expect(stillHeld.attempts).toEqual([]);
      } finally {
        await rx.stop();
        rx.mode = "ok";
        await rx.start(rx.port);
        await worker.stop();
      }
      await drainUntil(ctx, "every event", () =>
        ["round.daily_scored", "round.scored", "round.settled"].every((t) => rx.of(t).length >= 1),
      );
      // The other account's endpoint gets round.settled too, under its own secret.
      const mine = new Set((await log()).deliveries.map((x) => x.id));
      const settled = rx.of("round.settled").find((m) => mine.has(m.headers["webhook-id"]!))!;
      expect(new Webhook(secret).verify(settled.body, settled.headers)).toMatchObject({
        type: "round.settled",
        data: { round: w.round, models: 1 },
      });
      const dailyMsg = rx.of("round.daily_scored").at(-1)!;
      expect(JSON.parse(dailyMsg.body).data).toMatchObject({ round: w.round, day: 1, models: 1 });
      // The held delivery was cut off when the receiver died, then retried and delivered.
      const heldNow = async () =>
        (await log()).deliveries.find((x) => x.body.includes('"round":900'))!;
      await drainUntil(
        ctx,
        "the held delivery",
        async () => (await heldNow()).status !== "pending",
      );
      const held = await heldNow();
      expect(held.status).toBe("delivered");
      expect(held.attempts[0].status).toBeNull();
    });

    it("gives up on an attempt after the timeout and logs why", async () => {
      const slow = new Receiver();
      slow.mode = "hang";
      await slow.start();
      try {
        const res = await register(dev, w.otherKey, { url: slow.url, events: ["round.closed"] });
        expect(res).toHaveStatus(201);
        await emitEvent(h.db, "round.closed", { round: 950 }, "test.closed:950");
        const t0 = Date.now();
        await drain(ctx); // timeoutMs is 1 s in this suite
        expect(Date.now() - t0).toBeLessThan(9_000);
        const d = await log(res.data.id, w.otherKey);
        expect(d.deliveries[0].status).toBe("pending");
        expect(d.deliveries[0].attempts[0]).toMatchObject({
          status: null,
          error: "no response within 1000 ms",
        });
        expect(d.deliveries[0].attempts[0].ms).toBeGreaterThanOrEqual(990);
        await dev.send(webhookRoutes.remove, { params: { id: res.data.id }, key: w.otherKey });
      } finally {
        await slow.stop();
      }
    });

    it("disables an endpoint after repeated failure and sends it nothing more", async () => {
      const bad = new Receiver();
      bad.mode = "fail";
      await bad.start();
      try {
        const res = await register(dev, w.otherKey, { url: bad.url, events: ["round.opened"] });
        expect(res).toHaveStatus(201);
        for (const n of [901, 902]) {
          await emitEvent(h.db, "round.opened", { round: n }, `test.opened:${n}`);
          await drainUntil(ctx, `event ${n} failing for good`, async () => {
            const d = await log(res.data.id, w.otherKey);
            return d.deliveries.some(
              (x) => x.status === "failed" && x.body.includes(`"round":${n}`),
            );
          });
        }
        // Three attempts each (first try and two retries), all answered 500.
        expect(bad.got.length).toBe(6);
        const hook = (await hooks(dev, w.otherKey)).data.webhooks.find(
          (x) => x.id === res.data.id,
        )!;
        expect(hook).toMatchObject({ status: "disabled", failedDeliveries: 2 });
        expect(hook.disabledAt).not.toBeNull();
        await emitEvent(h.db, "round.opened", { round: 903 }, "test.opened:903");
        await drain(ctx);
        expect(bad.got.length).toBe(6);
        const d = await log(res.data.id, w.otherKey);
        expect(d.deliveries.every((x) => x.attempts.every((a) => a.status === 500))).toBe(true);
        // Deleting it: gone from the list and its log.
        expect(
          await dev.send(webhookRoutes.remove, { params: { id: res.data.id }, key: w.otherKey }),
        ).toHaveStatus(204);
        expect(
          await dev.send(webhookRoutes.deliveries, {
            params: { id: res.data.id },
            key: w.otherKey,
          }),
        ).toHaveStatus(404);
      } finally {
        await bad.stop();
      }
    });

    it("runs as tourney webhooks add, list, deliveries and rm", async () => {
      const server = serve({ fetch: dev.app.fetch, port: 0, hostname: "127.0.0.1" });
      await new Promise((r) => server.once("listening", r));
      const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const cli = (args: string[]) => tourney([...args, "--api", api, "--key", w.key, "--json"]);
      try {
        const add = await cli([
          "webhooks",
          "add",
          rx.url,
          "--events",
          "round.settled,round.scored",
        ]);
        expect(add.code, add.stderr).toBe(0);
        expect(add.json).toMatchObject({ url: rx.url, events: ["round.settled", "round.scored"] });
        expect(add.json.secret).toMatch(/^whsec_/);
        const list = await cli(["webhooks", "list"]);
        expect(list.json.webhooks.map((x: { id: string }) => x.id)).toContain(add.json.id);
        expect(list.stdout).not.toContain(add.json.secret);
        const bad = await cli(["webhooks", "add", "http://10.0.0.1/h"]);
        expect(bad.code).toBe(0); // the dev API allows private addresses
        const log = await cli(["webhooks", "deliveries", add.json.id]);
        expect(log.json.deliveries).toEqual([]);
        for (const id of [add.json.id, bad.json.id]) {
          const rm = await cli(["webhooks", "rm", id]);
          expect(rm.json).toEqual({ id, deleted: true });
        }
        const again = await cli(["webhooks", "rm", add.json.id]);
        expect(again.code).toBe(1);
        expect(again.json.error.code).toBe("not_found");
        const usage = await cli(["webhooks", "add", rx.url, "--events", "round.nope"]);
        expect(usage.code).toBe(2);
      } finally {
        await new Promise((r) => server.close(r));
      }
    });

    it("lists the webhook endpoints in the OpenAPI document", async () => {
      const doc = (await w.api.openapi()).data;
      expect(Object.keys(doc.paths?.["/v1/webhooks"] ?? {}).sort()).toEqual(["get", "post"]);
      expect(doc.paths?.["/v1/webhooks/{id}"]?.delete).toBeDefined();
      expect(doc.paths?.["/v1/webhooks/{id}/deliveries"]?.get).toBeDefined();
    });
  });
}
