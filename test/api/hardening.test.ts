import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey } from "../../api/domain/accounts";
import { errorStatus } from "../../api/errors";
import * as accountRoute from "../../api/routes/accounts";
import { routes as keyRoutes } from "../../api/routes/keys";
import { routes as modelRoutes } from "../../api/routes/models";
import { routes as roundRoutes } from "../../api/routes/rounds";
import { routes as submissionRoutes } from "../../api/routes/submissions";
import { routes as walletRoutes } from "../../api/routes/wallet";
import { accounts, type DbHandle, idempotencyKeys, models, rounds } from "../../db";
import {
  type ErrorEnvelope,
  issuesOf,
  liveForm,
  schemaAt,
  targetsForm,
  testApi,
} from "../helpers/api";
import { dbTargets } from "../helpers/db";
import { csvOf, liveCsv, predictions, type World, world } from "./world";

const sha = (b: string | Uint8Array) => createHash("sha256").update(b).digest("hex");
const BOM = "\ufeff";

function expectEnvelope(res: { status: number; data: unknown }, status: number, code?: string) {
  expect(res).toHaveStatus(status);
  expect(Object.keys(res.data ?? {})).toEqual(["error"]);
  // The body is the envelope (its only key checked above).
  const { error } = res.data as ErrorEnvelope;
  expect(typeof error.message).toBe("string");
  expect(typeof error.requestId).toBe("string");
  expect(Object.keys(errorStatus)).toContain(error.code);
  expect(errorStatus[error.code]).toBe(status);
  if (code) expect(error.code).toBe(code);
}

for (const target of dbTargets()) {
  describe(`hardening on ${target.name}`, () => {
    let h: DbHandle;
    let w: World;
    beforeAll(async () => {
      h = await target.open();
      w = await world(h, liveCsv(4), { RATE_LIMIT_PER_MINUTE: "100000" });
    });
    afterAll(async () => {
      await h?.close();
    });

    it("3: a key can neither manage keys without 'submit' nor revoke a key with scopes it lacks", async () => {
      const keys = await w.api.send(keyRoutes.listKeys, { key: w.key });
      const full = keys.data.keys.find(
        (k) => k.scopes.includes("read") && k.scopes.includes("submit") && !k.revokedAt,
      );
      const submitOnly = await w.api.send(keyRoutes.createKey, {
        key: w.key,
        json: { scopes: ["submit"] },
      });
      expectEnvelope(
        await w.api.send(keyRoutes.deleteKey, {
          params: { id: submitOnly.data.id },
          key: w.readOnly,
        }),
        403,
        "forbidden",
      );
      expectEnvelope(
        await w.api.send(keyRoutes.createKey, { key: w.readOnly, json: { scopes: ["read"] } }),
        403,
        "forbidden",
      );
      // submit-only cannot revoke a read+submit key (it lacks 'read')
      expectEnvelope(
        await w.api.send(keyRoutes.deleteKey, {
          params: { id: full!.id },
          key: submitOnly.data.apiKey,
        }),
        403,
        "forbidden",
      );
      expect(await w.api.send(modelRoutes.mine, { key: w.key })).toHaveStatus(200);
      // read+submit may revoke the submit-only key, which then stops working
      const ok = await w.api.send(keyRoutes.deleteKey, {
        params: { id: submitOnly.data.id },
        key: w.key,
      });
      expect(ok).toHaveStatus(204);
      const after = await w.api.send(walletRoutes.nonce, { key: submitOnly.data.apiKey });
      expect(after).toHaveStatus(401);
    });

    it("4: the SIWE domain comes from configuration, never from the Host header", async () => {
      const api = await testApi(h, { PUBLIC_URL: "https://tourney.example" });
      const acct = await api.send(accountRoute.route, { json: { name: "siwe" } });
      const key = acct.data.apiKey;
      const wallet = privateKeyToAccount(generatePrivateKey());
      const signed = async (domain: string) => {
        const issued = await api.send(walletRoutes.nonce, { key });
        expect(issued.data.domain).toBe("tourney.example");
        const message = createSiweMessage({
          domain,
          address: wallet.address,
          uri: `https://${domain}/`,
          version: "1",
          chainId: 31337,
          nonce: issued.data.nonce,
        });
        return { message, signature: await wallet.signMessage({ message }) };
      };
      const evil = await api.send(walletRoutes.link, {
        key,
        json: await signed("evil.example"),
        headers: { host: "evil.example" },
      });
      expectEnvelope(evil, 422, "invalid_wallet_proof");
      expect(evil.error?.details).toHaveProperty("reason", "domain");
      const good = await api.send(walletRoutes.link, {
        key,
        json: await signed("tourney.example"),
        headers: { host: "evil.example" },
      });
      expect(good).toHaveStatus(200);
      // Without PUBLIC_URL the default is the API's own HOST:PORT, not the request's host.
      const plain = await testApi(h);
      const other = await plain.send(accountRoute.route, { json: { name: "siwe2" } });
      const n = await plain.send(walletRoutes.nonce, {
        key: other.data.apiKey,
        headers: { host: "evil.example" },
      });
      expect(n.data.domain).toBe("127.0.0.1:8787");
    });

    it("5: eight accounts linking one wallet at once: exactly one wins, the rest get 409", async () => {
      const wallet = privateKeyToAccount(generatePrivateKey());
      const keys: string[] = [];
      for (let i = 0; i < 8; i++) {
        keys.push((await w.api.send(accountRoute.route, { json: { name: `w${i}` } })).data.apiKey);
      }
      const proofs = await Promise.all(
        keys.map(async (key) => {
          const issued = await w.api.send(walletRoutes.nonce, { key });
          const message = createSiweMessage({
            domain: issued.data.domain,
            address: wallet.address,
            uri: "http://127.0.0.1:8787/",
            version: "1",
            chainId: 31337,
            nonce: issued.data.nonce,
          });
          return { message, signature: await wallet.signMessage({ message }) };
        }),
      );
      const results = await Promise.all(
        keys.map((key, i) => w.api.send(walletRoutes.link, { key, json: proofs[i] })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
      for (const r of results.filter((r) => r.status === 409))
        expectEnvelope(r, 409, "wallet_already_linked");
      const linked = await h.db
        .select()
        .from(accounts)
        .where(eq(accounts.walletAddress, wallet.address.toLowerCase()));
      expect(linked).toHaveLength(1);
    });

    it("11: eight creations of one model name at once: one 201, the rest 409", async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          w.api.send(modelRoutes.create, { key: w.key, json: { name: "race-name" } }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
      for (const r of results.filter((r) => r.status === 409)) expectEnvelope(r, 409, "conflict");
      expect(await h.db.select().from(models).where(eq(models.name, "race-name"))).toHaveLength(1);
    });

    it("7: round parameters the chain or the database cannot hold are 400s and open nothing", async () => {
      const before = (await h.db.select().from(rounds)).length;
      const hour = 3_600_000;
      const future = (ms: number) => new Date(Date.now() + ms).toISOString();
      const cases: [string, Record<string, string>][] = [
        ["closesAt in the past", { closesAt: future(-hour) }],
        ["closesAt in 1969", { closesAt: "1969-07-20T20:17:00Z", resolvesAt: future(hour) }],
        ["resolvesAt before closesAt", { closesAt: future(2 * hour), resolvesAt: future(hour) }],
        ["stakeThreshold above 2^256 wei", { stakeThreshold: (2n ** 256n).toString() }],
        ["80-digit multiplier", { corrMultiplier: "9".repeat(80) }],
        ["80-digit payoutCap", { payoutCap: "9".repeat(80) }],
        ["payoutCap above 1", { payoutCap: "1.5" }],
        ["payoutCap above the contract's 0.25", { payoutCap: "0.26" }],
        ["corrMultiplier above 100", { corrMultiplier: "100.5" }],
        ["mmcMultiplier above 100", { mmcMultiplier: "101" }],
        ["resolvesAt past 120 days", { resolvesAt: future(121 * 24 * hour) }],
        ["19 decimals", { mmcMultiplier: "0.1234567890123456789" }],
        ["negative", { payoutCap: "-0.1" }],
        ["exponent", { stakeThreshold: "1e30" }],
        ["huge delay", { predictionsDelayHours: "9".repeat(15) }],
        ["bad date", { closesAt: "tomorrow" }],
      ];
      for (const [name, fields] of cases) {
        const res = await w.api.send(roundRoutes.open, {
          key: w.api.operatorKey,
          body: liveForm(w.live.csv, fields),
        });
        expect(res.status, `${name}: ${JSON.stringify(res.data)}`).toBe(400);
        expectEnvelope(res, 400, "validation_failed");
      }
      expect(await h.db.select().from(rounds)).toHaveLength(before);
    });

    it("8: integers past what the database holds are 400/404 on every route, never 500", async () => {
      const big = ["2147483648", "99999999999999999999", "1e3", "-1", "0x10", "0"];
      for (const n of big) {
        for (const path of [
          `/v1/rounds/${n}`,
          `/v1/rounds/${n}/live`,
          `/v1/rounds/${n}/scores`,
          `/v1/rounds/${n}/bundle`,
          `/v1/rounds?cursor=${n}`,
          `/v1/models/${w.modelId}/scores?cursor=${n}`,
          ...(n === "0" ? [] : [`/v1/leaderboard?cursor=${n}`]), // an offset: 0 is the start
        ]) {
          const res = await w.api.call("GET", path);
          expect([400, 404], `${path}: ${res.status} ${JSON.stringify(res.data)}`).toContain(
            res.status,
          );
          expectEnvelope(res, res.status);
        }
        const post = await w.api.send(submissionRoutes.submit, {
          params: { id: w.modelId },
          query: { round: n },
          key: w.key,
          body: csvOf(w.live.ids, predictions(w.live.ids)),
          headers: { "content-type": "text/csv" },
        });
        expect([400, 404, 409], `?round=${n}: ${JSON.stringify(post.data)}`).toContain(post.status);
        expectEnvelope(post, post.status);
        const close = await w.api.send(roundRoutes.close, {
          params: { number: n },
          key: w.api.operatorKey,
        });
        expect([400, 404]).toContain(close.status);
      }
    });

    it("9: multipart validation failures use the error envelope (and auth comes first)", async () => {
      const noFields = new FormData();
      noFields.set("live", new File([w.live.csv], "live.csv"));
      const res = await w.api.send(roundRoutes.open, {
        key: w.api.operatorKey,
        body: noFields,
      });
      expectEnvelope(res, 400, "validation_failed");
      expect(issuesOf(res).map((i) => i.path)).toContain("closesAt");
      const anonymous = await w.api.send(roundRoutes.open, { body: noFields });
      expectEnvelope(anonymous, 401, "unauthorized");
      const wrong = await w.api.send(roundRoutes.open, { key: w.key, body: noFields });
      expectEnvelope(wrong, 403, "forbidden");
      const empty = await w.api.send(roundRoutes.resolve, {
        params: { number: w.round },
        key: w.api.operatorKey,
        body: new FormData(),
      });
      expect(empty.status).toBeGreaterThanOrEqual(400);
      expect(empty.status).toBeLessThan(500);
      expectEnvelope(empty, empty.status);
      const json = await w.api.send(roundRoutes.open, {
        key: w.api.operatorKey,
        json: { closesAt: "x" },
      });
      expectEnvelope(json, json.status);
      const notFound = await w.api.call("GET", "/v1/nope");
      expectEnvelope(notFound, 404, "not_found");
    });

    it("9: the OpenAPI document's error code is the enum of every real code", async () => {
      const doc = await w.api.openapi();
      const code = schemaAt(doc.data, "Error", "error", "code");
      expect([...(code?.enum ?? [])].sort()).toEqual(Object.keys(errorStatus).sort());
    });

    it("10: an Idempotency-Key is bound to method, path, query, content type and body", async () => {
      const body = csvOf(w.live.ids, predictions(w.live.ids, 9));
      const post = (round?: number, type = "text/csv", key = "idem-q") =>
        w.api.send(submissionRoutes.submit, {
          params: { id: w.modelId },
          query: round === undefined ? undefined : { round },
          key: w.key,
          body,
          headers: { "content-type": type, "idempotency-key": key },
        });
      const first = await post();
      expect(first).toHaveStatus(201);
      const replay = await post();
      expect(replay.headers.get("idempotency-replayed")).toBe("true");
      expect(replay.data.id).toBe(first.data.id);
      for (const other of [await post(w.round), await post(undefined, "text/plain")]) {
        expectEnvelope(other, 409, "conflict");
        expect(other.error?.details).toHaveProperty("reason", "key_reused");
      }
    });

    it("10: a claim whose request died is taken over once its lease is past", async () => {
      const acct = await h.db.select().from(accounts).where(eq(accounts.id, w.ownerAccountId));
      expect(acct).toHaveLength(1);
      await h.db.insert(idempotencyKeys).values({
        accountId: w.ownerAccountId,
        key: "crashed",
        fingerprint: "whatever the dead request was",
        createdAt: new Date(Date.now() - 10 * 60_000),
      });
      await h.db.insert(idempotencyKeys).values({
        accountId: w.ownerAccountId,
        key: "running",
        fingerprint: "x",
      });
      const call = (key: string) =>
        w.api.send(modelRoutes.create, {
          key: w.key,
          json: { name: `idem-${key}` },
          headers: { "idempotency-key": key },
        });
      expect(await call("crashed")).toHaveStatus(201);
      const busy = await call("running");
      expect(busy).toHaveStatus(409);
      expect(busy.error?.details).toHaveProperty("reason", "key_reused");
    });

    it("X-Request-Id from clients is kept when plain and bounded, replaced otherwise", async () => {
      const ok = await w.api.send(roundRoutes.list, { headers: { "x-request-id": "abc-123" } });
      expect(ok.headers.get("x-request-id")).toBe("abc-123");
      for (const bad of ["a".repeat(500), "a b<script>", "x\u00e9"]) {
        const res = await w.api.call("GET", "/v1/nope", { headers: { "x-request-id": bad } });
        const id = res.headers.get("x-request-id")!;
        expect(id).not.toBe(bad);
        expect(id).toMatch(/^[\w-]{1,128}$/);
        expect(res.error?.requestId).toBe(id);
      }
    });

    it("1: bodies stop being read at their route's limit (declared or chunked): 413", async () => {
      const api = await testApi(h, { MAX_UPLOAD_BYTES: "100000", MAX_JSON_BYTES: "1000" });
      const acct = await api.send(accountRoute.route, { json: { name: "limits" } });
      const key = acct.data.apiKey;
      const model = await api.send(modelRoutes.create, { key, json: { name: "limits-m" } });
      // A body that never ends unless the server stops pulling: counts what was read.
      const endless = () => {
        let pulled = 0;
        const chunk = new Uint8Array(16 * 1024).fill(0x41);
        const stream = new ReadableStream<Uint8Array>({
          pull(ctl) {
            pulled += chunk.byteLength;
            if (pulled > 50_000_000) ctl.close();
            else ctl.enqueue(chunk);
          },
        });
        return { stream, pulled: () => pulled };
      };
      for (const [path, limit, type] of [
        ["/v1/accounts", 1000, "application/json"],
        ["/v1/models", 1000, "application/json"],
        ["/v1/keys", 1000, "application/json"],
        [`/v1/models/${model.data.id}/submissions`, 100_000, "text/csv"],
        [`/v1/models/${model.data.id}/diagnostics`, 100_000, "text/csv"],
        ["/v1/rounds", 100_000, "multipart/form-data; boundary=x"],
      ] as const) {
        const body = endless();
        const res = await api.app.request(path, {
          method: "POST",
          headers: {
            "content-type": type,
            authorization: `Bearer ${path === "/v1/rounds" ? api.operatorKey : key}`,
            "idempotency-key": `limit-${path}`,
          },
          body: body.stream,
          duplex: "half",
        } as RequestInit);
        expect(res.status, path).toBe(413);
        const data: unknown = await res.json();
        expectEnvelope({ status: res.status, data }, 413, "payload_too_large");
        expect(body.pulled(), path).toBeLessThan(limit + 64 * 1024);
      }
      // A declared Content-Length over the limit is refused without reading.
      const declared = await api.app.request("/v1/accounts", {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": "5000" },
        body: JSON.stringify({ name: "x".repeat(4980) }),
      });
      expect(declared).toHaveStatus(413);
      // Within the limit all is well.
      const small = await api.send(accountRoute.route, { json: { name: "fine" } });
      expect(small).toHaveStatus(201);
    });

    it("6: a live or targets file with a UTF-8 BOM is hashed as it is served", async () => {
      const db = h.db;
      const live = liveCsv(5);
      const opened = await w.api.send(roundRoutes.open, {
        key: w.api.operatorKey,
        body: liveForm(BOM + live.csv),
      });
      expect(opened).toHaveStatus(201);
      const n = opened.data.number;
      const res = await w.api.app.request(`/v1/rounds/${n}/live`);
      const served = new Uint8Array(await res.arrayBuffer());
      expect(sha(served)).toBe(opened.data.liveSha256);
      expect(res.headers.get("x-content-sha256")).toBe(sha(served));
      expect(served[0]).not.toBe(0xef);
      // Rounds close in opening order (R3): the world round, opened first, closes first (this
      // test runs last, after every test that submits to the world round).
      const early = await w.api.send(roundRoutes.close, {
        params: { number: n },
        key: w.api.operatorKey,
      });
      expectEnvelope(early, 409, "round_state");
      const first = await w.api.send(roundRoutes.close, {
        params: { number: w.round },
        key: w.api.operatorKey,
      });
      expect(first).toHaveStatus(200);
      const closed = await w.api.send(roundRoutes.close, {
        params: { number: n },
        key: w.api.operatorKey,
      });
      expect(closed).toHaveStatus(200);
      const targets = `id,target\n${live.ids.map((id, i) => `${id},${i / 10}`).join("\n")}\n`;
      const resolved = await w.api.send(roundRoutes.resolve, {
        params: { number: n },
        key: w.api.operatorKey,
        body: targetsForm(BOM + targets),
      });
      expect(resolved).toHaveStatus(202);
      const [row] = await db.select().from(rounds).where(eq(rounds.number, n));
      expect(sha(row!.targetsCsv!)).toBe(resolved.data.targetsSha256);
      expect(resolved.data.targetsSha256).toBe(sha(targets));
    });
  });
}

describe("keys: an account's extra keys share its quota", () => {
  it("minting keys does not multiply the request quota", async () => {
    const [target] = dbTargets();
    const h = await target!.open();
    try {
      const api = await testApi(h, { RATE_LIMIT_PER_MINUTE: "6" });
      const acct = await api.send(accountRoute.route, { json: { name: "quota" } });
      const keys = [acct.data.apiKey];
      for (let i = 0; i < 3; i++)
        keys.push(
          (
            await createKey(
              { db: h.db },
              { accountId: acct.data.account.id, scopes: ["read", "submit"] },
              { scopes: ["read"] },
            )
          ).secret,
        );
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++)
        statuses.push((await api.send(modelRoutes.mine, { key: keys[i % 4] })).status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(6);
      expect(statuses.filter((s) => s === 429)).toHaveLength(6);
    } finally {
      await h.close();
    }
  });
});
