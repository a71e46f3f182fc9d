import packageJson from "../package.json" with { type: "json" };
import { ScoringError } from "../scoring/errors";
import { type Command, HelpRequested, UsageError } from "./command";
import { commands } from "./registry";
import { color } from "./ui";

// Start-up time: `--help` and `--version` load nothing beyond this file and the registry's
// summaries; a command's module is imported only when it runs (npm run bench:cli).

function overview(): string {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((n) => n.length));
  return [
    "Usage: tourney <command> [options]",
    "",
    "Commands:",
    ...names.map((n) => `  ${n.padEnd(width)}  ${commands[n]!.summary}`),
    "",
    "Options:",
    "  -h, --help     this overview; `tourney <command> --help` for a command's options",
    "  -v, --version  the version of tourney",
  ].join("\n");
}

/** Dispatches `argv` (without node and script) to a command; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${overview()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v" || name === "version") {
    process.stdout.write(`tourney ${packageJson.version}\n`);
    return 0;
  }
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry) {
    process.stderr.write(`${color.red("error:")} unknown command "${name}"\n\n${overview()}\n`);
    return 2;
  }
  const command: Command = await entry.load();
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof HelpRequested) {
      process.stdout.write(`${command.usage}\n`);
      return 0;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`${color.red("error:")} ${e.message}\n\n${command.usage}\n`);
      return 2;
    }
    if (e instanceof ScoringError) {
      process.stderr.write(`${color.red("error:")} ${e.message} [${e.code}]\n`);
      return 1;
    }
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`${color.red("error:")} ${msg}\n`);
    if (process.env.TOURNEY_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
