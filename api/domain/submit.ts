import { forgetIntakeRound, intakeRound, rememberedIntakeRound, storeSubmission } from "../../db";
import { canonicalCsvFast, prepareCsvFast } from "../../formats/csv-canonical";
import { DomainError } from "../errors";
import { sha256Hex } from "./hash";
import { loadLiveIndex } from "./live-cache";
import { readLiveCsv } from "./live-file";
import { ownedModel } from "./models";
import { type PredictionFormat, predictionFormat, readPredictions } from "./predictions";
import { clock, type DomainServices } from "./services";
import { type CanonicalSubmission, canonicalSubmission } from "./submission";
import { readUpload, type Upload } from "./upload";

export interface SubmitInput {
  /** The caller's account: the model must be theirs. */
  accountId: string;
  modelId: string;
  /** A given round (late unless open); absent: the round taking submissions now. */
  round?: number;
  /** The upload's declared type (CSV, JSON, Parquet; Parquet is also told by its bytes). */
  contentType: string | undefined;
  predictions: Upload;
}

export interface Submitted {
  id: string;
  round: number;
  sha256: string;
  selected: boolean;
  late: boolean;
  /** Rows whose id is not in the round (ignored). */
  extraIds: number;
  format: PredictionFormat;
}

/**
 * Submits predictions: the model must be the caller's (404, 403), a round must take them (409
 * `round_not_open`), the upload must be CSV, JSON or Parquet (415) and valid against the round's
 * live ids (422 `invalid_submission_*`). Every format is canonicalised the same way (live ids,
 * sorted, shortest numbers) and hashed; the store decides late and selected atomically.
 *
 * Without a round, the intake round this process remembers is used, and the store checks under
 * the round lock that it is still the one (else it is looked up again, once). A file refused
 * against a remembered round is checked again against the round now taking submissions, in case
 * another took its place.
 */
export async function submitPredictions(
  s: Pick<DomainServices, "db" | "now">,
  input: SubmitInput,
): Promise<Submitted> {
  const { db } = s;
  const received = clock(s);
  const wanted = input.round;
  // The model (ownership) and the round are independent lookups: one round trip of time.
  const [model, first] = await Promise.all([
    ownedModel(db, input.accountId, input.modelId),
    wanted ? intakeRound(db, wanted) : rememberedIntakeRound(db),
  ]);
  let round = first;
  const bytes = await readUpload(input.predictions);
  const format = predictionFormat(input.contentType, bytes);
  if (!format) {
    throw new DomainError(
      "unsupported_media_type",
      "Send predictions as text/csv, application/json or application/vnd.apache.parquet",
    );
  }
  for (let attempt = 0; ; attempt++) {
    if (!round) throw new DomainError("round_not_open", "No round takes submissions now");
    const intake = round;
    const live = await loadLiveIndex(round, () => readLiveCsv(db, intake), prepareCsvFast);
    if (!live) throw new DomainError("round_not_open", "The round is gone");
    let canon: CanonicalSubmission;
    try {
      canon =
        (format === "csv" ? canonicalCsvFast(bytes, live) : undefined) ??
        canonicalSubmission(await readPredictions(format, bytes), live);
    } catch (err) {
      // Checked against a remembered round: if another round took its place, the file may
      // well be meant for that one. Look again before saying it is invalid.
      if (wanted || attempt > 0) throw err;
      const now = await intakeRound(db);
      if (now?.number === round.number && now.liveSha256 === round.liveSha256) throw err;
      forgetIntakeRound(db);
      round = now;
      continue;
    }
    const sub = await storeSubmission(
      db,
      {
        modelId: model.id,
        round: round.number,
        predictions: canon.values,
        sha256: sha256Hex(canon.bytes ?? canon.csv),
        // The second attempt reads the round just now, as before remembering existed.
        auto: !wanted && attempt === 0,
      },
      received,
    );
    if (sub === "stale") {
      forgetIntakeRound(db);
      round = await intakeRound(db);
      continue;
    }
    if (!sub) throw new DomainError("round_not_open", "The round is gone");
    return {
      id: sub.id,
      round: sub.round,
      sha256: sub.sha256,
      selected: sub.selected,
      late: sub.late,
      extraIds: canon.extraIds,
      format,
    };
  }
}
