import { formatUnits, parseUnits } from "viem";
import {
  closeRoundNow,
  createRound,
  getRound,
  getRoundSummary,
  INT4_MAX,
  openRoundBefore,
  publishTargets,
  type Round,
  type RoundSummary,
} from "../../db";
import { DomainError, invalidFields } from "../errors";
import { sha256Hex } from "./hash";
import { parseTargets, prepareLiveUpload, utf8, withoutBom } from "./live";
import { liveIdSet } from "./live-cache";
import { rememberLiveFile } from "./live-file";
import { clock, type DomainServices } from "./services";
import { readUpload, type Upload } from "./upload";

/** A round's parameters as the operator sends them (form fields: strings, as received). */
export interface OpenRoundFields {
  closesAt: string;
  resolvesAt: string;
  /** WAD decimals (tokens for the threshold); the defaults below when absent. */
  payoutCap?: string;
  corrMultiplier?: string;
  mmcMultiplier?: string;
  stakeThreshold?: string;
  /** JSON array of live feature names or a comma-separated list; every feature when absent. */
  fncFeatures?: string;
  /** Hours after resolution before other models' predictions are public, or "never". */
  predictionsDelayHours?: string;
}

/** A round by number, or 404 `not_found`. */
export async function mustGetRound(s: Pick<DomainServices, "db">, n: number): Promise<Round> {
  const round = await getRound(s.db, n);
  if (!round) throw new DomainError("not_found", `No round ${n}`);
  return round;
}

/** A round's summary (without its live and targets files), or not_found. */
export async function mustGetRoundSummary(
  s: Pick<DomainServices, "db">,
  n: number,
): Promise<RoundSummary> {
  const round = await getRoundSummary(s.db, n);
  if (!round) throw new DomainError("not_found", `No round ${n}`);
  return round;
}

/**
 * The operator's FNC feature list (JSON array or comma-separated names), checked against the
 * live file's feature columns; null: every feature column.
 */
function parseFncFeatures(raw: string | undefined, live: readonly string[]): string[] | null {
  if (raw === undefined || raw.trim() === "") return null;
  let names: unknown;
  try {
    names = raw.trim().startsWith("[") ? JSON.parse(raw) : raw.split(",").map((s) => s.trim());
  } catch {
    throw new DomainError("validation_failed", "fncFeatures must be a JSON array of column names");
  }
  if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== "string")) {
    throw new DomainError(
      "validation_failed",
      "fncFeatures must be a non-empty list of column names",
    );
  }
  const known = new Set(live);
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new DomainError(
      "validation_failed",
      "fncFeatures names columns the live file does not have",
      {
        unknown: unknown.slice(0, 20),
      },
    );
  }
  if (new Set(names).size !== names.length) {
    throw new DomainError("validation_failed", "fncFeatures lists a column twice");
  }
  return names as string[];
}

const UINT64_MAX_SECONDS = 2n ** 64n - 1n;
const UINT256_MAX = 2n ** 256n - 1n;
const WAD = 10n ** 18n;
/** The contract's ceilings (MAX_PAYOUT_CAP, MAX_MULTIPLIER, MAX_ROUND_LENGTH). */
const MAX_PAYOUT_CAP = WAD / 4n;
const MAX_MULTIPLIER = 100n * WAD;
const MAX_ROUND_LENGTH_MS = 120 * 24 * 3600 * 1000;

/**
 * A round's parameters, checked against what the chain and the database hold: both times in
 * the future, closesAt < resolvesAt and resolvesAt within 120 days (the contract's
 * MAX_ROUND_LENGTH), amounts within uint256 once in wei, payoutCap within the contract's
 * ceiling of 0.25, multipliers at most 100, and the delay in seconds within the integer column.
 */
function roundParams(f: OpenRoundFields, now: Date) {
  const closesAt = new Date(f.closesAt);
  const resolvesAt = new Date(f.resolvesAt);
  const issues: { path: string[]; message: string }[] = [];
  const bad = (path: string, message: string) => issues.push({ path: [path], message });
  for (const [name, at] of [
    ["closesAt", closesAt],
    ["resolvesAt", resolvesAt],
  ] as const) {
    if (!(at.getTime() > now.getTime())) bad(name, `${name} must be in the future`);
    else if (BigInt(Math.floor(at.getTime() / 1000)) > UINT64_MAX_SECONDS)
      bad(name, `${name} is too far in the future`);
  }
  if (!(closesAt < resolvesAt)) bad("resolvesAt", "closesAt must be before resolvesAt");
  else if (resolvesAt.getTime() > now.getTime() + MAX_ROUND_LENGTH_MS)
    bad("resolvesAt", "resolvesAt must be within 120 days (the contract's MAX_ROUND_LENGTH)");
  const wad = (name: string, v: string | undefined, fallback: bigint, max = UINT256_MAX) => {
    const out = v === undefined ? fallback : parseUnits(v, 18);
    if (out > max)
      bad(
        name,
        max === UINT256_MAX
          ? `${name} is too large for uint256`
          : `${name} must be at most ${formatUnits(max, 18)} (the contract's ceiling)`,
      );
    return out.toString();
  };
  const payoutCap = wad("payoutCap", f.payoutCap, 5n * 10n ** 16n, MAX_PAYOUT_CAP);
  const corrMultiplier = wad("corrMultiplier", f.corrMultiplier, 5n * 10n ** 17n, MAX_MULTIPLIER);
  const mmcMultiplier = wad("mmcMultiplier", f.mmcMultiplier, 2n * WAD, MAX_MULTIPLIER);
  const stakeThreshold = wad("stakeThreshold", f.stakeThreshold, 72_000n * WAD);
  let predictionsDelaySeconds: number | null = null;
  if (f.predictionsDelayHours !== "never") {
    predictionsDelaySeconds = Math.round(Number(f.predictionsDelayHours ?? 0) * 3600);
    if (!(predictionsDelaySeconds <= INT4_MAX))
      bad(
        "predictionsDelayHours",
        `predictionsDelayHours must be at most ${Math.floor(INT4_MAX / 3600)}`,
      );
  }
  if (issues.length > 0) throw invalidFields(issues);
  return {
    closesAt,
    resolvesAt,
    payoutCap,
    corrMultiplier,
    mmcMultiplier,
    stakeThreshold,
    predictionsDelaySeconds,
  };
}

/**
 * Opens the next round: checks its parameters (400 `validation_failed`), reads, validates and
 * hashes the live file (CSV or Parquet, stored as CSV; 422 `invalid_live_file`), checks the FNC
 * features against it, and stores the round with its open and close jobs queued.
 */
export async function openRound(
  s: Pick<DomainServices, "db" | "now" | "offload">,
  input: { live: Uint8Array; fields: OpenRoundFields },
): Promise<RoundSummary> {
  const params = roundParams(input.fields, clock(s));
  // Parquet conversion, validation and hashing of a large file run off the event loop.
  const { csv, sha256, live } = s.offload
    ? await s.offload.live(input.live)
    : await prepareLiveUpload(input.live);
  const fncFeatures = parseFncFeatures(input.fields.fncFeatures, live.features);
  const round = await createRound(s.db, {
    liveCsv: csv,
    liveSha256: sha256,
    ...params,
    fncFeatures: fncFeatures && JSON.stringify(fncFeatures),
  });
  // Data scientists download it next: from these bytes, not another read of the row.
  rememberLiveFile(round, csv);
  return round;
}

/**
 * Closes an open round now: later submissions are late, and the worker's close job (the
 * submissions root on chain) runs at once. Rounds close in opening order (R3): 409
 * `round_state` while an earlier round is open, or when this one is not open.
 */
export async function closeRound(
  s: Pick<DomainServices, "db">,
  input: { round: number },
): Promise<Round> {
  const n = input.round;
  await mustGetRound(s, n);
  const earlier = await openRoundBefore(s.db, n);
  if (earlier !== undefined)
    throw new DomainError(
      "round_state",
      `Round ${earlier} was opened before round ${n} and is still open: rounds close in opening order`,
    );
  if (!(await closeRoundNow(s.db, n))) {
    throw new DomainError("round_state", `Round ${n} is not open`);
  }
  return mustGetRound(s, n);
}

/**
 * Publishes a closed round's targets (`id,target`, checked against its live ids; 422
 * `invalid_targets_file`) and queues its scoring; 409 `round_state` unless the round is closed.
 * The targets are stored, served and hashed without a BOM: the hash is the served file's.
 */
export async function resolveRound(
  s: Pick<DomainServices, "db">,
  input: { round: number; targets: Upload },
): Promise<{ number: number; status: "resolved"; targetsSha256: string }> {
  const n = input.round;
  const round = await mustGetRound(s, n);
  if (round.status !== "closed")
    throw new DomainError("round_state", `Round ${n} is ${round.status}, not closed`);
  const bytes = withoutBom(await readUpload(input.targets));
  parseTargets(bytes, liveIdSet(round));
  const targetsSha256 = sha256Hex(bytes);
  if (!(await publishTargets(s.db, n, utf8(bytes), targetsSha256))) {
    throw new DomainError("round_state", `Round ${n} is no longer closed`);
  }
  return { number: n, status: "resolved", targetsSha256 };
}
