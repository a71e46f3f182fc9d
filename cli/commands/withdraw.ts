import { parseEventLogs } from "viem";
import { tournamentAbi } from "../../contracts/ts";
import { CliError, expectPositionals, parseWithPositionals, printJson, runWith } from "../args";
import { type Command, UsageError } from "../command";
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

const usage = `Usage: tourney withdraw REQUEST_ID [options]

Pays out a released unstake request (see \`tourney positions\` for your requests and whether
they are withdrawable). Asks for confirmation unless --yes.

${chainOptionsHelp}

--json: prints {"requestId", "modelId", "staker", "assets", "tx"}`;

export const withdraw: Command = {
  name: "withdraw",
  usage,
  async run(argv) {
    const parsed = parseWithPositionals(argv, chainOptions);
    const { values: v, positionals } = parsed;
    const [idArg] = expectPositionals(positionals, ["REQUEST_ID"]);
    if (!/^\d+$/.test(idArg!)) throw new UsageError("REQUEST_ID must be a number");
    const requestId = BigInt(idArg!);
    return runWith(Boolean(v.json), async () => {
      const account = await loadSigner(v);
      const ctx = await chainContext(v);
      const base = { address: ctx.tournament, abi: tournamentAbi, args: [requestId] } as const;
      const isWithdrawable = () =>
        ctx.publicClient.readContract({ ...base, functionName: "isWithdrawable" });
      const req = await ctx.publicClient.readContract({ ...base, functionName: "unstakeRequest" });
      if (req.staker === "0x0000000000000000000000000000000000000000")
        throw new CliError(`no unstake request ${requestId}`, "unknown_request");
      if (req.staker.toLowerCase() !== account.address.toLowerCase())
        throw new CliError(`request ${requestId} belongs to ${req.staker}`, "not_requester");
      if (req.withdrawn)
        throw new CliError(`request ${requestId} was already withdrawn`, "withdrawn");
      if (!(await isWithdrawable()))
        throw new CliError(
          `request ${requestId} is not released yet: it is released when round ${req.releaseRound} is finalized`,
          "not_released",
        );
      await confirm(
        `Withdraw unstake request ${requestId}${req.assets > 0n ? ` (${tokens(ctx, req.assets)})` : ""}\n  model    ${req.modelId}\n  to       ${account.address}\n  contract ${ctx.tournament} (chain ${ctx.chain.id})`,
        Boolean(v.yes),
      );
      const receipt = await sendTx(ctx, walletFor(ctx, account), {
        address: ctx.tournament,
        abi: tournamentAbi,
        functionName: "withdraw",
        args: [requestId],
      });
      const [ev] = parseEventLogs({
        abi: tournamentAbi,
        eventName: "Withdrawn",
        logs: receipt.logs,
      });
      const assets = ev?.args.assets ?? 0n;
      if (v.json)
        printJson({
          requestId: requestId.toString(),
          modelId: req.modelId,
          staker: account.address,
          assets: assets.toString(),
          tx: receipt.transactionHash,
        });
      else
        process.stdout.write(
          `${color.green("Withdrew")} ${tokens(ctx, assets)} (request ${requestId})\ntx ${receipt.transactionHash}\n`,
        );
      return 0;
    });
  },
};
