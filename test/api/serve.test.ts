import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgres } from "../helpers/db";
import { testDatabaseUrl } from "../setup/environment.mjs";

/**
 * The standalone Node server (`npm run api`, api/serve.ts) with two processes sharing one port
 * over a fresh Postgres database: both serve, and what one writes the other reads.
 */
const root = resolve(import.meta.dirname, "../..");
const adminUrl = testDatabaseUrl();

describe("npm run api with API_PROCESSES=2 on Postgres", () => {
  let db: Awaited<ReturnType<typeof freshPostgres>>;
  let child: ChildProcess;
  let started: { url: string; processes: number; pids: number[] };

  beforeAll(async () => {
    db = await freshPostgres(adminUrl, { max: 1, prefix: "tourney_serve" });
    child = spawn(process.execPath, ["--import", "tsx", "api/serve.ts"], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        API_PROCESSES: "2",
        DB_POOL: "2",
        PORT: "0",
        LOG_LEVEL: "silent",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    started = await new Promise((ok, fail) => {
      let out = "";
      child.stdout!.on("data", (d) => {
        out += d;
        if (out.includes("\n")) ok(JSON.parse(out.slice(0, out.indexOf("\n"))));
      });
      child.once("exit", (code) => fail(new Error(`api/serve.ts exited with ${code}`)));
    });
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    await db?.drop();
  });

  it("forks two server processes on one port", () => {
    expect(started.processes).toBe(2);
    expect(new Set(started.pids).size).toBe(2);
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("serves requests on the shared port, all against the one database", async () => {
    const created = await fetch(`${started.url}/v1/accounts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "cluster" }),
    });
    expect(created).toHaveStatus(201);
    const { apiKey } = (await created.json()) as { apiKey: string };
    // Fresh connections each time, so the kernel spreads them over both processes; every one
    // sees the account written through whichever process took the first request.
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${started.url}/v1/models`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${apiKey}`,
            "content-type": "application/json",
            connection: "close",
          },
          body: JSON.stringify({ name: `m-${randomBytes(4).toString("hex")}` }),
        }).then((r) => r.status),
      ),
    );
    expect(statuses.every((s) => s === 201)).toBe(true);
  });

  it("stops every process on SIGTERM", async () => {
    child.kill("SIGTERM");
    const code = await new Promise((r) => child.once("exit", (c) => r(c)));
    expect(code).toBe(0);
    for (const pid of started.pids) {
      await expect
        .poll(() => {
          try {
            process.kill(pid, 0);
            return true;
          } catch {
            return false;
          }
        })
        .toBe(false);
    }
  });
});
