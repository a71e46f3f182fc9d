import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as healthRoute from "../../api/routes/health";
import { routes as roundRoutes } from "../../api/routes/rounds";
import { freePort } from "../../cli/dev/anvil";
import { httpSend, liveForm } from "../helpers/api";
import { until } from "../helpers/common";

/**
 * `npm start` killed with SIGKILL (the whole process group: API, worker and anvil, as when a
 * laptop dies) at several points of a round, then started again on the same data directory.
 * The chain's state survives (anvil dumps it every second), start-up checks the database
 * against the chain, and where they differ it refuses with a clear message instead of going on.
 */
const root = resolve(import.meta.dirname, "../..");

interface Running {
  child: ChildProcess;
  api: string;
  operatorKey: string;
}

describe("npm start killed with SIGKILL and started again", () => {
  const dir = mkdtempSync(join(tmpdir(), "tourney-crash-"));
  let running: Running | undefined;
  let ports: { api: number; anvil: number };

  const start = async (): Promise<{ ok: true; run: Running } | { ok: false; stderr: string }> => {
    const child = spawn(process.execPath, ["--import", "tsx", "cli/dev/start.ts"], {
      cwd: root,
      detached: true, // its own process group, killed as a whole
      env: {
        ...process.env,
        DATA_DIR: dir,
        PORT: String(ports.api),
        ANVIL_PORT: String(ports.anvil),
        DEMO_ACCOUNTS: "1",
        LOG_LEVEL: "silent",
        DATABASE_URL: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d) => {
      out += d;
    });
    child.stderr!.on("data", (d) => {
      err += d;
    });
    return new Promise((ok) => {
      const timer = setInterval(() => {
        if (out.includes("Tourney is running")) {
          clearInterval(timer);
          const info = JSON.parse(readFileSync(join(dir, "dev.json"), "utf8"));
          ok({ ok: true, run: { child, api: info.api, operatorKey: info.operatorKey } });
        }
      }, 100);
      child.once("exit", () => {
        clearInterval(timer);
        ok({ ok: false, stderr: err });
      });
    });
  };
  const kill9 = async (r: Running) => {
    process.kill(-r.child.pid!, "SIGKILL");
    if (r.child.exitCode === null && r.child.signalCode === null)
      await new Promise((done) => r.child.once("exit", done));
    await new Promise((done) => setTimeout(done, 300)); // the kernel frees the ports
  };
  const round = async (r: Running, n: number) =>
    (await httpSend(r.api, roundRoutes.get, { params: { number: n } })).data;
  const health = async (r: Running) => (await httpSend(r.api, healthRoute.route)).data;

  afterAll(async () => {
    if (running?.child.exitCode === null) await kill9(running).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps an opened round across a SIGKILL: the chain still has it and /health agrees", async () => {
    ports = { api: await freePort(), anvil: await freePort() };
    const first = await start();
    if (!first.ok) throw new Error(first.stderr);
    running = first.run;
    const ids = ["a1", "a2", "a3", "a4"];
    const opened = await httpSend(running.api, roundRoutes.open, {
      key: running.operatorKey,
      body: liveForm(`id,f\n${ids.map((id, i) => `${id},${i}`).join("\n")}\n`),
    });
    expect(opened).toHaveStatus(201);
    const openTx = await until(
      "open on chain",
      async () => (await round(running!, 1)).transactions.open ?? undefined,
    );
    expect(openTx).toMatch(/^0x[0-9a-f]{64}$/);
    await new Promise((r) => setTimeout(r, 2_500)); // anvil dumps its state every second
    await kill9(running);

    const again = await start();
    if (!again.ok) throw new Error(again.stderr);
    running = again.run;
    expect((await round(running, 1)).transactions.open).toBe(openTx);
    const h = await health(running);
    expect(h.checks.chain).toMatchObject({ ok: true, detail: { divergences: [] } });
  });

  it("after a SIGKILL right after a close, either finishes the close as the chain shows it or refuses", async () => {
    const closed = await httpSend(running!.api, roundRoutes.close, {
      params: { number: 1 },
      key: running!.operatorKey,
    });
    expect(closed).toHaveStatus(200);
    await kill9(running!);
    const again = await start();
    if (!again.ok) {
      // The close was recorded but the chain's last dump was before it: refused, and why.
      expect(again.stderr).toContain("The database and the chain disagree");
      expect(again.stderr).toMatch(/round 1 close/);
      return;
    }
    running = again.run;
    const closeTx = await until(
      "closed on chain",
      async () => (await round(running!, 1)).transactions.close ?? undefined,
    );
    expect(closeTx).toBeTruthy();
    const h = await health(running);
    expect(h.checks.chain).toMatchObject({ ok: true, detail: { divergences: [] } });
    await new Promise((r) => setTimeout(r, 2_500));
    await kill9(running);
  });

  it("refuses to start, saying why, when the chain came back without its state", async () => {
    if (running?.child.exitCode === null) await kill9(running);
    rmSync(join(dir, "anvil-state.json"), { force: true }); // died before any dump
    const again = await start();
    expect(again.ok).toBe(false);
    if (again.ok) return;
    expect(again.stderr).toContain("The database and the chain disagree");
    expect(again.stderr).toMatch(/round 1 open: .*not on chain|round 1 open: recorded as done/);
    expect(again.stderr).toContain("delete the data directory");
  });
});
