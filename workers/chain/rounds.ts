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
export async function settledModels(
  chain: Chain,
  round: number,
  modelIds: string[],
): Promise<Set<string>> {
  const flags = await Promise.all(
    modelIds.map((id) => chain.read<boolean>("isSettled", [BigInt(round), id])),
  );
  return new Set(modelIds.filter((_, i) => flags[i]).map((id) => id.toLowerCase()));
}

/** The round as recorded on chain (roots and hashes included). */
export async function chainRound(chain: Chain, round: number) {
  return chain.read<{
    status: number;
    submissionsRoot: string;
    scoresRoot: string;
    liveDataHash: string;
    targetsHash: string;
  }>("round", [BigInt(round)]);
}
