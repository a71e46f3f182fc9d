import { ApiError } from "../errors";
import { parseCsv, parseNumber } from "./csv";

export interface LiveData {
  ids: string[];
  features: string[];
}

/** Validates a round's live file: `id` first, then numeric feature columns, unique ids. */
export function parseLive(bytes: Uint8Array): LiveData {
  const { header, rows } = parseCsv(bytes, "invalid_live_file");
  if (header[0] !== "id") throw new ApiError("invalid_live_file", "First column must be 'id'");
  if (rows.length === 0) throw new ApiError("invalid_live_file", "Live file has no rows");
  const seen = new Set<string>();
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const id = row[0]!;
    if (id === "" || seen.has(id)) {
      throw new ApiError("invalid_live_file", `Empty or duplicate id '${id}' on line ${i + 2}`);
    }
    for (let j = 1; j < row.length; j++) {
      if (Number.isNaN(parseNumber(row[j]!))) {
        throw new ApiError("invalid_live_file", `Non-numeric feature value on line ${i + 2}`, {
          line: i + 2,
          column: header[j],
        });
      }
    }
    seen.add(id);
    ids.push(id);
  }
  return { ids, features: header.slice(1) };
}

/** Validates a targets file `id,target` against the round's live ids. */
export function parseTargets(bytes: Uint8Array, liveIds: ReadonlySet<string>) {
  const { header, rows } = parseCsv(bytes, "invalid_targets_file");
  if (header.length !== 2 || header[0] !== "id" || header[1] !== "target") {
    throw new ApiError("invalid_targets_file", "Header must be 'id,target'");
  }
  const ids: string[] = [];
  const values = new Float64Array(rows.length);
  const seen = new Set<string>();
  for (let i = 0; i < rows.length; i++) {
    const [id, cell] = rows[i] as [string, string];
    const v = parseNumber(cell);
    if (seen.has(id)) throw new ApiError("invalid_targets_file", `Duplicate id '${id}'`);
    if (!Number.isFinite(v)) {
      throw new ApiError("invalid_targets_file", `Target on line ${i + 2} is not a finite number`);
    }
    seen.add(id);
    ids.push(id);
    values[i] = v;
  }
  const covered = ids.filter((id) => liveIds.has(id)).length;
  if (covered < liveIds.size * 0.8) {
    throw new ApiError(
      "invalid_targets_file",
      `Targets cover only ${covered} of ${liveIds.size} live ids`,
    );
  }
  return { ids, values };
}
