import { type Hex, parseEventLogs, parseUnits } from "viem";
import { stakeTokenAbi, tournamentAbi } from "../../contracts/ts";
import { CliError, printJson } from "../args";
import { type Command, UsageError } from "../command";
import { runModelTx } from "../model-tx";
import { color } from "../ui";
import { type ChainContext, chainOptionsHelp, confirm, sendTx, tokens, walletFor } from "../wallet";

const usage = `Usage: tourney stake --model NAME AMOUNT [options]

Stakes AMOUNT tokens (decimal, e.g. 250 or 12.5) on a model: approves the Tournament for the
amount when the allowance is short, then calls stake(modelId, amount). Asks for confirmation
showing the amount, the model and your address unless --yes.

Options:
  --model NAME           model name or 0x id (any model, not only yours)
${chainOptionsHelp}

--json: prints {"modelId", "staker", "amount", "shares", "approveTx", "tx"} (wei as strings)`;

export function parseAmount(ctx: ChainContext, s: string): bigint {
  if (!/^\d+(\.\d+)?$/.test(s)) throw new UsageError(`AMOUNT must be a decimal number, got ${s}`);
  const wei = parseUnits(s, ctx.decimals);
  if (wei === 0n) throw new UsageError("AMOUNT must be more than 0");
  return wei;
}

export const stake: Command = {
  name: "stake",
  usage,
  run: (argv) =>
    runModelTx(argv, "AMOUNT", async ({ options: v, arg: amountArg, modelId, account, ctx }) => {
      const amount = parseAmount(ctx, amountArg);
      const balance = await ctx.publicClient.readContract({
        address: ctx.token,
        abi: stakeTokenAbi,
        functionName: "balanceOf",
        args: [account.address],
      });
      if (balance < amount)
        throw new CliError(
          `balance ${tokens(ctx, balance)} is less than ${tokens(ctx, amount)}`,
          "insufficient_balance",
        );
      await confirm(
        `Stake ${tokens(ctx, amount)}\n  on model  ${v.model}${v.model === modelId ? "" : ` (${modelId})`}\n  from      ${account.address}\n  contract  ${ctx.tournament} (chain ${ctx.chain.id})`,
        Boolean(v.yes),
      );
      const wallet = walletFor(ctx, account);
      const allowance = await ctx.publicClient.readContract({
        address: ctx.token,
        abi: stakeTokenAbi,
        functionName: "allowance",
        args: [account.address, ctx.tournament],
      });
      let approveTx: Hex | null = null;
      if (allowance < amount) {
        approveTx = (
          await sendTx(ctx, wallet, {
            address: ctx.token,
            abi: stakeTokenAbi,
            functionName: "approve",
            args: [ctx.tournament, amount],
          })
        ).transactionHash;
      }
      const receipt = await sendTx(ctx, wallet, {
        address: ctx.tournament,
        abi: tournamentAbi,
        functionName: "stake",
        args: [modelId, amount],
      });
      const [ev] = parseEventLogs({
        abi: tournamentAbi,
        eventName: "Staked",
        logs: receipt.logs,
      });
      const shares = ev?.args.shares ?? 0n;
      if (v.json)
        printJson({
          modelId,
          staker: account.address,
          amount: amount.toString(),
          shares: shares.toString(),
          approveTx,
          tx: receipt.transactionHash,
        });
      else
        process.stdout.write(
          `${color.green("Staked")} ${tokens(ctx, amount)} on ${v.model}\ntx ${receipt.transactionHash}\n`,
        );
      return 0;
    }),
};
