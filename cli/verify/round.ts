import { createHash } from "node:crypto";
import { type Address, createPublicClient, http } from "viem";
import { tournamentAbi } from "../../contracts/ts";
import {
  type ScoreLeaf,
  scoresMultiProof,
  scoresRoot as scoresRootOf,
  scoresTree,
  submissionsTree,
  verifyScoresMultiProof,
} from "../../contracts/ts/merkle";
import { parseCsvFrame } from "../../formats";
import {
  type DEFAULT_PAYOUT_PARAMS,
  payoutFactor,
  roundFeatures,
  scoreRound,
  toWad,
} from "../../scoring";
import { checkDailyScores } from "./daily";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** The JSON served by `GET /v1/rounds/:n/bundle`. */
export interface RoundBundle {
  round: number;
  params: {
    payoutCap: string;
    corrMultiplier: string;
    mmcMultiplier: string;
    stakeThreshold: string;
    /** Absent in bundles from before FNC was scored in rounds. */
    fncFeatures?: string[] | null;
  };
  manifest: {
    liveSha256: string;
    targetsSha256: string | null;
    submissionsRoot: string | null;
    scoresRoot: string | null;
    /** Every upload of provisional targets; `current` marks those the daily scores use. */
    dailyTargets?: { day: number; sha256: string; uploadedAt: string; current: boolean }[];
  };
  live: string;
  targets: string;
  /** Withheld (csv null) until the operator's delay after resolution has passed. */
  predictions?: { public: boolean; publicAt: string | null };
  submissions: { modelId: string; sha256: string; csv: string | null }[];
  scores: {
    modelId: string;
    corr: number;
    mmc: number | null;
    fnc?: number | null;
    maxFeatureExposure?: number | null;
    maxFeature?: string | null;
    stakeAtRisk: string;
    ratioWad: string;
    payout: string;
  }[];
  /** Daily scores per day, with the provisional targets they were computed on. */
  daily?: {
    day: number;
    targetsSha256: string;
    targets: string;
    scores: {
      modelId: string;
      corr: number;
      mmc: number | null;
      stakeAtRisk: string;
      ratioWad: string;
      projectedPayout: string;
    }[];
  }[];
}

export interface VerifyOptions {
  api: string;
  rpc: string;
  tournament: Address;
  round: number;
  fetch?: typeof fetch;
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const lower = (s: string | null | undefined) => (s ?? "").toLowerCase();

/** Names of the checks that need the recomputed scores (failed together when they cannot run). */
const RECOMPUTED = [
  "scores",
  "payouts",
  "scores root",
  "scores multiproof",
  "payout factor",
  "models at risk",
  "settlement events",
  "daily scores",
];

/**
 * Recomputes a round from its public bundle and checks every piece against the chain: data
 * hashes, the submissions tree, stakes at risk (the chain's own figures at resolution, when they
 * are exact), every score and payout, the scores tree with its (modelId, corr, mmc) leaves and a
 * multiproof of every model at risk against the posted root, the payout factor and number of
 * models at risk posted at resolution, and every settlement event. Trusts nothing the
 * operator's database says without a chain anchor.
 */
export async function verifyRound(opts: VerifyOptions): Promise<Check[]> {
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const res = await (opts.fetch ?? fetch)(
    `${opts.api.replace(/\/$/, "")}/v1/rounds/${opts.round}/bundle`,
  );
  if (!res.ok)
    throw new Error(`bundle of round ${opts.round}: HTTP ${res.status} ${await res.text()}`);
  const bundle = (await res.json()) as RoundBundle;

  const client = createPublicClient({ transport: http(opts.rpc) });
  const onChain = (await client.readContract({
    address: opts.tournament,
    abi: tournamentAbi,
    functionName: "round",
    args: [BigInt(opts.round)],
  })) as unknown as {
    status: number;
    liveDataHash: string;
    targetsHash: string;
    submissionsRoot: string;
    scoresRoot: string;
    payoutFactor: bigint;
    totalPositivePayout: bigint;
    modelsAtRisk: bigint;
    reserved: bigint;
  };
  const [resolved] = await client.getContractEvents({
    address: opts.tournament,
    abi: tournamentAbi,
    eventName: "RoundResolved",
    args: { roundId: BigInt(opts.round) } as never,
    fromBlock: 0n,
  });
  const events = await client.getContractEvents({
    address: opts.tournament,
    abi: tournamentAbi,
    eventName: "ModelSettled",
    args: { roundId: BigInt(opts.round) } as never,
    fromBlock: 0n,
  });
  const settled = new Map(
    events.map((e) => {
      const a = e.args as { modelId: string; stakeAtRisk: bigint; ratio: bigint; payout: bigint };
      return [a.modelId.toLowerCase(), a];
    }),
  );

  // 1. Data provenance.
  const liveHash = sha256(bundle.live);
  check(
    "live data hash",
    liveHash === bundle.manifest.liveSha256 && `0x${liveHash}` === lower(onChain.liveDataHash),
    `bundle file ${liveHash}, manifest ${bundle.manifest.liveSha256}, chain ${onChain.liveDataHash}`,
  );
  const targetsHash = sha256(bundle.targets);
  check(
    "targets hash",
    targetsHash === bundle.manifest.targetsSha256 &&
      `0x${targetsHash}` === lower(onChain.targetsHash),
    `bundle file ${targetsHash}, manifest ${bundle.manifest.targetsSha256}, chain ${onChain.targetsHash}`,
  );

  // 2. Submissions: content hashes and the tree committed at close.
  const withheld = bundle.submissions.some((s) => s.csv === null);
  const badContent = bundle.submissions
    .filter((s) => s.csv !== null && sha256(s.csv) !== s.sha256)
    .map((s) => s.modelId);
  check(
    "submission contents",
    badContent.length === 0,
    badContent.length === 0
      ? withheld
        ? "predictions withheld by the operator; hashes checked through the submissions root only"
        : `${bundle.submissions.length} submissions hash to their declared SHA-256`
      : `content differs from its declared SHA-256 for model(s) ${badContent.join(", ")}`,
  );
  const root =
    bundle.submissions.length > 0
      ? submissionsTree(bundle.submissions).root
      : `0x${"0".repeat(64)}`;
  check(
    "submissions root",
    lower(root) === lower(onChain.submissionsRoot),
    `rebuilt ${root}, chain ${onChain.submissionsRoot}`,
  );

  // 3. Stakes at risk: the chain's own figures where they are exact (at resolution: the round
  // before is final then and no model is settled yet, R2), the settlement events and the bundle.
  const chainStakes = await stakesAtResolution(
    client,
    opts.tournament,
    opts.round,
    resolved?.blockNumber ?? null,
    bundle.scores.map((s) => s.modelId),
  );
  const stakeDiffs: string[] = [];
  for (const [i, s] of bundle.scores.entries()) {
    const stake = BigInt(s.stakeAtRisk);
    const ev = settled.get(s.modelId.toLowerCase());
    const onChain = chainStakes?.[i];
    if (onChain !== undefined && onChain !== stake)
      stakeDiffs.push(`${s.modelId}: bundle ${s.stakeAtRisk}, chain at resolution ${onChain}`);
    if (stake > 0n && !ev) stakeDiffs.push(`${s.modelId}: at risk but not settled on chain`);
    else if (ev && ev.stakeAtRisk !== stake)
      stakeDiffs.push(`${s.modelId}: bundle ${s.stakeAtRisk}, settled with ${ev.stakeAtRisk}`);
  }
  // The stakes the recomputation uses: the chain's own at resolution, else the settled figures.
  const exactStakes = new Map<string, bigint>();
  if (chainStakes)
    for (const [i, s] of bundle.scores.entries())
      exactStakes.set(s.modelId.toLowerCase(), chainStakes[i]!);
  const scored = new Set(bundle.scores.map((s) => s.modelId.toLowerCase()));
  for (const id of settled.keys())
    if (!scored.has(id)) stakeDiffs.push(`${id}: settled on chain but has no score in the bundle`);
  check(
    "stakes at risk",
    stakeDiffs.length === 0,
    stakeDiffs.join("; ") ||
      `${settled.size} models settled with their stakes${chainStakes ? ", equal to the chain's at resolution" : ""}`,
  );

  // 4. Recompute every score and payout with the scoring library, on the chain's stakes.
  if (withheld) {
    const when = bundle.predictions?.publicAt ?? "never";
    const why = `predictions are not public yet (public at: ${when}); scores cannot be recomputed`;
    for (const name of RECOMPUTED) check(name, false, why);
    return checks;
  }
  const live = await parseCsvFrame(bundle.live, "live file");
  const targets = await parseCsvFrame(bundle.targets, "targets file");
  const params = {
    payoutCap: BigInt(bundle.params.payoutCap),
    corrMultiplier: BigInt(bundle.params.corrMultiplier),
    mmcMultiplier: BigInt(bundle.params.mmcMultiplier),
    stakeThreshold: BigInt(bundle.params.stakeThreshold),
  } satisfies typeof DEFAULT_PAYOUT_PARAMS;
  const subs = await Promise.all(
    bundle.submissions.map(async (s) => {
      const f = await parseCsvFrame(s.csv!, `submission of ${s.modelId}`);
      return {
        modelId: s.modelId,
        ids: f.ids,
        predictions: f.columns.prediction!,
        stakeAtRisk:
          exactStakes.get(s.modelId.toLowerCase()) ??
          settled.get(s.modelId.toLowerCase())?.stakeAtRisk ??
          0n,
      };
    }),
  );
  let recomputed: ReturnType<typeof scoreRound>;
  try {
    recomputed = scoreRound({
      liveIds: live.ids,
      targets: { ids: targets.ids, values: targets.columns.target! },
      submissions: subs,
      ...roundFeatures(live, bundle.params.fncFeatures),
      params,
    });
  } catch (err) {
    // The published data does not even score (e.g. live ids that no submission covers).
    const why = `could not recompute the round from the bundle: ${(err as Error).message}`;
    for (const name of RECOMPUTED) check(name, false, why);
    return checks;
  }
  const scoreDiffs: string[] = [];
  const payoutDiffs: string[] = [];
  for (const s of bundle.scores) {
    const r = recomputed.get(s.modelId);
    if (!r) {
      scoreDiffs.push(`${s.modelId}: no submission in the bundle`);
      continue;
    }
    if (r.corr !== s.corr || (s.mmc !== null && r.mmc !== s.mmc)) {
      scoreDiffs.push(
        `${s.modelId}: recomputed corr ${r.corr} mmc ${r.mmc}, published corr ${s.corr} mmc ${s.mmc}`,
      );
    }
    // FNC and exposure pay nothing; they are recomputed to 1e-12 (the neutralizer's kernels may
    // sum in another order on another machine), CORR and MMC bit for bit.
    const near = (a: number | undefined, b: number | null | undefined) =>
      b === undefined ||
      (b === null ? a === undefined : a !== undefined && Math.abs(a - b) <= 1e-12);
    if (!near(r.fnc, s.fnc) || !near(r.maxFeatureExposure, s.maxFeatureExposure)) {
      scoreDiffs.push(
        `${s.modelId}: recomputed fnc ${r.fnc} exposure ${r.maxFeatureExposure}, published fnc ${s.fnc} exposure ${s.maxFeatureExposure}`,
      );
    }
    if (r.payout.toString() !== s.payout || r.ratioWad.toString() !== s.ratioWad) {
      payoutDiffs.push(`${s.modelId}: recomputed payout ${r.payout}, published ${s.payout}`);
    }
  }
  check(
    "scores",
    scoreDiffs.length === 0,
    scoreDiffs.join("; ") || `${recomputed.size} models recomputed exactly`,
  );
  check(
    "payouts",
    payoutDiffs.length === 0,
    payoutDiffs.join("; ") || "every payout recomputed to the wei",
  );

  // 5. The scores tree posted at resolution, from the recomputed numbers, and a multiproof of
  // every model at risk against the root on chain (what `settle` checks).
  const leaves: ScoreLeaf[] = [...recomputed].map(([modelId, r]) => ({
    modelId: modelId as `0x${string}`,
    corr: toWad(r.corr),
    mmc: toWad(r.mmc ?? 0),
  }));
  const scoresRoot = scoresRootOf(leaves);
  check(
    "scores root",
    lower(scoresRoot) === lower(onChain.scoresRoot),
    `rebuilt ${scoresRoot}, chain ${onChain.scoresRoot}`,
  );
  const atRisk = [...recomputed].filter(([, r]) => r.stakeAtRisk > 0n).map(([id]) => id);
  if (atRisk.length === 0) {
    check("scores multiproof", true, "no model at risk: nothing to prove");
  } else {
    const batch = scoresMultiProof(scoresTree(leaves), atRisk);
    const ok = verifyScoresMultiProof(onChain.scoresRoot, batch);
    check(
      "scores multiproof",
      ok,
      ok
        ? `the ${atRisk.length} leaves at risk prove against the chain's root (${batch.proof.length} proof hashes)`
        : "the recomputed leaves of the models at risk do not prove against the chain's root",
    );
  }

  // 6. What was posted at resolution and what the contract did with it.
  const totalStake = [...recomputed.values()].reduce((a, r) => a + r.stakeAtRisk, 0n);
  const factor = payoutFactor(totalStake, params.stakeThreshold);
  check(
    "payout factor",
    factor === onChain.payoutFactor,
    `posted ${onChain.payoutFactor}, recomputed ${factor} (threshold ${params.stakeThreshold}, total stake at risk ${totalStake})`,
  );
  check(
    "models at risk",
    BigInt(atRisk.length) === onChain.modelsAtRisk && settled.size === atRisk.length,
    `posted ${onChain.modelsAtRisk}, recomputed ${atRisk.length}, settled on chain ${settled.size}`,
  );
  const total = [...recomputed.values()].reduce((a, r) => (r.payout > 0n ? a + r.payout : a), 0n);
  const settleDiffs: string[] = [];
  if (total !== onChain.totalPositivePayout) {
    settleDiffs.push(`declared positive total ${onChain.totalPositivePayout}, recomputed ${total}`);
  }
  for (const [modelId, r] of recomputed) {
    const ev = settled.get(modelId.toLowerCase());
    if (!ev) continue;
    const expectPaid =
      r.payout > 0n && onChain.reserved < onChain.totalPositivePayout
        ? (r.payout * onChain.reserved) / onChain.totalPositivePayout
        : r.payout;
    if (ev.stakeAtRisk !== r.stakeAtRisk || ev.ratio !== r.ratioWad || ev.payout !== expectPaid) {
      settleDiffs.push(
        `${modelId}: chain stake ${ev.stakeAtRisk} ratio ${ev.ratio} payout ${ev.payout}, recomputed stake ${r.stakeAtRisk} ratio ${r.ratioWad} payout ${expectPaid}`,
      );
    }
  }
  check(
    "settlement events",
    settleDiffs.length === 0,
    settleDiffs.join("; ") || `${settled.size} settlements match`,
  );

  // 7. Daily scores, recomputed from each day's provisional targets on the same inputs.
  checks.push(await checkDailyScores(bundle, { liveIds: live.ids, submissions: subs, params }));
  return checks;
}

/**
 * The chain's stakes at risk in a round as they stood when it was resolved (the block of its
 * RoundResolved event): exact then (R2). Null when the round is not resolved or the node cannot
 * serve that block's state (e.g. a pruned node), so the check falls back to the events.
 */
async function stakesAtResolution(
  client: ReturnType<typeof createPublicClient>,
  tournament: Address,
  round: number,
  block: bigint | null,
  modelIds: string[],
): Promise<readonly bigint[] | null> {
  if (block === null || modelIds.length === 0) return null;
  try {
    return await client.readContract({
      address: tournament,
      abi: tournamentAbi,
      functionName: "stakesAtRisk",
      args: [BigInt(round), modelIds as `0x${string}`[]],
      blockNumber: block,
    });
  } catch {
    return null;
  }
}
