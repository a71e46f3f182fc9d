import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const serve = path.join(path.dirname(fileURLToPath(import.meta.url)), "../api/serve.ts");

/** `npm run api` in its own process, as the benches drive it. */
export interface BenchApi {
  server: ChildProcess;
  /** The server's own first line: its URL and the pids of its processes. */
  url: string;
  pids: number[];
}

/** Starts `api/serve.ts` with `env` (PORT 0) and waits for the line it prints once listening. */
export async function startBenchApi(
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<BenchApi> {
  const server = spawn(process.execPath, [...nodeArgs, "--import", "tsx", serve], {
    env: { ...process.env, PORT: "0", LOG_LEVEL: "silent", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const first = await new Promise<{ url: string; pids: number[] }>((resolve, reject) => {
    let out = "";
    server.stdout!.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(JSON.parse(out.slice(0, out.indexOf("\n"))));
    });
    server.on("exit", (code) => reject(new Error(`api server exited: ${code}`)));
  });
  return { server, ...first };
}
