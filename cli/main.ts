import { ScoringError } from "../scoring/errors";
import { type Command, HelpRequested, UsageError } from "./command";
import { commands } from "./registry";
import { color } from "./ui";

async function overview(): Promise<string> {
  const all = await Promise.all(Object.values(commands).map((load) => load()));
  const width = Math.max(...all.map((c) => c.name.length));
  return [
    "Usage: tourney <command> [options]",
    "",
    "Commands:",
    ...all.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `tourney <command> --help` for a command's options.",
  ].join("\n");
}

/** Dispatches `argv` (without node and script) to a command; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${await overview()}\n`);
    return name === undefined ? 2 : 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    process.stderr.write(
      `${color.red("error:")} unknown command "${name}"\n\n${await overview()}\n`,
    );
    return 2;
  }
  const command: Command = await load();
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
