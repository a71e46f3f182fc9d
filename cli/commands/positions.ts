import { type Address, getAddress, type Hex, isAddress } from "viem";
import { tournamentAbi } from "../../contracts/ts";
import { CliError, expectPositionals, parseWithPositionals, printJson, runWith } from "../args";
import { type Command, UsageError } from "../command";
import { apiContext, resolveModel } from "../config";
import { color, formatTable } from "../ui";
import { chainContext, chainOptions, chainOptionsHelp, loadSigner, tokens } from "../wallet";

const usage = `Usage: tourney positions [--address ADDRESS] [--model NAME] [--from-block N] [options]

Your stakes and unstake requests, read from chain: every model you have staked on (found from
the Staked events since --from-block) with four figures:
  at risk          value now of your joined shares not requested for unstake (what rounds that
                   close from now on put at risk)
  waiting          deposits made while a round was closed and unfinalized: they take no part in
                   the rounds already closed and join once the round shown is finalized
  pending release  unstake requests not released yet (still sharing the results of the rounds
                   closed before the request), valued now, with the rounds they wait for
  withdrawable     released requests not withdrawn yet: \`tourney withdraw ID\` pays them
and then every unstake request with its state. The address is --address, else the one of your
signing key (TOURNEY_PRIVATE_KEY or --keystore).

Options:
  --address ADDRESS      whose positions (no key needed)
  --model NAME           only this model (name or 0x id)
  --from-block N         first block to search for events (default 0)
${chainOptionsHelp}

--json: prints {"staker", "positions": [{"modelId", "name", "shares", "assets", "atRisk",
        "waiting": {"assets", "untilRound"}, "pendingRelease": {"assets", "shares", "requests":
        [{"requestId", "shares", "releaseRound"}]}, "withdrawable": {"assets", "requests":
        [{"requestId", "assets"}]}}], "requests": [{"requestId", "modelId", "shares", "assets",
        "releaseRound", "withdrawn", "withdrawable"}]} with amounts in wei as strings`;

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
      const read = <T>(functionName: string, args: readonly unknown[]) =>
        ctx.publicClient.readContract({
          address: ctx.tournament,
          abi: tournamentAbi,
          functionName: functionName as never,
          args: args as never,
        }) as Promise<T>;
      const requests = [];
      for (const e of requested) {
        const requestId = e.args.requestId!;
        if (only && e.args.modelId!.toLowerCase() !== only) continue;
        const [req, withdrawable] = await Promise.all([
          read<{
            modelId: Hex;
            shares: bigint;
            assets: bigint;
            releaseRound: bigint;
            withdrawn: boolean;
          }>("unstakeRequest", [requestId]),
          read<boolean>("isWithdrawable", [requestId]),
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
      const pos = [];
      for (const modelId of modelIds) {
        const [d, pool] = await Promise.all([
          read<{
            shares: bigint;
            assets: bigint;
            waitingAssets: bigint;
            waitingUntilRound: bigint;
          }>("positionDetails", [modelId, staker]),
          read<{ totalAssets: bigint; totalShares: bigint }>("modelStake", [modelId]),
        ]);
        const mine = requests.filter((r) => r.modelId.toLowerCase() === modelId.toLowerCase());
        const pending = mine.filter((r) => !r.withdrawn && !r.withdrawable);
        const ready = mine.filter((r) => r.withdrawable);
        const pendingShares = pending.reduce((a, r) => a + r.shares, 0n);
        if (
          d.shares === 0n &&
          d.waitingAssets === 0n &&
          pending.length === 0 &&
          ready.length === 0 &&
          !only
        )
          continue;
        pos.push({
          modelId,
          name: names.get(modelId.toLowerCase()) ?? null,
          shares: d.shares,
          assets: d.assets,
          atRisk: d.assets,
          waiting: {
            assets: d.waitingAssets,
            untilRound: d.waitingAssets > 0n ? Number(d.waitingUntilRound) : null,
          },
          pendingRelease: {
            shares: pendingShares,
            // Valued at today's price: they leave at the price of their release round.
            assets: (pendingShares * (pool.totalAssets + 1n)) / (pool.totalShares + 1n),
            requests: pending.map((r) => ({
              requestId: r.requestId,
              shares: r.shares,
              releaseRound: r.releaseRound,
            })),
          },
          withdrawable: {
            assets: ready.reduce((a, r) => a + r.assets, 0n),
            requests: ready.map((r) => ({ requestId: r.requestId, assets: r.assets })),
          },
        });
      }
      if (v.json) {
        printJson({ staker, positions: pos, requests });
        return 0;
      }
      const label = (id: string) => names.get(id.toLowerCase()) ?? `${id.slice(0, 10)}…`;
      const rounds = (xs: { releaseRound: number }[]) =>
        [...new Set(xs.map((r) => r.releaseRound))].join(", ");
      process.stdout.write(`${color.bold("Staker")} ${staker}\n\n`);
      process.stdout.write(
        pos.length === 0
          ? "No stakes\n"
          : `${formatTable(
              ["model", "at risk", "waiting", "pending release", "withdrawable"],
              pos.map((p) => [
                label(p.modelId),
                tokens(ctx, p.atRisk),
                p.waiting.untilRound === null
                  ? "-"
                  : `${tokens(ctx, p.waiting.assets)} (joins after round ${p.waiting.untilRound})`,
                p.pendingRelease.requests.length === 0
                  ? "-"
                  : `${tokens(ctx, p.pendingRelease.assets)} (round ${rounds(p.pendingRelease.requests)})`,
                p.withdrawable.requests.length === 0
                  ? "-"
                  : `${tokens(ctx, p.withdrawable.assets)} (request ${p.withdrawable.requests.map((r) => r.requestId).join(", ")})`,
              ]),
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
