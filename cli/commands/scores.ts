import { formatUnits } from "viem";
import type { DailyDay, Score } from "../../api/client";
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
       tourney scores --round N [--day D] [options]
       tourney scores --model NAME --round N --daily [options]

A model's scores per round (newest first), or every model's scores in a round: CORR, MMC, FNC,
stake at risk and payout (tokens; negative = burnt).

Options:
  --model NAME         model name or 0x id
  --round N            a round instead of a model
  --day D              with --round: that day's daily scores (provisional targets)
  --daily              with --model and --round: the model's daily scores in the round, by day
                       (CORR, MMC, FNC and projected payout; nothing is settled from them)
${apiOptionsHelp}

--json: --model prints {"modelId", "scores": [Score]}; --round prints {"round", "status",
        "scores": [Score]}. Score: {"round", "modelId", "corr", "mmc", "fnc",
        "maxFeatureExposure", "maxFeature", "stakeAtRisk", "payout", "settleTx"} with token
        amounts in wei (decimal strings); --day adds "day"; --daily prints {"modelId", "round",
        "days": [{"day", "corr", "mmc", "fnc", "stakeAtRisk", "projectedPayout"}]}`;

const tok = (wei: string) => formatUnits(BigInt(wei), 18);

function dailyTable(days: DailyDay[]): string {
  return formatTable(
    ["day", "corr", "mmc", "fnc", "at risk", "projected payout"],
    days.map((d) => [
      String(d.day),
      fmt(d.corr),
      fmt(d.mmc ?? undefined),
      fmt(d.fnc ?? undefined),
      tok(d.stakeAtRisk),
      tok(d.projectedPayout),
    ]),
  );
}

function table(scores: Score[], first: "round" | "model"): string {
  return formatTable(
    [first, "corr", "mmc", "fnc", "exposure", "at risk", "payout", "settled"],
    scores.map((s) => [
      first === "round" ? String(s.round) : `${s.modelId.slice(0, 10)}…`,
      fmt(s.corr),
      fmt(s.mmc ?? undefined),
      fmt(s.fnc ?? undefined),
      s.maxFeatureExposure === null ? "-" : `${fmt(s.maxFeatureExposure)} ${s.maxFeature}`,
      tok(s.stakeAtRisk),
      tok(s.payout),
      s.settleTx ? "yes" : "no",
    ]),
  );
}

export const scores: Command = {
  name: "scores",
  usage,
  async run(argv) {
    const parsed = parseWithPositionals(argv, {
      ...apiOptions,
      model: { type: "string" },
      round: { type: "string" },
      day: { type: "string" },
      daily: { type: "boolean" },
    });
    const { values: v, positionals } = parsed;
    expectPositionals(positionals, []);
    const round = intOption(v.round, "round");
    const day = intOption(v.day, "day");
    if (v.daily) {
      if (!v.model || !round) throw new UsageError("--daily needs --model and --round");
      if (day) throw new UsageError("pass --daily or --day, not both");
    } else {
      if (!v.model && !round) throw new UsageError("--model or --round is required");
      if (v.model && round)
        throw new UsageError("pass --model or --round, not both (or add --daily)");
      if (day && !round) throw new UsageError("--day needs --round");
    }
    return runWith(Boolean(v.json), async () => {
      const ctx = apiContext(v);
      if (v.daily) {
        const modelId = await resolveModel(ctx, v.model!);
        const r = await ctx.client.models.dailyScores(modelId, round);
        if (v.json) printJson(r);
        else if (r.days.length === 0)
          process.stdout.write(`No daily scores for round ${round} yet\n`);
        else process.stdout.write(`Round ${round}, daily scores\n${dailyTable(r.days)}\n`);
        return 0;
      }
      if (round) {
        const r = await ctx.client.rounds.scores(round, { day });
        const what = day ? `day ${day} of round ${round}` : `Round ${round}`;
        if (v.json) printJson(r);
        else if (r.scores.length === 0)
          process.stdout.write(
            day
              ? `${what} (${r.status}): no daily scores yet\n`
              : `Round ${round} is ${r.status}: no scores yet\n`,
          );
        else process.stdout.write(`${what} (${r.status})\n${table(r.scores, "model")}\n`);
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
