import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  parseEther,
} from "viem";
import { english, generateMnemonic, mnemonicToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { createAccount } from "../../api/domain/accounts";
import { parseApiConfig } from "../../api/env";
import { dbRateLimits } from "../../api/limits/rate-limits";
import { jsonLogger } from "../../api/logger";
import { type RunningApi, serveApi } from "../../api/node";
import { deployContracts, stakeTokenAbi, tournamentAbi } from "../../contracts/ts";
import { type DbHandle, findActiveKey, openDb } from "../../db";
import { createChain, type JobContext, type RunningWorker, startWorker } from "../../workers";
import { chainDivergences, describeDivergences } from "../../workers/chain/reconcile";
import { type Anvil, startAnvil } from "./anvil";

export interface StackOptions {
  /** Folder for PGlite data, chain state and dev.json. */
  dataDir?: string;
  /** Real Postgres instead of PGlite. */
  databaseUrl?: string;
  /** An already open database (tests); the stack does not close it. */
  db?: DbHandle;
  /** Use this chain instead of starting anvil (then OPERATOR_KEY and addresses are needed). */
  rpcUrl?: string;
  operatorKey?: Hex;
  tournament?: Address;
  token?: Address;
  port?: number;
  anvilPort?: number;
  demoAccounts?: number;
  /** Keep the database and chain in memory only (tests). */
  ephemeral?: boolean;
  logLevel?: "debug" | "info" | "warn" | "error" | "silent";
  workerPollMs?: number;
  /** Webhook delivery settings for the worker (private addresses are always allowed here). */
  webhooks?: JobContext["webhooks"];
  settleBatch?: number;
  /**
   * The API's settings (the README's configuration table: MAX_UPLOAD_BYTES, RATE_LIMIT_PER_MINUTE,
   * SIWE_*, TRUST_PROXY...), as `npm start` passes its environment; `port` and `logLevel` win.
   */
  env?: Record<string, string | undefined>;
}

export interface DevAccount {
  address: Address;
  privateKey: Hex;
  apiKey: string;
}

/** The shape of `.tourney/dev.json`. */
export interface DevInfo {
  api: string;
  operatorKey: string;
  rpcUrl: string;
  chainId: number;
  contracts: { token: Address; tournament: Address };
  accounts: DevAccount[];
  /** The operator's chain account (deployer, admin and operator of the tournament). */
  operator: { address: Address; privateKey: Hex };
}

export interface Stack {
  info: DevInfo;
  db: DbHandle;
  api: RunningApi;
  worker: RunningWorker;
  anvil?: Anvil;
  stop(): Promise<void>;
}

const TEST_TOKENS = parseEther("100000");
const REWARD_POOL = parseEther("1000000");

/** Starts the whole local stack: chain, contracts, database, API and worker. */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const dataDir = resolve(opts.dataDir ?? ".tourney");
  if (!opts.ephemeral) mkdirSync(dataDir, { recursive: true });
  const logger = jsonLogger(opts.logLevel ?? "info");
  const demo = opts.demoAccounts ?? 3;
  const devPath = join(dataDir, "dev.json");
  const previous: DevInfo | undefined =
    !opts.ephemeral && existsSync(devPath) ? JSON.parse(readFileSync(devPath, "utf8")) : undefined;

  // Chain: anvil with a mnemonic generated on first start and kept (0600) beside its state.
  let anvil: Anvil | undefined;
  let rpcUrl = opts.rpcUrl;
  let mnemonic: string | undefined;
  if (!rpcUrl) {
    mnemonic = opts.ephemeral ? generateMnemonic(english) : loadOrCreateMnemonic(dataDir);
    anvil = await startAnvil({
      port: opts.anvilPort,
      mnemonic,
      accounts: demo + 1,
      stateFile: opts.ephemeral ? undefined : join(dataDir, "anvil-state.json"),
    });
    rpcUrl = anvil.rpcUrl;
  }
  const cleanup: (() => Promise<void>)[] = [];
  if (anvil) cleanup.push(() => anvil.stop());
  try {
    const keyAt = (i: number) => {
      if (!mnemonic) throw new Error("OPERATOR_KEY is required with RPC_URL");
      const acct = mnemonicToAccount(mnemonic, { addressIndex: i });
      return `0x${Buffer.from(acct.getHdKey().privateKey!).toString("hex")}` as Hex;
    };
    const operatorKey = opts.operatorKey ?? keyAt(0);
    const transport = http(rpcUrl);
    const publicClient = createPublicClient({ chain: foundry, transport });
    const chainId = await publicClient.getChainId();

    // Contracts: reuse the ones from the last start if the chain still has them.
    let contracts =
      opts.tournament && opts.token
        ? { tournament: opts.tournament, token: opts.token }
        : undefined;
    if (!contracts && previous && previous.rpcUrl === rpcUrl) {
      const code = await publicClient.getCode({ address: previous.contracts.tournament });
      if (code && code !== "0x") contracts = previous.contracts;
    }
    const fresh = !contracts;
    if (!contracts)
      contracts = await deployContracts({ rpcUrl, deployerKey: operatorKey, chainId });

    // Database.
    const db =
      opts.db ??
      (await openDb({
        url: opts.databaseUrl,
        dataDir: opts.ephemeral ? "memory://" : join(dataDir, "pgdata"),
      }));
    if (!opts.db) cleanup.unshift(() => db.close());

    // Accounts: the operator key and one data scientist per funded anvil account.
    const reuse = async (secret: string | undefined) =>
      secret ? await findActiveKey(db.db, secret) : undefined;
    const opKey = previous?.operatorKey;
    const operatorApiKey = (await reuse(opKey))
      ? opKey!
      : (
          await createAccount(
            { db: db.db },
            { name: "operator", scopes: ["read", "submit", "operator"] },
          )
        ).secret;
    const accounts: DevAccount[] = [];
    for (let i = 1; i <= (mnemonic ? demo : 0); i++) {
      const privateKey = keyAt(i);
      const address = mnemonicToAccount(mnemonic!, { addressIndex: i }).address;
      const old = previous?.accounts.find((a) => a.address === address)?.apiKey;
      const apiKey = (await reuse(old))
        ? old!
        : (await createAccount({ db: db.db }, { name: `demo-${i}` })).secret;
      accounts.push({ address, privateKey, apiKey });
    }
    if (fresh)
      await fundDemo(
        rpcUrl,
        operatorKey,
        contracts,
        accounts.map((a) => a.address),
      );

    // Worker and API, once the database and the chain agree on every round.
    const chain = createChain({ rpcUrl, operatorKey, tournament: contracts.tournament });
    const diverged = await chainDivergences(db.db, chain);
    if (diverged.length > 0) throw new ChainDivergedError(describeDivergences(diverged));
    const worker = startWorker(
      {
        db: db.db,
        chain,
        logger,
        settleBatch: opts.settleBatch ?? 1000,
        settleGasLimit: 25_000_000n,
        // A local stack's receivers run on this machine.
        webhooks: { allowPrivate: true, ...opts.webhooks },
      },
      { pollMs: opts.workerPollMs },
    );
    cleanup.unshift(() => worker.stop());
    // /health re-checks the database against the chain at most every 5 s.
    const divergence = cached(5_000, () => chainDivergences(db.db, chain));
    const config = parseApiConfig({
      WEBHOOK_ALLOW_PRIVATE: "1", // the dev stack's receivers are on this machine
      ...opts.env,
      CHAIN_RPC_URL: rpcUrl,
      TOURNAMENT_ADDRESS: contracts.tournament,
      PORT: String(opts.port ?? 8787),
      LOG_LEVEL: opts.logLevel ?? "info",
    });
    const api = await serveApi({
      db: db.db,
      config,
      rateLimits: db.driver === "postgres" ? dbRateLimits(db.db, config) : undefined,
      logger,
      probes: {
        chain: async () => {
          const block = Number(await publicClient.getBlockNumber());
          const divergences = await divergence.get();
          return { ok: divergences.length === 0, detail: { block, divergences } };
        },
        worker: async () => {
          const age = Date.now() - worker.lastBeat().getTime();
          return { ok: age < 15_000, detail: { id: worker.id, lastBeatMsAgo: age } };
        },
      },
    });
    cleanup.unshift(() => api.close());

    const info: DevInfo = {
      api: api.url,
      operatorKey: operatorApiKey,
      rpcUrl,
      chainId,
      contracts,
      accounts,
      operator: { address: chain.operator, privateKey: operatorKey },
    };
    if (!opts.ephemeral)
      writeFileSync(devPath, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });

    let stopped = false;
    return {
      info,
      db,
      api,
      worker,
      anvil,
      async stop() {
        if (stopped) return;
        stopped = true;
        for (const fn of cleanup) await fn().catch(() => {});
      },
    };
  } catch (err) {
    for (const fn of cleanup) await fn().catch(() => {});
    throw err;
  }
}

/** `npm start` found the database and the chain disagreeing; the message says how. */
export class ChainDivergedError extends Error {
  override name = "ChainDivergedError";
}

/** `fn`'s last value, recomputed when older than `ms`. */
function cached<T>(ms: number, fn: () => Promise<T>) {
  let at = 0;
  let value: Promise<T> | undefined;
  return {
    get(): Promise<T> {
      if (!value || Date.now() - at > ms) {
        at = Date.now();
        value = fn().catch((err) => {
          at = 0;
          throw err;
        });
      }
      return value;
    },
  };
}

function loadOrCreateMnemonic(dataDir: string): string {
  const path = join(dataDir, "mnemonic");
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  const mnemonic = generateMnemonic(english);
  writeFileSync(path, `${mnemonic}\n`, { mode: 0o600 });
  return mnemonic;
}

/** Mints test tokens to each demo account and fills the reward pool. */
async function fundDemo(
  rpcUrl: string,
  operatorKey: Hex,
  contracts: { token: Address; tournament: Address },
  addresses: Address[],
): Promise<void> {
  const { privateKeyToAccount } = await import("viem/accounts");
  const account = privateKeyToAccount(operatorKey);
  const transport = http(rpcUrl);
  const publicClient = createPublicClient({ chain: foundry, transport });
  const wallet = createWalletClient({
    chain: { ...foundry, id: await publicClient.getChainId() },
    transport,
    account,
  });
  const send = async (
    address: Address,
    abi: typeof stakeTokenAbi | typeof tournamentAbi,
    functionName: string,
    args: unknown[],
  ) =>
    publicClient.waitForTransactionReceipt({
      hash: await wallet.writeContract({
        address,
        abi,
        functionName: functionName as never,
        args: args as never,
      }),
    });
  for (const to of addresses) await send(contracts.token, stakeTokenAbi, "mint", [to, TEST_TOKENS]);
  await send(contracts.token, stakeTokenAbi, "mint", [account.address, REWARD_POOL]);
  await send(contracts.token, stakeTokenAbi, "approve", [contracts.tournament, REWARD_POOL]);
  await send(contracts.tournament, tournamentAbi, "fundRewards", [REWARD_POOL]);
}
