import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface AnvilOptions {
  port?: number;
  mnemonic?: string;
  accounts?: number;
  /** File to load chain state from and dump it to on exit. */
  stateFile?: string;
  /**
   * With `stateFile`: also dump the state every this many seconds (default 1), so a crash
   * (SIGKILL, power loss) loses at most that much of the chain, not all of it.
   */
  stateInterval?: number;
  chainId?: number;
}

export interface Anvil {
  rpcUrl: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A free TCP port on loopback, chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Starts a local anvil chain (from the npm package) and waits until it answers RPC. */
export async function startAnvil(opts: AnvilOptions = {}): Promise<Anvil> {
  const port = opts.port ?? (await freePort());
  const args = ["--host", "127.0.0.1", "--port", String(port), "--silent"];
  if (opts.mnemonic) args.push("--mnemonic", opts.mnemonic);
  if (opts.accounts) args.push("--accounts", String(opts.accounts));
  if (opts.stateFile) {
    args.push("--state", opts.stateFile, "--state-interval", String(opts.stateInterval ?? 1));
  }
  if (opts.chainId) args.push("--chain-id", String(opts.chainId));
  const bin = join(repoRoot, "node_modules", ".bin", "anvil");
  const child = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += String(d);
  });
  const rpcUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (true) {
    if (child.exitCode !== null) throw new Error(`anvil exited (${child.exitCode}): ${stderr}`);
    try {
      const res = await fetch(rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`anvil did not start on ${rpcUrl}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    rpcUrl,
    port,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        // SIGTERM lets anvil dump its state file before it exits.
        child.kill("SIGTERM");
      }),
  };
}
