import { ChainDivergedError, startStack } from "./stack";

/** `npm start`: the whole stack on this machine, configured from the environment. */
const env = process.env;
const t0 = performance.now();
const stack = await startStack({
  dataDir: env.DATA_DIR,
  databaseUrl: env.DATABASE_URL,
  rpcUrl: env.RPC_URL,
  operatorKey: env.OPERATOR_KEY as `0x${string}` | undefined,
  tournament: env.TOURNAMENT_ADDRESS as `0x${string}` | undefined,
  token: env.TOKEN_ADDRESS as `0x${string}` | undefined,
  port: env.PORT ? Number(env.PORT) : undefined,
  anvilPort: env.ANVIL_PORT ? Number(env.ANVIL_PORT) : 8545,
  demoAccounts: env.DEMO_ACCOUNTS ? Number(env.DEMO_ACCOUNTS) : undefined,
  logLevel: (env.LOG_LEVEL as "info" | undefined) ?? "warn",
  env,
}).catch((err) => {
  if (!(err instanceof ChainDivergedError)) throw err;
  // Refuse to run a stack whose database believes things the chain does not hold.
  process.stderr.write(`\nnpm start: ${err.message}\n`);
  process.exit(1);
});
const { info } = stack;
const secs = ((performance.now() - t0) / 1000).toFixed(1);
process.stdout.write(`
  Tourney is running (started in ${secs}s)

  API       ${info.api}   (docs ${info.api}/docs, health ${info.api}/health)
  Chain     ${info.rpcUrl}   chain id ${info.chainId}${stack.anvil ? " (local anvil)" : ""}
  Token     ${info.contracts.token}
  Tourney   ${info.contracts.tournament}
  Database  ${env.DATABASE_URL ? "Postgres (DATABASE_URL)" : `PGlite in ${env.DATA_DIR ?? ".tourney"}/pgdata`}
  Keys      ${env.DATA_DIR ?? ".tourney"}/dev.json (operator key, ${info.accounts.length} demo accounts)

  Ctrl-C stops everything.
`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${signal}: stopping…\n`);
  await stack.stop();
  process.exit(0);
};
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
