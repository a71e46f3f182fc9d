import { existsSync, openAsBlob } from "node:fs";
import type { StoredDiagnostics } from "../../api/client";
import {
  apiOptions,
  apiOptionsHelp,
  CliError,
  expectPositionals,
  intOption,
  parseWithPositionals,
  printJson,
  runWith,
  uploadProgress,
} from "../args";
import { type Command, UsageError } from "../command";
import { apiContext, resolveModel } from "../config";
import { fmt, formatTable } from "../ui";

const usage = `Usage: tourney diagnostics --model NAME FILE [--json] [options]
       tourney diagnostics --validation FILE [--json]

With --model: uploads validation predictions (FILE: CSV or Parquet with columns id,prediction,
one row per id of the operator's validation set), waits while the worker scores them and prints
per-era CORR, MMC (when the operator's set has a validation meta model), FNC and max feature
exposure, then mean, std (ddof 0), sharpe and max drawdown of each over eras. The result stays
on the server: GET /v1/models/:id/diagnostics/:did, and the dashboard's chart.

With --validation: computed here, nothing sent. FILE is CSV or Parquet with columns id, era,
prediction, target; prints per-era CORR and its summary.

Options:
  --model NAME         model name or 0x id (yours)
  --timeout S          give up waiting after S seconds (default 600)
  --validation FILE    the validation predictions with targets (local form)
${apiOptionsHelp}

--json: with --model the stored diagnostics {"id", "status", "result": {"perEra": [...], "corr",
"mmc", "fnc", "featureExposure"}, ...}; with --validation {"perEra": {era: corr}, "mean", "std",
"sharpe", "maxDrawdown"}`;

function printStored(d: StoredDiagnostics, link: string) {
  const r = d.result!;
  const rows = r.perEra.map((e) => [
    e.era,
    fmt(e.corr),
    fmt(e.mmc),
    fmt(e.fnc),
    fmt(e.maxFeatureExposure),
  ]);
  process.stdout.write(`${formatTable(["era", "corr", "mmc", "fnc", "exposure"], rows)}\n\n`);
  const summaries = (["corr", "mmc", "fnc"] as const).flatMap((k) => {
    const s = r[k];
    return s
      ? [[k, fmt(s.mean), fmt(s.std), s.sharpe === null ? "-" : fmt(s.sharpe), fmt(s.maxDrawdown)]]
      : [];
  });
  process.stdout.write(
    `${formatTable(["metric", "mean", "std", "sharpe", "max drawdown"], summaries)}\n`,
  );
  if (r.featureExposure) {
    process.stdout.write(
      `\nmax feature exposure: mean ${fmt(r.featureExposure.mean)}, largest ${fmt(r.featureExposure.max)}\n`,
    );
  }
  process.stdout.write(
    `\n${r.eras} eras, ${r.rows} rows; diagnostics ${d.id} (validation set ${d.validationSetId})\n${link}\n`,
  );
}

async function local(file: string, json: boolean): Promise<number> {
  const [{ validationDiagnostics }, { readTable }] = await Promise.all([
    import("../../scoring/diagnostics"),
    import("../../formats/read-table"),
  ]);
  const d = validationDiagnostics(await readTable(file));
  if (json) {
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
}

export const diagnostics: Command = {
  name: "diagnostics",
  usage,
  async run(argv) {
    const { values: v, positionals } = parseWithPositionals(argv, {
      ...apiOptions,
      model: { type: "string" },
      validation: { type: "string" },
      timeout: { type: "string" },
    });
    if (v.validation !== undefined) {
      if (v.model !== undefined) throw new UsageError("--validation and --model do not mix");
      expectPositionals(positionals, []);
      return local(v.validation, Boolean(v.json));
    }
    if (!v.model) throw new UsageError("--model NAME FILE (or --validation FILE) is required");
    const [file] = expectPositionals(positionals, ["FILE"]);
    const timeout = intOption(v.timeout, "timeout") ?? 600;
    return runWith(Boolean(v.json), async () => {
      if (!existsSync(file!)) throw new CliError(`no such file: ${file}`, "no_file");
      const ctx = apiContext(v, true);
      const modelId = await resolveModel(ctx, v.model!);
      const bytes = new Uint8Array(await (await openAsBlob(file!)).arrayBuffer());
      const parquet = bytes.length >= 4 && String.fromCharCode(...bytes.subarray(0, 4)) === "PAR1";
      const bar = uploadProgress("uploading");
      let queued: Awaited<ReturnType<typeof ctx.client.diagnostics.post>>;
      try {
        queued = await ctx.client.diagnostics.post(modelId, bytes, {
          type: parquet ? "application/vnd.apache.parquet" : "text/csv",
          onProgress: process.stderr.isTTY ? (s, t) => bar.tick(s, t) : undefined,
        });
      } finally {
        bar.done();
      }
      if (!v.json && process.stderr.isTTY) {
        process.stderr.write(`queued ${queued.id}; waiting for the worker...\n`);
      }
      const d = await ctx.client.diagnostics.wait(modelId, queued.id, {
        timeoutMs: timeout * 1000,
      });
      if (v.json) printJson(d);
      if (d.status === "failed") {
        const e = d.error ?? { code: "failed", message: "diagnostics failed" };
        if (v.json) return 1;
        throw new CliError(`${e.message} [${e.code}]`, e.code, e.details);
      }
      if (!v.json) printStored(d, `${ctx.api}/models/${modelId}/diagnostics/${d.id}`);
      return 0;
    });
  },
};
