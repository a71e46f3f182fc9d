import { maxUint256, parseEventLogs } from "viem";
import { tournamentAbi } from "../../contracts/ts";
import { CliError, printJson } from "../args";
import type { Command } from "../command";
import { runModelTx } from "../model-tx";
import { color } from "../ui";
import { chainOptionsHelp, confirm, sendTx, tokens, walletFor } from "../wallet";
import { parseAmount } from "./stake";

const usage = `Usage: tourney unstake --model NAME AMOUNT|all [options]

Requests to unstake AMOUNT tokens' worth of your joined stake on a model (or all of it). The
requested stake is not at risk in rounds that close later but keeps sharing the results of the
rounds already closed; it is released once the last of them is finalized (at once when none is
pending). Deposits still waiting to join cannot be requested. Then \`tourney withdraw REQUEST_ID\`
pays it out. Asks for confirmation unless --yes.

Options:
  --model NAME           model name or 0x id
${chainOptionsHelp}

--json: prints {"requestId", "modelId", "staker", "shares", "releaseRound", "withdrawable", "tx"}`;

export const unstake: Command = {
  name: "unstake",
  usage,
  run: (argv) =>
    runModelTx(
      argv,
      "AMOUNT|all",
      async ({ options: v, arg: amountArg, modelId, account, ctx }) => {
        const all = amountArg === "all";
        const amount = all ? maxUint256 : parseAmount(ctx, amountArg);
        const [, assets] = await ctx.publicClient.readContract({
          address: ctx.tournament,
          abi: tournamentAbi,
          functionName: "positionOf",
          args: [modelId, account.address],
        });
        if (assets === 0n)
          throw new CliError(
            `${account.address} has no joined stake on ${v.model} (deposits still waiting to join cannot be unstaked)`,
            "no_position",
          );
        if (!all && amount > assets)
          throw new CliError(
            `active stake is ${tokens(ctx, assets)}, less than ${tokens(ctx, amount)}`,
            "insufficient_stake",
          );
        await confirm(
          `Unstake ${all ? `all (${tokens(ctx, assets)})` : tokens(ctx, amount)}\n  from model ${v.model}${v.model === modelId ? "" : ` (${modelId})`}\n  staker     ${account.address}\n  contract   ${ctx.tournament} (chain ${ctx.chain.id})`,
          Boolean(v.yes),
        );
        const receipt = await sendTx(ctx, walletFor(ctx, account), {
          address: ctx.tournament,
          abi: tournamentAbi,
          functionName: "requestUnstake",
          args: [modelId, amount],
        });
        const [ev] = parseEventLogs({
          abi: tournamentAbi,
          eventName: "UnstakeRequested",
          logs: receipt.logs,
        });
        if (!ev) throw new CliError(`no UnstakeRequested event in ${receipt.transactionHash}`);
        const { requestId, shares, releaseRound } = ev.args;
        const withdrawable = await ctx.publicClient.readContract({
          address: ctx.tournament,
          abi: tournamentAbi,
          functionName: "isWithdrawable",
          args: [requestId],
        });
        if (v.json)
          printJson({
            requestId: requestId.toString(),
            modelId,
            staker: account.address,
            shares: shares.toString(),
            releaseRound: Number(releaseRound),
            withdrawable,
            tx: receipt.transactionHash,
          });
        else
          process.stdout.write(
            `${color.green("Unstake requested")}: request ${requestId}\n` +
              (withdrawable
                ? `released now: \`tourney withdraw ${requestId}\`\n`
                : `released when round ${releaseRound} is finalized; then \`tourney withdraw ${requestId}\`\n`) +
              `tx ${receipt.transactionHash}\n`,
          );
        return 0;
      },
    ),
};
