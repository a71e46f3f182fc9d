import type { Command } from "./command";

interface Entry {
  /** One line for `tourney --help`. */
  readonly summary: string;
  /** The command's module, loaded only when it runs (or prints its own help). */
  readonly load: () => Promise<Command>;
}

/**
 * Every `tourney` subcommand, in the order `tourney --help` lists them. Add one by creating
 * `cli/commands/<name>.ts` (exporting a `Command`) and a line here. The summaries live here so
 * `tourney --help` loads no command module; each command pays start-up time only for what it
 * imports.
 */
export const commands: Readonly<Record<string, Entry>> = {
  score: {
    summary: "Score prediction files: CORR, MMC, FNC, feature exposure",
    load: async () => (await import("./commands/score")).score,
  },
  diagnostics: {
    summary: "Validation diagnostics: per-era CORR, MMC, FNC, exposure and their summaries",
    load: async () => (await import("./commands/diagnostics")).diagnostics,
  },
  login: {
    summary: "Save the API URL and key (and chain settings) for the other commands",
    load: async () => (await import("./commands/login")).login,
  },
  models: {
    summary: "Create and list your models",
    load: async () => (await import("./commands/models")).models,
  },
  rounds: {
    summary: "List rounds, show the current one, download live data (SHA-256 checked)",
    load: async () => (await import("./commands/rounds")).rounds,
  },
  submit: {
    summary: "Submit a model's predictions (CSV) for the open round",
    load: async () => (await import("./commands/submit")).submit,
  },
  scores: {
    summary: "A model's scores and payouts per round (or a round's)",
    load: async () => (await import("./commands/scores")).scores,
  },
  stake: {
    summary: "Stake tokens on a model (on chain)",
    load: async () => (await import("./commands/stake")).stake,
  },
  unstake: {
    summary: "Request to unstake from a model (on chain); withdraw once released",
    load: async () => (await import("./commands/unstake")).unstake,
  },
  withdraw: {
    summary: "Withdraw a released unstake request (on chain)",
    load: async () => (await import("./commands/withdraw")).withdraw,
  },
  positions: {
    summary: "Your stakes and unstake requests (on chain)",
    load: async () => (await import("./commands/positions")).positions,
  },
  round: {
    summary: "Operator: open, close, resolve a round; show its status",
    load: async () => (await import("./commands/round")).round,
  },
  webhooks: {
    summary: "Register, list and remove webhook endpoints for round events",
    load: async () => (await import("./commands/webhooks")).webhooks,
  },
  verify: {
    summary: "Recompute a round from public data and check it against the chain",
    load: async () => (await import("./commands/verify")).verify,
  },
  "verify-receipt": {
    summary: "Check a submission receipt's Merkle proof offline",
    load: async () => (await import("./commands/verify-receipt")).verifyReceiptCommand,
  },
};
