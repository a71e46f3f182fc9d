import { formatUnits } from "viem";
import type { Score } from "../../api/client";
import {
  apiOptions,
  apiOptionsHelp,
  expectPositionals,
  intOption,
  parseWithPositionals,
  printJson,
  runWith,
} from "../args";
import { type Command, UsageError } from "../command";
import { apiContext, resolveModel } from "../config";
import { fmt, formatTable } from "../ui";

const usage = `Usage: tourney scores --model NAME [options]
       tourney scores --round N [options]

A model's scores per round (newest first), or every model's scores in a round: CORR, MMC, FNC,
stake at risk and payout (tokens; negative = burnt).

Options:
  --model NAME         model name or 0x id
  --round N            a round instead of a model
${apiOptionsHelp}

--json: --model prints {"modelId", "scores": [Score]}; --round prints {"round", "status",
        "scores": [Score]}. Score: {"round", "modelId", "corr", "mmc", "fnc", "stakeAtRisk",
        "payout", "settleTx"} with token amounts in wei (decimal strings)`;

const tok = (wei: string) => formatUnits(BigInt(wei), 18);

function table(scores: Score[], first: "round" | "model"): string {
  return formatTable(
    [first, "corr", "mmc", "fnc", "at risk", "payout", "settled"],
    scores.map((s) => [
      first === "round" ? String(s.round) : `${s.modelId.slice(0, 10)}…`,
      fmt(s.corr),
      fmt(s.mmc ?? undefined),
      fmt(s.fnc ?? undefined),
      tok(s.stakeAtRisk),
      tok(s.payout),
      s.settleTx ? "yes" : "no",
    ]),
  );
}

export const scores: Command = {
  name: "scores",
  summary: "A model's scores and payouts per round (or a round's)",
  usage,
  async run(argv) {
    const parsed = parseWithPositionals(argv, {
      ...apiOptions,
      model: { type: "string" },
      round: { type: "string" },
    });
    const { values: v, positionals } = parsed;
    expectPositionals(positionals, []);
    const round = intOption(v.round, "round");
    if (!v.model && !round) throw new UsageError("--model or --round is required");
    if (v.model && round) throw new UsageError("pass --model or --round, not both");
    return runWith(Boolean(v.json), async () => {
      const ctx = apiContext(v);
      if (round) {
        const r = await ctx.client.rounds.scores(round);
        if (v.json) printJson(r);
        else if (r.scores.length === 0)
          process.stdout.write(`Round ${round} is ${r.status}: no scores yet\n`);
        else process.stdout.write(`Round ${round} (${r.status})\n${table(r.scores, "model")}\n`);
        return 0;
      }
      const modelId = await resolveModel(ctx, v.model!);
      const list = await ctx.client.models.scores(modelId);
      if (v.json) printJson({ modelId, scores: list });
      else if (list.length === 0) process.stdout.write("No scored rounds yet\n");
      else process.stdout.write(`${table(list, "round")}\n`);
      return 0;
    });
  },
};
