import { readFileSync } from "node:fs";
import { type Command, parseCommandArgs, UsageError } from "../command";
import { color } from "../ui";
import { type Receipt, verifyReceipt } from "../verify/receipt";

const usage = `Usage: tourney verify-receipt FILE [--root 0x...] [--json]

Checks a submission receipt (from GET /v1/models/:id/submissions/:sid/receipt) offline: its
leaf (model id, SHA-256 of the canonical predictions) and Merkle proof must hash up to the root.
Pass --root with the round's submissionsRoot read from chain to not trust the receipt's own.

Options:
  --root HEX   the root to check against (default: the receipt's)
  --json       print {"ok", "root", "leaf"}
  -h, --help   show this help`;

export const verifyReceiptCommand: Command = {
  name: "verify-receipt",
  usage,
  async run(argv) {
    const file = argv.find((a) => !a.startsWith("-") && argv[argv.indexOf(a) - 1] !== "--root");
    const v = parseCommandArgs(
      argv.filter((a) => a !== file),
      { root: { type: "string" }, json: { type: "boolean" } },
    );
    if (!file) throw new UsageError("a receipt FILE is required");
    const receipt = JSON.parse(readFileSync(file, "utf8")) as Receipt;
    const root = v.root ?? receipt.root;
    let ok = false;
    try {
      ok = verifyReceipt(receipt, root);
    } catch {
      ok = false;
    }
    if (v.json) process.stdout.write(`${JSON.stringify({ ok, root, leaf: receipt.leaf })}\n`);
    else {
      process.stdout.write(
        ok
          ? `${color.green("✓")} submission ${receipt.leaf.sha256} of model ${receipt.leaf.modelId} is in round ${receipt.round}'s root ${root}\n`
          : `${color.red("✗", process.stdout)} the receipt does not prove inclusion under root ${root}\n`,
      );
    }
    return ok ? 0 : 1;
  },
};
