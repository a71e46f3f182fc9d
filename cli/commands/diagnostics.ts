import { validationDiagnostics } from "../../scoring/diagnostics";
import { readTable } from "../../scoring/io/read-table";
import { type Command, parseCommandArgs, required } from "../command";
import { fmt, formatTable } from "../ui";

const usage = `Usage: tourney diagnostics --validation FILE [--json]

Per-era CORR of validation predictions, then mean, std (ddof 0), sharpe and max drawdown over
eras (eras in order). FILE is CSV or Parquet with columns id, era, prediction, target.

Options:
  --validation FILE   the validation predictions with targets
  --json              print {"perEra": {era: corr}, "mean", "std", "sharpe", "maxDrawdown"}
  -h, --help          show this help`;

export const diagnostics: Command = {
  name: "diagnostics",
  usage,
  async run(argv) {
    const values = parseCommandArgs(argv, {
      validation: { type: "string" },
      json: { type: "boolean" },
    });
    const d = validationDiagnostics(await readTable(required(values, "validation")));
    if (values.json) {
      const { perEra, mean, std, sharpe, maxDrawdown } = d;
      process.stdout.write(`${JSON.stringify({ perEra, mean, std, sharpe, maxDrawdown })}\n`);
      return 0;
    }
    const rows = Object.entries(d.perEra).map(([era, c]) => [era, fmt(c)]);
    process.stdout.write(`${formatTable(["era", "corr"], rows)}\n\n`);
    process.stdout.write(
      `${formatTable(
        ["summary", "value"],
        [
          ["mean", fmt(d.mean)],
          ["std", fmt(d.std)],
          ["sharpe", fmt(d.sharpe)],
          ["max drawdown", fmt(d.maxDrawdown)],
        ],
      )}\n`,
    );
    return 0;
  },
};
