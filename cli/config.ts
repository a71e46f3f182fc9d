import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { createClient, TourneyApiError, type TourneyClient } from "../api/client";
import { CliError } from "./args";

/** What `tourney login` saves (mode 0600). */
export interface CliConfig {
  api?: string;
  key?: string;
  /** Chain settings saved by `login --rpc/--tournament/--token`. */
  rpc?: string;
  tournament?: string;
  token?: string;
  /** Model name -> id per API, remembered at `models create` (for servers without GET /v1/models). */
  models?: Record<string, Record<string, string>>;
}

/** `$TOURNEY_CONFIG_DIR`, else `$XDG_CONFIG_HOME/tourney`, else `~/.config/tourney`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TOURNEY_CONFIG_DIR) return resolve(env.TOURNEY_CONFIG_DIR);
  const base = env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(base, "tourney");
}

export const configPath = (env: NodeJS.ProcessEnv = process.env) =>
  join(configDir(env), "config.json");

export function loadConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const path = configPath(env);
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, "utf8")) as CliConfig;
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

export function saveConfig(config: CliConfig, env: NodeJS.ProcessEnv = process.env): string {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, "config.json");
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

/** The local stack's `.tourney/dev.json` (or `$DATA_DIR/dev.json`), when present. */
export function devInfo(env: NodeJS.ProcessEnv = process.env):
  | {
      api?: string;
      rpcUrl?: string;
      chainId?: number;
      contracts?: { token?: string; tournament?: string };
    }
  | undefined {
  const path = resolve(env.DATA_DIR ?? ".tourney", "dev.json");
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

export interface ApiContext {
  api: string;
  key?: string;
  client: TourneyClient;
  config: CliConfig;
}

/** API URL and key: flags, then env `TOURNEY_API`/`TOURNEY_API_KEY`, then the saved login. */
export function apiContext(values: { api?: unknown; key?: unknown }, needKey = false): ApiContext {
  const env = process.env;
  const config = loadConfig();
  const api =
    (values.api as string | undefined) ||
    env.TOURNEY_API ||
    config.api ||
    devInfo()?.api ||
    "http://127.0.0.1:8787";
  const key = (values.key as string | undefined) || env.TOURNEY_API_KEY || config.key;
  if (needKey && !key) {
    throw new CliError(
      "no API key: run `tourney login --api URL --key KEY`, or pass --key or set TOURNEY_API_KEY",
      "no_api_key",
    );
  }
  return { api, key, client: createClient({ baseUrl: api, apiKey: key }), config };
}

const MODEL_ID = /^0x[0-9a-fA-F]{64}$/;

/** Remembers a model's id under its name for this API. */
export function rememberModel(api: string, name: string, id: string): void {
  const config = loadConfig();
  config.models ??= {};
  config.models[api] ??= {};
  config.models[api][name] = id;
  saveConfig(config);
}

/**
 * A model's id from a name or a 0x id: an id is taken as is; a name is looked up with
 * `GET /v1/models` when the server has it, then in the names saved at `models create`, then in
 * the leaderboard.
 */
export async function resolveModel(ctx: ApiContext, nameOrId: string): Promise<`0x${string}`> {
  if (MODEL_ID.test(nameOrId)) return nameOrId.toLowerCase() as `0x${string}`;
  if (ctx.key) {
    try {
      const mine = await ctx.client.models.list();
      const hit = mine.find((m) => m.name === nameOrId);
      if (hit) return hit.id;
    } catch (e) {
      // Servers without the route answer 404/405; anything else is a real failure.
      if (!(e instanceof TourneyApiError && (e.status === 404 || e.status === 405))) throw e;
    }
  }
  const saved = ctx.config.models?.[ctx.api]?.[nameOrId];
  if (saved) return saved as `0x${string}`;
  const board = await ctx.client.leaderboard(1000).catch(() => []);
  const ranked = board.find((r) => r.name === nameOrId);
  if (ranked) return ranked.modelId;
  throw new CliError(
    `unknown model "${nameOrId}": pass its 0x id, or create it with \`tourney models create ${nameOrId}\``,
    "unknown_model",
  );
}
