import { type Address, getAddress, type Hex, isAddress } from "viem";
import { tournamentAbi } from "../../contracts/ts";
import { CliError, expectPositionals, parseWithPositionals, printJson, runWith } from "../args";
import { type Command, UsageError } from "../command";
import { apiContext, resolveModel } from "../config";
import { color, formatTable } from "../ui";
import { chainContext, chainOptions, chainOptionsHelp, loadSigner, tokens } from "../wallet";

const usage = `Usage: tourney positions [--address ADDRESS] [--model NAME] [--from-block N] [options]

Your stakes and unstake requests, read from chain: every model you have staked on (found from
the Staked events since --from-block) with your active shares and their value, and your unstake
requests with their release round and whether they can be withdrawn. The address is --address,
else the one of your signing key (TOURNEY_PRIVATE_KEY or --keystore).

Options:
  --address ADDRESS      whose positions (no key needed)
  --model NAME           only this model (name or 0x id)
  --from-block N         first block to search for events (default 0)
${chainOptionsHelp}

--json: prints {"staker", "positions": [{"modelId", "name", "shares", "assets"}],
        "requests": [{"requestId", "modelId", "shares", "assets", "releaseRound", "withdrawn",
        "withdrawable"}]} with amounts in wei as strings`;

export const positions: Command = {
  name: "positions",
  usage,
  async run(argv) {
    const parsed = parseWithPositionals(argv, {
      ...chainOptions,
      address: { type: "string" },
      model: { type: "string" },
      "from-block": { type: "string" },
    });
    const { values: v, positionals } = parsed;
    expectPositionals(positionals, []);
    const fromBlock = BigInt(v["from-block"] ?? "0");
    if (v.address && !isAddress(v.address, { strict: false }))
      throw new UsageError(`--address is not an address: ${v.address}`);
    return runWith(Boolean(v.json), async () => {
      if (!v.address && !v.keystore && !process.env.TOURNEY_PRIVATE_KEY)
        throw new CliError(
          "whose positions? pass --address, or set TOURNEY_PRIVATE_KEY / --keystore",
          "no_address",
        );
      const staker: Address = v.address ? getAddress(v.address) : (await loadSigner(v)).address;
      const api = apiContext(v);
      const only = v.model ? await resolveModel(api, v.model) : undefined;
      const ctx = await chainContext(v);
      const base = { address: ctx.tournament, abi: tournamentAbi, fromBlock } as const;
      const [staked, requested] = await Promise.all([
        ctx.publicClient.getContractEvents({ ...base, eventName: "Staked", args: { staker } }),
        ctx.publicClient.getContractEvents({
          ...base,
          eventName: "UnstakeRequested",
          args: { staker },
        }),
      ]);
      const modelIds = new Set<Hex>(staked.map((e) => e.args.modelId!));
      if (only) {
        for (const id of [...modelIds]) if (id.toLowerCase() !== only) modelIds.delete(id);
        modelIds.add(only);
      }
      const names = new Map<string, string>();
      await Promise.all(
        [...modelIds].map(async (id) => {
          const m = await api.client.models.get(id).catch(() => undefined);
          if (m) names.set(id.toLowerCase(), m.name);
        }),
      );
      const pos = [];
      for (const modelId of modelIds) {
        const [shares, assets] = await ctx.publicClient.readContract({
          address: ctx.tournament,
          abi: tournamentAbi,
          functionName: "positionOf",
          args: [modelId, staker],
        });
        if (shares === 0n && !only) continue;
        pos.push({ modelId, name: names.get(modelId.toLowerCase()) ?? null, shares, assets });
      }
      const requests = [];
      for (const e of requested) {
        const requestId = e.args.requestId!;
        if (only && e.args.modelId!.toLowerCase() !== only) continue;
        const [req, withdrawable] = await Promise.all([
          ctx.publicClient.readContract({
            address: ctx.tournament,
            abi: tournamentAbi,
            functionName: "unstakeRequest",
            args: [requestId],
          }),
          ctx.publicClient.readContract({
            address: ctx.tournament,
            abi: tournamentAbi,
            functionName: "isWithdrawable",
            args: [requestId],
          }),
        ]);
        requests.push({
          requestId,
          modelId: req.modelId,
          shares: req.shares,
          assets: req.assets,
          releaseRound: Number(req.releaseRound),
          withdrawn: req.withdrawn,
          withdrawable: withdrawable && !req.withdrawn,
        });
      }
      if (v.json) {
        printJson({ staker, positions: pos, requests });
        return 0;
      }
      const label = (id: string) => names.get(id.toLowerCase()) ?? `${id.slice(0, 10)}…`;
      process.stdout.write(`${color.bold("Staker")} ${staker}\n\n`);
      process.stdout.write(
        pos.length === 0
          ? "No active stakes\n"
          : `${formatTable(
              ["model", "stake", "shares"],
              pos.map((p) => [label(p.modelId), tokens(ctx, p.assets), p.shares.toString()]),
            )}\n`,
      );
      if (requests.length > 0) {
        process.stdout.write(
          `\n${formatTable(
            ["request", "model", "release round", "state", "amount"],
            requests.map((r) => [
              r.requestId.toString(),
              label(r.modelId),
              r.releaseRound === 0 ? "-" : String(r.releaseRound),
              r.withdrawn ? "withdrawn" : r.withdrawable ? "withdrawable" : "pending",
              r.assets > 0n ? tokens(ctx, r.assets) : "-",
            ]),
          )}\n`,
        );
      }
      return 0;
    });
  },
};
