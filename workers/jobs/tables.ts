/** Reads the `id,<value>` CSVs the database holds (canonical submissions, targets). */
export function parseIdValueCsv(csv: string): { ids: string[]; values: Float64Array } {
  const lines = csv.split("\n");
  const ids: string[] = [];
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const comma = line.indexOf(",");
    ids.push(line.slice(0, comma));
    values.push(Number(line.slice(comma + 1)));
  }
  return { ids, values: Float64Array.from(values) };
}

/** The ids (first column) of a round's live file. */
export function parseLiveIds(csv: string): string[] {
  const lines = csv.split("\n");
  const ids: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const comma = line.indexOf(",");
    ids.push(comma < 0 ? line : line.slice(0, comma));
  }
  return ids;
}
