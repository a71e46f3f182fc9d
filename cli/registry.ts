import type { Command } from "./command";

/**
 * Every `tourney` subcommand, in the order `tourney --help` lists them. Add one by creating
 * `cli/commands/<name>.ts` (exporting a `Command`) and a line here. Modules load lazily, so a
 * command pays start-up time only for what it imports.
 */
export const commands: Readonly<Record<string, () => Promise<Command>>> = {
  score: async () => (await import("./commands/score")).score,
  diagnostics: async () => (await import("./commands/diagnostics")).diagnostics,
};
