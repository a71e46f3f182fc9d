import { writeFileSync } from "node:fs";
import type { Round } from "../../api/client";
import {
  apiOptions,
  apiOptionsHelp,
  expectPositionals,
  formatBytes,
  intOption,
  parseWithPositionals,
  printJson,
  runWith,
} from "../args";
import { type Command, UsageError } from "../command";
import { apiContext } from "../config";
import { color, formatTable } from "../ui";

const usage = `Usage: tourney rounds list [--limit N] [options]
       tourney rounds current [options]
       tourney rounds download [--round N] [--out FILE] [options]

  list       rounds, newest first
  current    the round open for submissions (exit 1 when none is open)
  download   the live file of the current round (or --round N), checked against the SHA-256 the
             API announces in X-Content-SHA256; written to --out (default round-N-live.csv)

Options:
  --round N            round number (download)
  --out FILE           where to write the live file ("-" for stdout)
  --limit N            rounds to list (default 20)
${apiOptionsHelp}

--json: list prints {"rounds": [Round]}; current prints a Round; download prints
        {"round", "path", "sha256", "bytes"}`;

/** One line per round for humans. */
export function roundRows(rounds: Round[]): string {
  return formatTable(
    ["round", "status", "closes at", "resolves at", "live sha256"],
    rounds.map((r) => [
      String(r.number),
      r.status,
      r.closesAt,
      r.resolvesAt,
      `${r.liveSha256.slice(0, 12)}…`,
    ]),
  );
}

export function countdown(iso: string, now = Date.now()): string {
  let s = Math.round((Date.parse(iso) - now) / 1000);
  if (s <= 0) return "passed";
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  return d > 0 ? `${d}d ${h}h ${m}m` : h > 0 ? `${h}h ${m}m` : `${m}m ${s - m * 60}s`;
}

export const rounds: Command = {
  name: "rounds",
  usage,
  async run(argv) {
    const parsed = parseWithPositionals(argv, {
      ...apiOptions,
      round: { type: "string" },
      out: { type: "string" },
      limit: { type: "string" },
    });
    const { values: v, positionals } = parsed;
    const [sub, ...rest] = positionals;
    expectPositionals(rest, []);
    const json = Boolean(v.json);
    if (sub === "list") {
      const limit = intOption(v.limit, "limit") ?? 20;
      return runWith(json, async () => {
        const { client } = apiContext(v);
        const page = await client.rounds.list({ limit });
        if (json) printJson({ rounds: page.rounds });
        else if (page.rounds.length === 0) process.stdout.write("No rounds yet\n");
        else process.stdout.write(`${roundRows(page.rounds)}\n`);
        return 0;
      });
    }
    if (sub === "current") {
      return runWith(json, async () => {
        const { client } = apiContext(v);
        const r = await client.rounds.current();
        if (json) printJson(r);
        else
          process.stdout.write(
            `${color.bold(`Round ${r.number}`)} ${r.status}\n` +
              `closes at    ${r.closesAt} (${countdown(r.closesAt)})\n` +
              `resolves at  ${r.resolvesAt}\n` +
              `live sha256  ${r.liveSha256}\n`,
          );
        return 0;
      });
    }
    if (sub === "download") {
      const wanted = intOption(v.round, "round");
      return runWith(json, async () => {
        const { client } = apiContext(v);
        const n = wanted ?? (await client.rounds.current()).number;
        const live = await client.rounds.live(n);
        const out = v.out ?? `round-${n}-live.csv`;
        if (out === "-") {
          process.stdout.write(live.bytes);
          return 0;
        }
        writeFileSync(out, live.bytes);
        if (json)
          printJson({ round: n, path: out, sha256: live.sha256, bytes: live.bytes.byteLength });
        else
          process.stdout.write(
            `${color.green("Verified")} round ${n} live data (${formatBytes(live.bytes.byteLength)})\n` +
              `sha256 ${live.sha256}\nsaved  ${out}\n`,
          );
        return 0;
      });
    }
    if (sub === undefined) throw new UsageError("expected a subcommand: list, current or download");
    throw new UsageError(`unknown subcommand "${sub}" (list, current, download)`);
  },
};
