import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import worker from "../../api/worker";
import { startStack } from "../../cli/dev/stack";
import { openDb } from "../../db";
import { freshPostgres } from "../helpers/db";

/**
 * Every documented setting works under every entry: `npm start` (the dev stack), `npm run api`
 * (api/serve.ts, here with two processes on a database nobody migrated yet) and the Workers
 * entry. Each is given a tiny MAX_UPLOAD_BYTES and MAX_JSON_BYTES, a SIWE_DOMAIN and a rate limit.
 */
const root = resolve(import.meta.dirname, "../..");
const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const settings = {
  MAX_UPLOAD_BYTES: "2000",
  MAX_JSON_BYTES: "500",
  SIWE_DOMAIN: "entries.example",
  RATE_LIMIT_PER_MINUTE: "8",
};

/** An empty database: nothing migrated, as on a first deployment. */
async function emptyDatabase() {
  const name = `tourney_entries_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

type Fetch = (path: string, init?: RequestInit) => Promise<Response>;

/** What every entry must show for `settings`. */
async function checkSettings(fetchApi: Fetch) {
  const created = await fetchApi("/v1/accounts", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "entries" }),
  });
  expect(created.status).toBe(201);
  const { apiKey } = (await created.json()) as { apiKey: string };
  const auth = { authorization: `Bearer ${apiKey}` };
  const big = await fetchApi("/v1/accounts", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "x".repeat(600) }),
  });
  expect(big.status).toBe(413);
  const model = await fetchApi("/v1/models", {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ name: `m${randomBytes(3).toString("hex")}` }),
  });
  expect(model.status).toBe(201);
  const { id } = (await model.json()) as { id: string };
  const upload = await fetchApi(`/v1/models/${id}/submissions`, {
    method: "POST",
    headers: { ...auth, "content-type": "text/csv" },
    body: `id,prediction\n${"a,0.5\n".repeat(500)}`,
  });
  expect(upload.status).toBe(413);
  const nonce = await fetchApi("/v1/wallet/nonce", { method: "POST", headers: auth });
  expect(((await nonce.json()) as { domain: string }).domain).toBe("entries.example");
  // 3 authenticated calls so far (model, upload, nonce); the account's quota is 8 a minute.
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) {
    const res = await fetchApi("/v1/models", { headers: { ...auth, connection: "close" } });
    statuses.push(res.status);
    await res.body?.cancel();
  }
  expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
}

describe("settings under every entry", () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => {});
  });

  it("concurrent first starts on one empty Postgres database migrate once (advisory lock)", async () => {
    const db = await emptyDatabase();
    cleanup.push(db.drop);
    const handles = await Promise.all(
      Array.from({ length: 4 }, () => openDb({ url: db.url, max: 1 })),
    );
    for (const h of handles) await h.close();
  });

  it("npm run api (API_PROCESSES=2, unmigrated database) honours them", async () => {
    const db = await emptyDatabase();
    cleanup.push(db.drop);
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "api/serve.ts"], {
      cwd: root,
      env: {
        ...process.env,
        ...settings,
        DATABASE_URL: db.url,
        API_PROCESSES: "2",
        DB_POOL: "2",
        PORT: "0",
        LOG_LEVEL: "silent",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    cleanup.push(async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
    });
    const started = await new Promise<{ url: string }>((ok, fail) => {
      let out = "";
      child.stdout!.on("data", (d) => {
        out += d;
        if (out.includes("\n")) ok(JSON.parse(out.slice(0, out.indexOf("\n"))));
      });
      child.once("exit", (code) => fail(new Error(`api/serve.ts exited with ${code}`)));
    });
    await checkSettings((path, init) => fetch(started.url + path, init));
  });

  it("npm start (the dev stack) honours them", async () => {
    const stack = await startStack({
      ephemeral: true,
      port: 0,
      logLevel: "silent",
      demoAccounts: 1,
      env: settings,
    });
    cleanup.push(() => stack.stop());
    await checkSettings((path, init) => fetch(stack.api.url + path, init));
  });

  it("the Workers entry honours them", async () => {
    const fresh = await freshPostgres(adminUrl, { max: 1, prefix: "tourney_entries_w" });
    cleanup.push(fresh.drop);
    const env = { ...settings, DATABASE_URL: fresh.url };
    const pending: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => void pending.push(p) };
    await checkSettings(async (path, init) => {
      const res = await worker.fetch(
        new Request(`https://entries.example${path}`, {
          ...init,
          headers: {
            ...(init?.headers as Record<string, string>),
            "cf-connecting-ip": "198.51.100.7",
          },
        }),
        env,
        ctx,
      );
      return res;
    });
    await Promise.all(pending);
  });
});
