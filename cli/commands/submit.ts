import { existsSync, openAsBlob } from "node:fs";
import {
  apiOptions,
  apiOptionsHelp,
  CliError,
  expectPositionals,
  formatBytes,
  intOption,
  parseWithPositionals,
  printJson,
  runWith,
  uploadProgress,
} from "../args";
import { type Command, UsageError } from "../command";
import { apiContext, resolveModel } from "../config";
import { color } from "../ui";

const usage = `Usage: tourney submit --model NAME FILE [--round N] [options]

Uploads predictions (CSV with columns id,prediction; every live id, values in [0, 1]) for the
open round. The latest on-time submission of a model is the one scored. Shows upload progress
on stderr when it is a terminal.

Options:
  --model NAME         model name or 0x id
  --round N            a specific round (late submissions are kept but never selected)
  --idempotency-key K  retrying with the same key returns the first answer instead of a duplicate
${apiOptionsHelp}

--json: prints {"id", "round", "sha256", "selected", "late", "extraIds"}`;

export const submit: Command = {
  name: "submit",
  usage,
  async run(argv) {
    const parsed = parseWithPositionals(argv, {
      ...apiOptions,
      model: { type: "string" },
      round: { type: "string" },
      "idempotency-key": { type: "string" },
    });
    const { values: v, positionals } = parsed;
    const [file] = expectPositionals(positionals, ["FILE"]);
    if (!v.model) throw new UsageError("--model is required");
    const round = intOption(v.round, "round");
    return runWith(Boolean(v.json), async () => {
      if (!existsSync(file!)) throw new CliError(`no such file: ${file}`, "no_file");
      const ctx = apiContext(v, true);
      const modelId = await resolveModel(ctx, v.model!);
      const blob = await openAsBlob(file!, { type: "text/csv" });
      const bar = uploadProgress("uploading");
      let res: Awaited<ReturnType<typeof ctx.client.submit>>;
      try {
        res = await ctx.client.submit(modelId, blob, {
          round,
          idempotencyKey: v["idempotency-key"],
          onProgress: process.stderr.isTTY ? (s, t) => bar.tick(s, t) : undefined,
        });
      } finally {
        bar.done();
      }
      if (v.json) printJson(res);
      else {
        process.stdout.write(
          `${color.green("Submitted")} ${formatBytes(blob.size)} for round ${res.round}` +
            `${res.late ? " (late: kept, not selected)" : res.selected ? " (selected)" : ""}\n` +
            `id     ${res.id}\nsha256 ${res.sha256}\n`,
        );
        if (res.extraIds > 0)
          process.stderr.write(
            `note: ${res.extraIds} rows with ids not in the round were ignored\n`,
          );
      }
      return 0;
    });
  },
};
