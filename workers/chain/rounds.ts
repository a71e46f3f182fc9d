import { BaseError, ContractFunctionRevertedError } from "viem";
import { ChainRoundStatus } from "../context";
import type { Chain } from "./client";

/** The on-chain status of a round (ChainRoundStatus), read from the contract. */
export async function chainRoundStatus(chain: Chain, round: number): Promise<number> {
  const r = await chain.read<{ status: number }>("round", [BigInt(round)]);
  return Number(r.status);
}

/** Whether a round's status on chain counts as finalized (settled or cancelled). */
export const isFinal = (status: number) =>
  status === ChainRoundStatus.Settled || status === ChainRoundStatus.Cancelled;

/** Model ids per `stakesAtRisk` call: one eth_call each, far below any node's limits. */
const STAKES_CHUNK = 500;

/**
 * Stake at risk of each model in a closed round (the contract's `stakesAtRisk`, in chunks).
 * Exact only once the round before it is finalized on chain (R2): see `previousRoundFinal`.
 */
export async function stakesAtRisk(
  chain: Chain,
  round: number,
  modelIds: string[],
): Promise<bigint[]> {
  const chunks: string[][] = [];
  for (let i = 0; i < modelIds.length; i += STAKES_CHUNK)
    chunks.push(modelIds.slice(i, i + STAKES_CHUNK));
  const parts = await Promise.all(
    chunks.map((ids) => chain.read<readonly bigint[]>("stakesAtRisk", [BigInt(round), ids])),
  );
  return parts.flat();
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

export interface ChainRound {
  status: number;
  seq: number;
  submissionsRoot: string;
  scoresRoot: string;
  liveDataHash: string;
  targetsHash: string;
  payoutFactor: bigint;
  totalPositivePayout: bigint;
  modelsAtRisk: bigint;
  modelsSettled: bigint;
  reserved: bigint;
}

/** The round as recorded on chain (roots, hashes and resolution figures included). */
export async function chainRound(chain: Chain, round: number): Promise<ChainRound> {
  const r = await chain.read<ChainRound>("round", [BigInt(round)]);
  return { ...r, status: Number(r.status), seq: Number(r.seq) };
}

/**
 * Whether every round opened on chain before `round` is finalized or cancelled (rounds finalize
 * in opening order, so: whether the last finalized one is the round right before it). From
 * then on the round can be resolved and its stakes at risk are exact (R2, R3).
 */
export async function previousRoundFinal(chain: Chain, round: number): Promise<boolean> {
  const { seq } = await chainRound(chain, round);
  if (seq <= 1) return true;
  const last = Number(await chain.read<bigint>("lastFinalizedRound"));
  if (last === 0) return false;
  return (await chainRound(chain, last)).seq >= seq - 1;
}

/** Whether every round opened on chain before `round` is closed: the next one `closeRound` takes. */
export async function nextToClose(chain: Chain, round: number): Promise<boolean> {
  const { seq } = await chainRound(chain, round);
  if (seq <= 1) return true;
  const last = Number(await chain.read<bigint>("lastClosedRound"));
  if (last === 0) return false;
  return (await chainRound(chain, last)).seq >= seq - 1;
}

/** The contract's custom error name behind a failed call or estimate, if it reverted with one. */
export function revertName(err: unknown): string | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
  return reverted instanceof ContractFunctionRevertedError
    ? (reverted.data?.errorName ?? reverted.reason ?? "revert")
    : undefined;
}
