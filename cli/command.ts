import { type ParseArgsConfig, parseArgs } from "node:util";

/**
 * A `tourney` subcommand. Add one by creating `cli/commands/<name>.ts` and listing it, with its
 * one-line summary, in `registry.ts`.
 */
export interface Command {
  /** The word after `tourney`. */
  readonly name: string;
  /** Full help text shown by `tourney <name> --help` and after a usage error. */
  readonly usage: string;
  /** Runs the command; resolves to the exit code (0 on success). Throws on failure. */
  run(argv: string[]): Promise<number>;
}

/** Bad arguments: the dispatcher prints the message and the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** `--help` (or `-h`) was given: the dispatcher prints the command's usage, exit code 0. */
export class HelpRequested extends Error {
  override readonly name = "HelpRequested";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * `util.parseArgs` in strict mode with `--help` built in; unknown or malformed options become a
 * `UsageError`, and `--help` a `HelpRequested` (the dispatcher prints the usage).
 */
export function parseCommandArgs<O extends Options>(argv: string[], options: O) {
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    });
    if ((parsed.values as { help?: boolean }).help) throw new HelpRequested();
    return parsed.values;
  } catch (e) {
    if (e instanceof HelpRequested) throw e;
    throw new UsageError((e as Error).message);
  }
}

/** The value of a required string option, or a `UsageError` naming it. */
export function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== "string" || v === "") throw new UsageError(`--${name} is required`);
  return v;
}
