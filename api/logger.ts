export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Where log lines go: stderr on Node, the console where there is no stderr (Workers). */
const stderr = (globalThis as { process?: { stderr?: { write(s: string): unknown } } }).process
  ?.stderr;
const writeLine = stderr?.write
  ? (line: string) => stderr.write(`${line}\n`)
  : (line: string) => console.log(line);

/** Structured logs: one JSON object per line on stderr. */
export function jsonLogger(level: LogLevel = "info", base: Record<string, unknown> = {}): Logger {
  const log = (lvl: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (order[lvl] < order[level]) return;
    writeLine(JSON.stringify({ t: new Date().toISOString(), level: lvl, msg, ...base, ...fields }));
  };
  return { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
}
