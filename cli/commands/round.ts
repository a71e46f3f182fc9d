import { existsSync, openAsBlob } from "node:fs";
import { parseEventLogs } from "viem";
import type { Round, RoundStatus, ValidationSet } from "../../api/client";
import { tournamentAbi } from "../../contracts/ts";
import {
  apiOptions,
  apiOptionsHelp,
  CliError,
  expectPositionals,
  intOption,
  parseWhen,
  parseWithPositionals,
  printJson,
  runWith,
} from "../args";
import { type Command, UsageError } from "../command";
import { apiContext } from "../config";
import { color } from "../ui";
import {
  chainContext,
  chainOptions,
  chainOptionsHelp,
  confirm,
  loadSigner,
  sendTx,
  tokens,
  walletFor,
} from "../wallet";
import { countdown } from "./rounds";

const usage = `Usage: tourney round open --live FILE --closes-at WHEN --resolves-at WHEN [payout options] [options]
       tourney round close --round N [options]
       tourney round resolve --round N --targets FILE [options]
       tourney round daily --round N --day D --targets FILE [options]
       tourney round status [--round N] [--wait STATUS] [--timeout SECONDS] [options]
       tourney round cancel --round N [chain options]
       tourney round validation --file FILE [options]

Operator commands (the key needs the "operator" scope, except for status and cancel).

  open      open the next round with its live file (CSV: id + features); the worker records its
            SHA-256 and payout parameters on chain
  close     close a round now (the worker commits the submissions Merkle root on chain)
  resolve   publish a closed round's targets (CSV: id,target); scoring and settlement follow
  daily     post a closed round's provisional targets for day D (a positive integer); the
            worker stores daily scores (same metrics, meta model and stakes at risk as the final
            scoring; nothing is settled). A later upload for the same day replaces it
  status    a round's state, hashes and transactions (default: the current round, else the
            newest); --wait polls until the round reaches STATUS (or a later one)
  cancel    the public safety valve, sent from your own key (anyone may, no API key): cancels
            the next round to finalize on chain once it is overdue, i.e. not finalized by
            max(resolvesAt, end of the last pause) + the grace period (7 days). Nothing more is
            paid or burnt in it (models already settled stay settled), its unpaid reward
            reserve returns to the pool, and waiting stakes and unstake requests proceed as if
            it were finalized. Too early: says when it becomes cancellable. The worker never
            cancels a round by itself
  validation upload the validation set for stored diagnostics (CSV or Parquet with columns
            id, era, target, optionally meta_model, then the features); the worker prepares
            each era's neutralization basis, and data scientists' \`tourney diagnostics --model\`
            is scored against the newest ready set. Without --file: shows the current set

Options:
  --live FILE              live data (open)
  --closes-at WHEN         ISO date-time, or relative: +30m, +2h, +7d (open)
  --resolves-at WHEN       ISO date-time or relative, after --closes-at (open)
  --payout-cap X           largest |payout / stake|, decimal (default 0.05)
  --corr-multiplier X      weight of CORR in the payout (default 0.5)
  --mmc-multiplier X       weight of MMC in the payout (default 2)
  --stake-threshold X      total stake (tokens) above which payouts scale down (default 72000)
  --round N                round number
  --targets FILE           targets (resolve, daily)
  --day D                  day of the provisional targets, 1..366 (daily)
  --file FILE              the validation set (validation)
  --wait STATUS            open, closed, resolved, scored, settled or cancelled (status)
  --timeout SECONDS        how long --wait waits (default 120)
${apiOptionsHelp}

${chainOptionsHelp.replace("  -h, --help             show this help", "").trimEnd()}
  (chain options: cancel only)

--json: cancel prints {"round", "caller", "returnedToPool", "tx"}; open prints {"number", "status", "liveSha256"}; close and status print a Round (status
        adds "scores": N); resolve prints {"number", "status", "targetsSha256"}; daily prints {"round", "day", "targetsSha256",
        "replaced", "uploadedAt"}; validation prints the ValidationSet {"id", "rows", "eras", "features", "hasMetaModel",
        "status", "sha256", ...}`;

const ORDER: RoundStatus[] = ["open", "closed", "resolved", "scored", "settled", "cancelled"];

function describe(r: Round, scoreCount?: number): string {
  const line = (k: string, v: string | null) => `${k.padEnd(17)}${v ?? "-"}\n`;
  const p = r.payout;
  const wad = (s: string) => String(Number(s) / 1e18);
  return (
    `${color.bold(`Round ${r.number}`)} ${r.status}\n` +
    line("opens at", r.opensAt) +
    line("closes at", `${r.closesAt}${r.status === "open" ? ` (${countdown(r.closesAt)})` : ""}`) +
    line("resolves at", r.resolvesAt) +
    line("live sha256", r.liveSha256) +
    line("targets sha256", r.targetsSha256) +
    line("submissions root", r.submissionsRoot) +
    line("scores root", r.scoresRoot) +
    line(
      "payout",
      `cap ${wad(p.payoutCap)}, corr x${wad(p.corrMultiplier)}, mmc x${wad(p.mmcMultiplier)}, threshold ${wad(p.stakeThreshold)}`,
    ) +
    line("open tx", r.transactions.open) +
    line("close tx", r.transactions.close) +
    line("resolve tx", r.transactions.resolve) +
    line("finalize tx", r.transactions.finalize) +
    (scoreCount === undefined ? "" : line("scores", String(scoreCount)))
  );
}

async function fileBlob(path: string, flag: string): Promise<Blob> {
  if (!existsSync(path)) throw new CliError(`${flag}: no such file: ${path}`, "no_file");
  return openAsBlob(path, { type: "text/csv" });
}

const CHAIN_STATUS = ["none", "open", "closed", "resolved", "finalized", "cancelled"];

/** `tourney round cancel`: checks status and time first, so "too early" says when. */
async function cancelRound(v: Record<string, unknown>, num: number): Promise<number> {
  const ctx = await chainContext(v);
  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    ctx.publicClient.readContract({
      address: ctx.tournament,
      abi: tournamentAbi,
      functionName: functionName as never,
      args: args as never,
    }) as Promise<T>;
  const r = await read<{ status: number; seq: number }>("round", [BigInt(num)]);
  const status = Number(r.status);
  if (status !== 2 && status !== 3)
    throw new CliError(
      `round ${num} is ${CHAIN_STATUS[status] ?? status} on chain: only a closed or resolved round can be cancelled`,
      "round_state",
    );
  const last = Number(await read<bigint>("lastFinalizedRound"));
  const lastSeq =
    last === 0 ? 0 : Number((await read<{ seq: number }>("round", [BigInt(last)])).seq);
  if (Number(r.seq) !== lastSeq + 1)
    throw new CliError(
      `round ${num} is not the next round to finalize: cancel the rounds before it first`,
      "out_of_order",
    );
  const at = Number(await read<bigint>("cancellableAt", [BigInt(num)]));
  const block = await ctx.publicClient.getBlock();
  if (Number(block.timestamp) < at) {
    const when = new Date(at * 1000).toISOString();
    throw new CliError(
      `round ${num} cannot be cancelled yet: it becomes cancellable at ${when} (in ${countdown(when, Number(block.timestamp) * 1000)} of chain time) if it is not finalized by then`,
      "too_early",
    );
  }
  const account = await loadSigner(v);
  await confirm(
    `Cancel round ${num} (no more payouts or burns in it)\n  from     ${account.address}\n  contract ${ctx.tournament} (chain ${ctx.chain.id})`,
    Boolean(v.yes),
  );
  const receipt = await sendTx(ctx, walletFor(ctx, account), {
    address: ctx.tournament,
    abi: tournamentAbi,
    functionName: "cancelRound",
    args: [BigInt(num)],
  });
  const [ev] = parseEventLogs({
    abi: tournamentAbi,
    eventName: "RoundCancelled",
    logs: receipt.logs,
  });
  const returned = ev?.args.returnedToPool ?? 0n;
  if (v.json)
    printJson({
      round: num,
      caller: account.address,
      returnedToPool: returned.toString(),
      tx: receipt.transactionHash,
    });
  else
    process.stdout.write(
      `${color.green("Cancelled")} round ${num}; ${tokens(ctx, returned)} returned to the reward pool\ntx ${receipt.transactionHash}\n`,
    );
  return 0;
}

export const round: Command = {
  name: "round",
  usage,
  async run(argv) {
    const parsed = parseWithPositionals(argv, {
      ...apiOptions,
      ...chainOptions,
      live: { type: "string" },
      "closes-at": { type: "string" },
      "resolves-at": { type: "string" },
      "payout-cap": { type: "string" },
      "corr-multiplier": { type: "string" },
      "mmc-multiplier": { type: "string" },
      "stake-threshold": { type: "string" },
      round: { type: "string" },
      targets: { type: "string" },
      day: { type: "string" },
      wait: { type: "string" },
      timeout: { type: "string" },
      file: { type: "string" },
    });
    const { values: v, positionals } = parsed;
    const [sub, ...rest] = positionals;
    expectPositionals(rest, []);
    const json = Boolean(v.json);
    const n = intOption(v.round, "round");
    const needRound = () => {
      if (!n) throw new UsageError("--round is required");
      return n;
    };

    if (sub === "open") {
      if (!v.live) throw new UsageError("--live is required");
      if (!v["closes-at"]) throw new UsageError("--closes-at is required");
      if (!v["resolves-at"]) throw new UsageError("--resolves-at is required");
      const now = Date.now();
      const closesAt = parseWhen(v["closes-at"], "closes-at", now);
      const resolvesAt = parseWhen(v["resolves-at"], "resolves-at", now);
      for (const k of ["payout-cap", "corr-multiplier", "mmc-multiplier", "stake-threshold"]) {
        const x = v[k as "payout-cap"];
        if (x !== undefined && !/^\d+(\.\d+)?$/.test(x))
          throw new UsageError(`--${k} must be a non-negative decimal number`);
      }
      return runWith(json, async () => {
        const { client } = apiContext(v, true);
        const res = await client.rounds.open({
          live: await fileBlob(v.live!, "--live"),
          closesAt,
          resolvesAt,
          payoutCap: v["payout-cap"],
          corrMultiplier: v["corr-multiplier"],
          mmcMultiplier: v["mmc-multiplier"],
          stakeThreshold: v["stake-threshold"],
        });
        if (json) printJson(res);
        else
          process.stdout.write(
            `${color.green("Opened")} round ${res.number}\nlive sha256 ${res.liveSha256}\ncloses at   ${closesAt}\n`,
          );
        return 0;
      });
    }

    if (sub === "close") {
      const num = needRound();
      return runWith(json, async () => {
        const { client } = apiContext(v, true);
        const r = await client.rounds.close(num);
        if (json) printJson(r);
        else
          process.stdout.write(
            `${color.green("Closed")} round ${num}; the worker commits the submissions root on chain\n`,
          );
        return 0;
      });
    }

    if (sub === "resolve") {
      const num = needRound();
      if (!v.targets) throw new UsageError("--targets is required");
      return runWith(json, async () => {
        const { client } = apiContext(v, true);
        const res = await client.rounds.resolve(num, await fileBlob(v.targets!, "--targets"));
        if (json) printJson(res);
        else
          process.stdout.write(
            `${color.green("Resolved")} round ${num}: scoring and settlement queued\ntargets sha256 ${res.targetsSha256}\n`,
          );
        return 0;
      });
    }

    if (sub === "daily") {
      const num = needRound();
      const day = intOption(v.day, "day");
      if (!day) throw new UsageError("--day is required (a positive integer)");
      if (!v.targets) throw new UsageError("--targets is required");
      return runWith(json, async () => {
        const { client } = apiContext(v, true);
        const res = await client.rounds.daily(num, day, await fileBlob(v.targets!, "--targets"));
        if (json) printJson(res);
        else
          process.stdout.write(
            `${color.green("Posted")} day ${day} of round ${num}${res.replaced ? " (replaces the earlier upload)" : ""}: daily scoring queued\ntargets sha256 ${res.targetsSha256}\n`,
          );
        return 0;
      });
    }

    if (sub === "validation") {
      return runWith(json, async () => {
        const { client } = apiContext(v, true);
        let set: ValidationSet;
        if (v.file) {
          if (!existsSync(v.file)) throw new CliError(`--file: no such file: ${v.file}`, "no_file");
          set = await client.validation.upload(await openAsBlob(v.file));
        } else set = await client.validation.current();
        if (json) printJson(set);
        else
          process.stdout.write(
            `${v.file ? `${color.green("Uploaded")} validation set` : "Validation set"} ${set.id}: ${set.rows} rows, ${set.eras} eras, ${set.features} features${set.hasMetaModel ? ", meta model" : ""}; ${set.status}\nsha256 ${set.sha256}\n`,
          );
        return 0;
      });
    }

    if (sub === "status") {
      const wait = v.wait as RoundStatus | undefined;
      if (wait !== undefined && !ORDER.includes(wait))
        throw new UsageError(`--wait must be one of ${ORDER.join(", ")}`);
      const timeout = intOption(v.timeout, "timeout") ?? 120;
      return runWith(json, async () => {
        const { client } = apiContext(v);
        let num = n;
        if (!num) {
          const cur = await client.rounds.current().catch(() => undefined);
          num = cur?.number ?? (await client.rounds.list({ limit: 1 })).rounds[0]?.number;
          if (!num) throw new CliError("no rounds yet", "not_found");
        }
        let r = await client.rounds.get(num);
        if (wait) {
          const end = Date.now() + timeout * 1000;
          while (ORDER.indexOf(r.status) < ORDER.indexOf(wait)) {
            if (Date.now() > end)
              throw new CliError(
                `round ${num} is still ${r.status} after ${timeout}s (waited for ${wait})`,
                "timeout",
              );
            await new Promise((res) => setTimeout(res, 250));
            r = await client.rounds.get(num);
          }
        }
        const scores = (await client.rounds.scores(num)).scores.length;
        if (json) printJson({ ...r, scores });
        else process.stdout.write(describe(r, scores));
        return 0;
      });
    }

    if (sub === "cancel") {
      const num = needRound();
      return runWith(json, () => cancelRound(v, num));
    }

    if (sub === undefined)
      throw new UsageError("expected a subcommand: open, close, resolve, daily, status or cancel");
    throw new UsageError(
      `unknown subcommand "${sub}" (open, close, resolve, daily, status, cancel)`,
    );
  },
};
