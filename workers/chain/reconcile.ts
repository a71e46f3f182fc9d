import type { Hash } from "viem";
import { listRounds, type RoundSummary } from "../../db";
import { ChainRoundStatus } from "../context";
import type { Chain } from "./client";
import { chainRound } from "./rounds";

/** Something the database recorded about a round that the chain does not hold. */
export interface Divergence {
  round: number;
  step: "open" | "close" | "resolve" | "finalize";
  problem: string;
}

const STATUS_NAMES = ["none", "open", "closed", "resolved", "settled", "cancelled"];
const isTxHash = (tx: string) => /^0x[0-9a-fA-F]{64}$/.test(tx);
const same = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? "").toLowerCase().replace(/^0x/, "") === (b ?? "").toLowerCase().replace(/^0x/, "");

/**
 * Checks what the database believes about each round against the chain: every recorded
 * transaction still has a receipt, the round's status on chain is at least the recorded step
 * (a cancelled round counts as past every step but a finalization the database recorded as
 * its own, and a round the database records as cancelled must be cancelled on chain), and its
 * anchors (live data hash, submissions root, targets hash, scores root) are the ones
 * recorded. Read only: returns what differs (an empty list when they agree). A local chain
 * restarted without its state (a crash before anvil dumped it) shows up here.
 */
export async function chainDivergences(
  db: Parameters<typeof listRounds>[0],
  chain: Chain,
  opts: { rounds?: number } = {},
): Promise<Divergence[]> {
  const rounds = await listRounds(db, { limit: opts.rounds ?? 100 });
  const out: Divergence[] = [];
  for (const r of rounds) out.push(...(await roundDivergences(chain, r)));
  return out.sort((a, b) => a.round - b.round);
}

async function roundDivergences(chain: Chain, r: RoundSummary): Promise<Divergence[]> {
  const steps: { step: Divergence["step"]; tx: string | null; status: number }[] = [
    { step: "open", tx: r.openTx, status: ChainRoundStatus.Open },
    { step: "close", tx: r.closeTx, status: ChainRoundStatus.Closed },
    { step: "resolve", tx: r.resolveTx, status: ChainRoundStatus.Resolved },
    { step: "finalize", tx: r.finalizeTx, status: ChainRoundStatus.Settled },
  ];
  const recorded = steps.filter((s) => s.tx);
  if (recorded.length === 0) return [];
  const out: Divergence[] = [];
  const on = await chainRound(chain, r.number);
  const status = Number(on.status);
  if (r.status === "cancelled" && status !== ChainRoundStatus.Cancelled)
    out.push({
      round: r.number,
      step: "finalize",
      problem: `recorded as cancelled, but the round is ${STATUS_NAMES[status] ?? status} on chain`,
    });
  for (const s of recorded) {
    const bad = (problem: string) => out.push({ round: r.number, step: s.step, problem });
    if (isTxHash(s.tx!)) {
      const receipt = await chain.publicClient
        .getTransactionReceipt({ hash: s.tx as Hash })
        .catch(() => null);
      if (!receipt) bad(`transaction ${s.tx} is not on chain`);
      else if (receipt.status !== "success") bad(`transaction ${s.tx} reverted`);
    }
    if (status < s.status) {
      bad(`recorded as done, but the round is ${STATUS_NAMES[status] ?? status} on chain`);
      continue;
    }
    if (s.step === "finalize" && status === ChainRoundStatus.Cancelled) {
      bad("recorded as finalized, but the round was cancelled on chain");
      continue;
    }
    if (s.step === "open" && !same(on.liveDataHash, r.liveSha256))
      bad(`live data hash on chain ${on.liveDataHash} is not the recorded ${r.liveSha256}`);
    if (s.step === "close" && !same(on.submissionsRoot, r.submissionsRoot))
      bad(
        `submissions root on chain ${on.submissionsRoot} is not the recorded ${r.submissionsRoot}`,
      );
    if (s.step === "resolve") {
      if (r.targetsSha256 && !same(on.targetsHash, r.targetsSha256))
        bad(`targets hash on chain ${on.targetsHash} is not the recorded ${r.targetsSha256}`);
      if (r.scoresRoot && !same(on.scoresRoot, r.scoresRoot))
        bad(`scores root on chain ${on.scoresRoot} is not the recorded ${r.scoresRoot}`);
    }
  }
  return out;
}

/** A message for people: what differs and what to do about it. */
export function describeDivergences(list: Divergence[]): string {
  const lines = list.map((d) => `  round ${d.round} ${d.step}: ${d.problem}`);
  return [
    "The database and the chain disagree:",
    ...lines,
    "The chain lost state the database relies on (e.g. a local chain restarted without its state",
    "file after a crash). Restore the chain's state, or start over with a fresh database and chain",
    "(for npm start: delete the data directory, .tourney/ by default).",
  ].join("\n");
}
