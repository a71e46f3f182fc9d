import type { Chain } from "./client";

/** The on-chain status of a round (ChainRoundStatus), read from the contract. */
export async function chainRoundStatus(chain: Chain, round: number): Promise<number> {
  const r = await chain.read<{ status: number }>("round", [BigInt(round)]);
  return Number(r.status);
}

/** Stake at risk of each model in a closed round, read in one batched round trip. */
export async function stakesAtRisk(
  chain: Chain,
  round: number,
  modelIds: string[],
): Promise<bigint[]> {
  return Promise.all(modelIds.map((id) => chain.read<bigint>("stakeAtRisk", [BigInt(round), id])));
}

/** Models already settled on chain in a round: settlement checks this, so a retry never repeats one. */
export async function settledModels(chain: Chain, round: number): Promise<Set<string>> {
  const logs = await chain.publicClient.getContractEvents({
    address: chain.tournament,
    abi: (await import("../../contracts/ts")).tournamentAbi,
    eventName: "ModelSettled",
    args: { roundId: BigInt(round) } as never,
    fromBlock: 0n,
  });
  return new Set(
    logs.map((l) => (l as unknown as { args: { modelId: string } }).args.modelId.toLowerCase()),
  );
}
