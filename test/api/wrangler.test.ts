import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../../api/domain/accounts";
import * as accounts from "../../api/routes/accounts";
import * as health_ from "../../api/routes/health";
import { routes as modelRoutes } from "../../api/routes/models";
import { routes as roundRoutes } from "../../api/routes/rounds";
import { routes as submissionRoutes } from "../../api/routes/submissions";
import { beat, getModel } from "../../db";
import { httpOpenapi, httpSend } from "../helpers/api";
import { freshPostgres } from "../helpers/db";
import { testDatabaseUrl } from "../setup/environment.mjs";

/**
 * The API under `wrangler dev` (workerd, the Workers runtime), built from the committed
 * wrangler.toml: Postgres through DATABASE_URL, and through a Hyperdrive binding with a local
 * connection string. Runs on TEST_DATABASE_URL (npm test makes sure it answers).
 */
const root = resolve(import.meta.dirname, "../..");
const wranglerBin = join(root, "node_modules/wrangler/bin/wrangler.js");
const adminUrl = testDatabaseUrl();

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

/** Signals a process group; false when no process is left in it. */
const signalGroup = (pid: number, signal: NodeJS.Signals | 0) => {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
};
const groupAlive = (pid: number) => signalGroup(pid, 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Offline and quiet: no telemetry, no update check (banner), no Request.cf download. */
function wranglerEnv(tmp: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith("VITEST") && k !== "NODE_ENV") env[k] = v;
  return {
    ...env,
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_HIDE_BANNER: "true",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_LOG_PATH: join(tmp, "logs"),
    NO_COLOR: "1",
  };
}

interface Wrangler {
  base: string;
  child: ChildProcess;
  output(): string;
  /** Stops wrangler and workerd (the whole process group); true when none is left. */
  stop(): Promise<boolean>;
}

/** `wrangler dev` on free ports, started in its own process group, resolved once it serves. */
async function wranglerDev(args: string[], tmp: string): Promise<Wrangler> {
  const [port, inspector] = [await freePort(), await freePort()];
  const env = wranglerEnv(tmp);
  const child = spawn(
    process.execPath,
    [
      wranglerBin,
      "dev",
      ...args,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspector),
      "--persist-to",
      join(tmp, "state"),
      "--show-interactive-dev-session=false",
    ],
    { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited = false;
  const exit = new Promise<void>((ok) =>
    child.once("exit", () => {
      exited = true;
      ok();
    }),
  );
  const pid = child.pid!;
  const stop = async () => {
    signalGroup(pid, "SIGTERM");
    for (let i = 0; i < 100 && groupAlive(pid); i++) await sleep(100);
    signalGroup(pid, "SIGKILL");
    await exit;
    // workerd, left without its parent, is reaped by init.
    for (let i = 0; i < 50 && groupAlive(pid); i++) await sleep(100);
    return !groupAlive(pid);
  };
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev ${exited ? "exited" : "did not serve within 90 s"}:\n${out}`);
    }
    try {
      await fetch(`${base}/openapi.json`, { signal: AbortSignal.timeout(5_000) });
      return { base, child, output: () => out, stop };
    } catch {
      await sleep(250);
    }
  }
}

const freshDb = (admin: string) => freshPostgres(admin, { prefix: "tourney_wrangler" });

describe("Workers bundles", () => {
  // PGlite (and its WebAssembly loader) is for Node only: the Workers entries open Postgres
  // without going through `openDb`, so the bundler drops it.
  for (const env of ["", "jobs"]) {
    it(`leave PGlite out (${env ? `--env ${env}` : "API"})`, async () => {
      const tmp = mkdtempSync(join(tmpdir(), "tourney-wrangler-bundle-"));
      try {
        const out = join(tmp, "out");
        await promisify(execFile)(
          process.execPath,
          [wranglerBin, "deploy", "--dry-run", "--outdir", out, `--env=${env}`],
          { cwd: root, env: wranglerEnv(tmp) },
        );
        const [bundle] = readdirSync(out).filter((f) => f.endsWith(".js"));
        const code = readFileSync(join(out, bundle!), "utf8");
        expect(code).toContain("cloudflare:sockets");
        expect(code).not.toContain("@electric-sql/pglite");
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
});

describe("API on wrangler dev (workerd)", () => {
  let tmp: string;
  let db: Awaited<ReturnType<typeof freshDb>>;
  let plain: Wrangler;
  let hyperdrive: Wrangler;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "tourney-wrangler-"));
    db = await freshDb(adminUrl);
    // The committed config plus a Hyperdrive binding: local Hyperdrive wants a password in the
    // connection string (a trust-auth server ignores it).
    const hdUrl = new URL(db.url);
    if (!hdUrl.password) hdUrl.password = "local";
    const config = readFileSync(join(root, "wrangler.toml"), "utf8").replace(
      /^main = .*$/m,
      `main = ${JSON.stringify(join(root, "api/worker.ts"))}`,
    );
    writeFileSync(
      join(tmp, "wrangler.toml"),
      `${config}\n[[hyperdrive]]\nbinding = "HYPERDRIVE"\nid = "local"\n` +
        `localConnectionString = ${JSON.stringify(hdUrl.toString())}\n`,
    );
    const started = await Promise.allSettled([
      wranglerDev(["--var", `DATABASE_URL:${db.url}`], join(tmp, "plain")),
      wranglerDev(["--config", join(tmp, "wrangler.toml")], join(tmp, "hyperdrive")),
    ]);
    [plain, hyperdrive] = started.map((r) => (r.status === "fulfilled" ? r.value : undefined!));
    for (const r of started) if (r.status === "rejected") throw r.reason;
  });

  afterAll(async () => {
    await Promise.all([plain?.stop(), hyperdrive?.stop()]);
    await db?.drop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("serves health and the OpenAPI document", async () => {
    await beat(db.h.db, "wrangler-test", 0);
    const health = await httpSend(plain.base, health_.route);
    expect(health).toHaveStatus(200);
    expect(health.data).toMatchObject({ ok: true, checks: { db: { ok: true } } });
    const doc = await httpOpenapi(plain.base);
    expect(doc).toHaveStatus(200);
    expect(doc.data.openapi).toBe("3.1.0");
    expect(Object.keys(doc.data.paths ?? {})).toContain("/v1/models/{id}");
  });

  it("creates an account and a model, reads the model back, into the given database", async () => {
    const acc = await httpSend(plain.base, accounts.route, { json: { name: "wrangler" } });
    expect(acc).toHaveStatus(201);
    const key = acc.data.apiKey;
    const model = await httpSend(plain.base, modelRoutes.create, { key, json: { name: "wm" } });
    expect(model).toHaveStatus(201);
    expect(model.data.id).toMatch(/^0x[0-9a-f]{64}$/);
    const read = await httpSend(plain.base, modelRoutes.get, {
      params: { id: model.data.id },
      key,
    });
    expect(read).toHaveStatus(200);
    expect(read.data).toMatchObject({ id: model.data.id, name: "wm" });
    expect((await getModel(db.h.db, model.data.id))?.name).toBe("wm");
  });

  it("answers errors with the JSON envelope", async () => {
    const res = await httpSend(plain.base, modelRoutes.create, { json: { name: "nokey" } });
    expect(res).toHaveStatus(401);
    expect(res.error).toMatchObject({ code: "unauthorized" });
    expect(res.error?.requestId).toBe(res.headers.get("x-request-id"));
  });

  it("opens a round and takes a CSV submission", async () => {
    const operator = await createAccount(
      { db: db.h.db },
      { name: "operator", scopes: ["read", "submit", "operator"] },
    );
    const form = new FormData();
    form.set("live", new File(["id,f\nb,0.5\na,0.1\nc,0.9\n"], "live.csv", { type: "text/csv" }));
    form.set("closesAt", new Date(Date.now() + 3_600_000).toISOString());
    form.set("resolvesAt", new Date(Date.now() + 7_200_000).toISOString());
    const round = await httpSend(plain.base, roundRoutes.open, {
      key: operator.secret,
      body: form,
    });
    expect(round).toHaveStatus(201);
    const acc = await httpSend(plain.base, accounts.route, { json: { name: "submitter" } });
    const key = acc.data.apiKey;
    const model = await httpSend(plain.base, modelRoutes.create, { key, json: { name: "sm" } });
    const sub = await httpSend(plain.base, submissionRoutes.submit, {
      params: { id: model.data.id },
      key,
      headers: { "content-type": "text/csv" },
      body: "id,prediction\na,0.2\nb,0.4\nc,0.7\n",
    });
    expect(sub).toHaveStatus(201);
    expect(sub.data).toMatchObject({ round: round.data.number, selected: true, late: false });
    expect(sub.data.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("reaches Postgres through a Hyperdrive binding", async () => {
    const acc = await httpSend(hyperdrive.base, accounts.route, { json: { name: "hd" } });
    expect(acc).toHaveStatus(201);
    const models = await httpSend(hyperdrive.base, modelRoutes.mine, { key: acc.data.apiKey });
    expect(models).toHaveStatus(200);
    expect(models.data).toEqual({ models: [] });
  });

  it("stops wrangler and workerd without leaving processes", async () => {
    const pids = [plain.child.pid!, hyperdrive.child.pid!];
    expect(await Promise.all([plain.stop(), hyperdrive.stop()])).toEqual([true, true]);
    for (const pid of pids) expect(groupAlive(pid)).toBe(false);
  });
});
