import type { Command } from "./command";

/**
 * Every `tourney` subcommand, in the order `tourney --help` lists them. Add one by creating
 * `cli/commands/<name>.ts` (exporting a `Command`) and a line here. Modules load lazily, so a
 * command pays start-up time only for what it imports.
 */
export const commands: Readonly<Record<string, () => Promise<Command>>> = {
  score: async () => (await import("./commands/score")).score,
  diagnostics: async () => (await import("./commands/diagnostics")).diagnostics,
  login: async () => (await import("./commands/login")).login,
  models: async () => (await import("./commands/models")).models,
  rounds: async () => (await import("./commands/rounds")).rounds,
  submit: async () => (await import("./commands/submit")).submit,
  scores: async () => (await import("./commands/scores")).scores,
  stake: async () => (await import("./commands/stake")).stake,
  unstake: async () => (await import("./commands/unstake")).unstake,
  withdraw: async () => (await import("./commands/withdraw")).withdraw,
  positions: async () => (await import("./commands/positions")).positions,
  round: async () => (await import("./commands/round")).round,
  verify: async () => (await import("./commands/verify")).verify,
  "verify-receipt": async () => (await import("./commands/verify-receipt")).verifyReceiptCommand,
};
