import { type ParseArgsConfig, parseArgs } from "node:util";
import { TourneyApiError } from "../api/client";
import { HelpRequested, UsageError } from "./command";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Options every API command takes. */
export const apiOptions = {
  api: { type: "string" },
  key: { type: "string" },
  json: { type: "boolean" },
} as const satisfies Options;

export const apiOptionsHelp = `  --api URL            API base URL (default: env TOURNEY_API, then the saved login)
  --key KEY            API key (default: env TOURNEY_API_KEY, then the saved login)
  --json               machine-readable output on stdout
  -h, --help           show this help`;

/**
 * `util.parseArgs` in strict mode with positionals and `--help`; bad options become a
 * `UsageError`, and `--help` a `HelpRequested` (the dispatcher prints the usage).
 */
export function parseWithPositionals<O extends Options>(argv: string[], options: O) {
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: true,
    });
    if ((parsed.values as { help?: boolean }).help) throw new HelpRequested();
    return { values: parsed.values, positionals: parsed.positionals };
  } catch (e) {
    if (e instanceof HelpRequested) throw e;
    throw new UsageError((e as Error).message);
  }
}

/** Exactly `n` positionals, named for the error message. */
export function expectPositionals(positionals: string[], names: string[]): string[] {
  if (positionals.length !== names.length) {
    const want = names.length === 0 ? "no arguments" : names.join(" ");
    throw new UsageError(
      `expected ${want}, got ${positionals.length ? positionals.join(" ") : "nothing"}`,
    );
  }
  return positionals;
}

/** A positive integer option, or a `UsageError`. */
export function intOption(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer`);
  return n;
}

/** Writes one JSON document to stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(
    `${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}\n`,
  );
}

/** A failure already explained to the user: the dispatcher prints the message and exits 1. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly code = "error",
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * Runs a command body: API errors become `message [code]` (exit 1); with `--json` the error is
 * also printed on stdout as `{"error": {"status", "code", "message", "details"}}`.
 */
export async function runWith(json: boolean, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (e instanceof TourneyApiError) {
      if (json) {
        printJson({
          error: { status: e.status, code: e.code, message: e.message, details: e.details },
        });
      }
      throw new CliError(`${e.message} [${e.code}${e.status ? ` ${e.status}` : ""}]`, e.code);
    }
    if (json) {
      const code = e instanceof CliError ? e.code : "error";
      printJson({ error: { code, message: (e as Error).message ?? String(e) } });
    }
    throw e;
  }
}

/** Bytes for humans. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

/** An upload progress line on stderr (a no-op unless stderr is a TTY). */
export function uploadProgress(label: string) {
  const stream = process.stderr;
  const active = Boolean(stream.isTTY);
  let last = 0;
  return {
    tick(sent: number, total: number) {
      if (!active || total === 0) return;
      const now = Date.now();
      if (now - last < 100 && sent < total) return;
      last = now;
      const width = 30;
      const filled = Math.round((sent / total) * width);
      stream.write(
        `\r${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${formatBytes(sent)}/${formatBytes(total)}`,
      );
    },
    done() {
      if (active) stream.write("\r\x1b[2K");
    },
  };
}

/** `2026-01-01T00:00:00Z`, or relative to now: `+30m`, `+2h`, `+1d`, `+90s`. */
export function parseWhen(v: string, name: string, now = Date.now()): string {
  const rel = /^\+(\d+(?:\.\d+)?)([smhd])$/.exec(v);
  if (rel) {
    const unit = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[rel[2] as "s" | "m" | "h" | "d"];
    return new Date(now + Number(rel[1]) * unit).toISOString();
  }
  const t = Date.parse(v);
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}T/.test(v)) {
    throw new UsageError(`--${name} must be an ISO date-time (2030-01-31T12:00:00Z) or +N[smhd]`);
  }
  return new Date(t).toISOString();
}
