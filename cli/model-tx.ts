import type { Account, Hex } from "viem";
import { expectPositionals, parseWithPositionals, runWith } from "./args";
import { UsageError } from "./command";
import { apiContext, resolveModel } from "./config";
import { type ChainContext, chainContext, chainOptions, loadSigner } from "./wallet";

const modelTxOptions = { ...chainOptions, model: { type: "string" } } as const;

/** What a `tourney <command> --model NAME ARG` transaction needs, resolved. */
export interface ModelTx {
  /** The parsed options (chain options and `--model`). */
  options: { json?: boolean; yes?: boolean; model?: string };
  /** The one positional argument. */
  arg: string;
  /** `--model` as the user wrote it (a name or a 0x id). */
  model: string;
  modelId: Hex;
  account: Account;
  ctx: ChainContext;
}

/**
 * The part every signing command on one model shares (stake, unstake): exactly one positional
 * named `argName`, a required `--model`, then, inside `runWith` so failures print as
 * the command's errors, the signer, the model's bytes32 id (via the API) and the chain.
 */
export async function runModelTx(
  argv: string[],
  argName: string,
  body: (tx: ModelTx) => Promise<number>,
): Promise<number> {
  const parsed = parseWithPositionals(argv, modelTxOptions);
  const { values: v, positionals } = parsed;
  const [arg] = expectPositionals(positionals, [argName]);
  const model = v.model;
  if (!model) throw new UsageError("--model is required");
  return runWith(Boolean(v.json), async () => {
    const account = await loadSigner(v);
    const modelId = await resolveModel(apiContext(v), model);
    const ctx = await chainContext(v);
    return body({ options: v, arg: arg!, model, modelId, account, ctx });
  });
}
