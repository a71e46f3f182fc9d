import { createHash } from "node:crypto";
import { type Address, createPublicClient, http } from "viem";
import { tournamentAbi } from "../../contracts/ts";
import { scoresTree, submissionsTree } from "../../contracts/ts/merkle";
import { type DEFAULT_PAYOUT_PARAMS, roundFeatures, scoreRound, toWad } from "../../scoring";
import { parseCsvFrame } from "../../scoring/io";
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

/**
 * Recomputes a round from its public bundle and checks every piece against the chain: data
 * hashes, the submissions tree, stakes at risk, every score and payout, the scores tree and the
 * settlement events. Trusts nothing the operator's database says without a chain anchor.
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
    totalPositivePayout: bigint;
    reserved: bigint;
  };
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

  // 3. Stakes at risk: the bundle's against the chain's settlement events.
  const stakeDiffs: string[] = [];
  for (const s of bundle.scores) {
    const ev = settled.get(s.modelId.toLowerCase());
    if (!ev) stakeDiffs.push(`${s.modelId}: not settled on chain`);
    else if (BigInt(s.stakeAtRisk) !== ev.stakeAtRisk) {
      stakeDiffs.push(`${s.modelId}: bundle ${s.stakeAtRisk}, chain ${ev.stakeAtRisk}`);
    }
  }
  if (settled.size !== bundle.scores.length) {
    stakeDiffs.push(`chain settled ${settled.size} models, bundle has ${bundle.scores.length}`);
  }
  check(
    "stakes at risk",
    stakeDiffs.length === 0,
    stakeDiffs.join("; ") || `${settled.size} models match`,
  );

  // 4. Recompute every score and payout with the scoring library, on the chain's stakes.
  if (withheld) {
    const when = bundle.predictions?.publicAt ?? "never";
    const why = `predictions are not public yet (public at: ${when}); scores cannot be recomputed`;
    for (const name of ["scores", "payouts", "scores root", "settlement events", "daily scores"])
      check(name, false, why);
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
        stakeAtRisk: settled.get(s.modelId.toLowerCase())?.stakeAtRisk ?? 0n,
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
    for (const name of ["scores", "payouts", "scores root", "settlement events", "daily scores"])
      check(name, false, why);
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

  // 5. The scores tree posted at resolution, from the recomputed numbers.
  const leaves = [...recomputed].map(([modelId, r]) => ({
    modelId,
    corrWad: toWad(r.corr),
    mmcWad: toWad(r.mmc),
    ratioWad: r.ratioWad,
    payout: r.payout,
  }));
  const scoresRoot = leaves.length > 0 ? scoresTree(leaves).root : `0x${"0".repeat(64)}`;
  check(
    "scores root",
    lower(scoresRoot) === lower(onChain.scoresRoot),
    `rebuilt ${scoresRoot}, chain ${onChain.scoresRoot}`,
  );

  // 6. What the contract actually did: ratios and (pool-scaled) payouts per model.
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
    if (ev.ratio !== r.ratioWad || ev.payout !== expectPaid) {
      settleDiffs.push(
        `${modelId}: chain ratio ${ev.ratio} payout ${ev.payout}, recomputed ratio ${r.ratioWad} payout ${expectPaid}`,
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
