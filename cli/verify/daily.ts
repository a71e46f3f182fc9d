import { createHash } from "node:crypto";
import { parseCsvFrame } from "../../formats";
import { type RoundSubmission, scoreRound } from "../../scoring";
import type { Check, RoundBundle } from "./round";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/**
 * Recomputes every published day of daily scores from its provisional targets, with the same
 * submissions, stakes at risk and payout parameters as the final scores: the targets' hashes
 * against the manifest, then CORR, MMC and projected payout of every model to the last bit.
 */
export async function checkDailyScores(
  bundle: RoundBundle,
  input: {
    liveIds: readonly string[];
    submissions: readonly RoundSubmission[];
    params: Parameters<typeof scoreRound>[0]["params"];
  },
): Promise<Check> {
  const days = bundle.daily ?? [];
  const name = "daily scores";
  if (days.length === 0) return { name, ok: true, detail: "no daily scores were published" };
  const diffs: string[] = [];
  const manifest = bundle.manifest.dailyTargets ?? [];
  for (const d of days) {
    const hash = sha256(d.targets);
    const listed = manifest.find((m) => m.day === d.day && m.current);
    if (hash !== d.targetsSha256 || listed?.sha256 !== hash) {
      diffs.push(
        `day ${d.day}: targets file ${hash}, declared ${d.targetsSha256}, manifest ${listed?.sha256 ?? "none"}`,
      );
      continue;
    }
    const targets = await parseCsvFrame(d.targets, `daily targets of day ${d.day}`);
    let recomputed: ReturnType<typeof scoreRound>;
    try {
      recomputed = scoreRound({
        liveIds: input.liveIds,
        targets: { ids: targets.ids, values: targets.columns.target! },
        submissions: input.submissions,
        params: input.params,
      });
    } catch (err) {
      diffs.push(`day ${d.day}: could not recompute: ${(err as Error).message}`);
      continue;
    }
    if (recomputed.size !== d.scores.length) {
      diffs.push(`day ${d.day}: ${d.scores.length} published, ${recomputed.size} recomputed`);
    }
    for (const s of d.scores) {
      const r = recomputed.get(s.modelId);
      if (!r) diffs.push(`day ${d.day} ${s.modelId}: no submission in the bundle`);
      else if (
        r.corr !== s.corr ||
        (s.mmc !== null && r.mmc !== s.mmc) ||
        r.payout.toString() !== s.projectedPayout ||
        r.stakeAtRisk.toString() !== s.stakeAtRisk
      ) {
        diffs.push(
          `day ${d.day} ${s.modelId}: recomputed corr ${r.corr} mmc ${r.mmc} payout ${r.payout}, published corr ${s.corr} mmc ${s.mmc} payout ${s.projectedPayout}`,
        );
      }
    }
  }
  return {
    name,
    ok: diffs.length === 0,
    detail:
      diffs.join("; ") ||
      `${days.length} day(s) recomputed exactly (${days.reduce((a, d) => a + d.scores.length, 0)} daily scores)`,
  };
}
