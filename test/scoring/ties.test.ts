import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readFrame } from "../../formats";
import { fnc, Scorer } from "../../scoring";
import { readJson } from "./helpers";

/**
 * Tie-heavy cases (predictions rounded to 1-2 decimals, binary targets, 1-12 integer features,
 * some with a duplicated or constant feature) whose FNC was computed by numerai-tools 0.6.0.
 * Rows that share a prediction and every feature must stay tied after neutralization, as they do
 * in numerai-tools, or the second ranking orders them and FNC moves by up to 1e-2 here.
 */
const dir = path.join(path.dirname(new URL(import.meta.url).pathname), "fixtures", "ties");
const CASES = readdirSync(dir).sort();

describe.each(CASES)("tie-heavy case %s", (name) => {
  it("FNC matches numerai-tools to 1e-9, alone and in the pipeline", async () => {
    const [p, t, f] = await Promise.all(
      ["predictions", "targets", "features"].map((x) =>
        readFrame(path.join(dir, name, `${x}.csv`)),
      ),
    );
    const expected = readJson<{ models: Record<string, { fnc: number }> }>(
      path.join(dir, name, "expected.json"),
    ).models;
    const targets = { ids: t!.ids, values: t!.columns.target! };
    const scorer = new Scorer({ ids: p!.ids, targets, features: f! });
    expect(Object.keys(p!.columns).sort()).toEqual(Object.keys(expected).sort());
    for (const [model, values] of Object.entries(p!.columns)) {
      const e = expected[model]!.fnc;
      expect(Math.abs(fnc({ ids: p!.ids, values }, f!, targets) - e), model).toBeLessThan(1e-9);
      expect(Math.abs(scorer.score(values).fnc! - e), model).toBeLessThan(1e-9);
    }
  });
});
