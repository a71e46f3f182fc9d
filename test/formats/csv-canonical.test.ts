import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { liveIndex } from "../../api/domain/live-cache";
import { readCsvPredictions } from "../../api/domain/predictions";
import {
  canonicalCsvOf,
  canonicalSubmission,
  storedCanonicalCsv,
} from "../../api/domain/submission";
import { DomainError } from "../../api/errors";
import { encodePredictions } from "../../db/predictions";
import { canonicalCsvFast } from "../../formats/csv-canonical";

// The byte-level reader of plain CSV submissions must agree with the general reader
// (readCsvPredictions + canonicalSubmission) on every file it accepts, and must accept the
// common clean files, or it is never used.

let roundNo = 0;
function liveOf(ids: string[]) {
  const csv = `id,f1\n${ids.map((id, i) => `${id},${i % 3}`).join("\n")}\n`;
  roundNo++;
  return liveIndex({ number: roundNo, liveSha256: `t${roundNo}`, liveCsv: csv });
}

function general(bytes: Uint8Array, live: ReturnType<typeof liveOf>) {
  try {
    return canonicalSubmission(readCsvPredictions(bytes), live);
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
}

const enc = (s: string) => new TextEncoder().encode(s);

const idArb = fc.stringMatching(/^[a-z0-9_]{1,12}$/);
const valueArb = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 1_000_000 }).map((k) => String(k / 1e6)), weight: 12 },
  fc.integer({ min: 0, max: 1_000_000 }).map((k) => String(k / 1e6)), // canonical short
  fc.double({ min: 0, max: 1, noNaN: true }).map((v) => String(v)), // shortest, any length
  // All digits of a double, as numpy/pandas or printf("%.17g") write them: often not shortest,
  // and a last digit one off (another decimal of the same double, or of its neighbour).
  fc
    .tuple(fc.double({ min: 1e-6, max: 1, noNaN: true }), fc.constantFrom(16, 17), fc.nat(2))
    .map(([v, digits, bump]) => {
      const text = v.toPrecision(digits);
      if (bump === 0 || !/\d$/.test(text)) return text;
      return text.slice(0, -1) + String((Number(text.at(-1)) + bump) % 10);
    }),
  fc.constantFrom("0", "1", "0.50", ".5", "5e-1", "1.0", "0.1234567890123456789", "-0", "1e-7"),
  fc.constantFrom(" 0.5", "NaN", "", "1.5", "-0.1", "x", "Infinity", "0.5 "),
);

const fileArb = fc.uniqueArray(idArb, { minLength: 2, maxLength: 30 }).chain((ids) =>
  fc.record({
    ids: fc.constant(ids),
    rows: fc.oneof(
      { arbitrary: fc.shuffledSubarray(ids, { minLength: ids.length }), weight: 4 },
      fc.shuffledSubarray(ids, { minLength: Math.max(1, ids.length - 1) }),
    ),
    values: fc.array(valueArb, { minLength: ids.length + 2, maxLength: ids.length + 2 }),
    header: fc.constantFrom(
      "id,prediction",
      "id,prediction",
      "id,probability",
      "id, prediction",
      "prediction,id",
    ),
    eol: fc.constantFrom("\n", "\r\n"),
    trailing: fc.constantFrom("", "\n", "\n\n"),
    extra: fc.option(fc.constantFrom("zz_extra", "zz_extra,0.5,1"), { nil: undefined, freq: 4 }),
    duplicate: fc.constantFrom(false, false, false, true),
  }),
);

describe("canonicalCsvFast", () => {
  it("returns exactly the general reader's result whenever it answers", () => {
    let answered = 0;
    fc.assert(
      fc.property(fileArb, (f) => {
        const live = liveOf(f.ids);
        const rows = f.rows.map((id, i) => `${id},${f.values[i]}`);
        if (f.duplicate) rows.push(`${f.rows[0]},0.25`);
        if (f.extra) rows.push(f.extra);
        const text = `${f.header}${f.eol}${rows.join(f.eol)}${f.trailing}`;
        const bytes = enc(text);
        const fast = canonicalCsvFast(bytes, live);
        const slow = general(bytes, live);
        if (fast !== undefined) {
          answered++;
          expect(typeof slow).toBe("object");
          expect(fast.csv).toBe((slow as { csv: string }).csv);
          expect(new TextDecoder().decode(fast.bytes)).toBe(fast.csv);
          expect(fast.extraIds).toBe((slow as { extraIds: number }).extraIds);
          // The numbers stored in place of the text: the same ones, bit for bit (-0 too)...
          const stored = (slow as { values: Float64Array }).values;
          expect(Array.from(fast.values, (v) => (Object.is(v, -0) ? "-0" : v))).toEqual(
            Array.from(stored, (v) => (Object.is(v, -0) ? "-0" : v)),
          );
          // ...which print back as the canonical text with the round's sorted ids.
          expect(canonicalCsvOf(live.sorted, stored)).toBe(fast.csv);
        }
        if (typeof slow === "object") {
          expect(canonicalCsvOf(live.sorted, slow.values)).toBe(slow.csv);
        }
      }),
      { numRuns: 2000 },
    );
    expect(answered).toBeGreaterThan(50); // the comparison really ran
  });

  it("answers for clean files in any row order, LF or CRLF, with long or short numbers", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(idArb, { minLength: 2, maxLength: 40 }).chain((ids) =>
          fc.tuple(
            fc.constant(ids),
            fc.shuffledSubarray(ids, { minLength: ids.length }),
            fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
              minLength: ids.length,
              maxLength: ids.length,
            }),
            fc.constantFrom("\n", "\r\n"),
          ),
        ),
        ([ids, order, values, eol]) => {
          fc.pre(new Set(values).size > 1);
          const live = liveOf(ids);
          const text = `id,prediction${eol}${order.map((id, i) => `${id},${values[i]}`).join(eol)}${eol}`;
          const fast = canonicalCsvFast(enc(text), live);
          expect(fast).toBeDefined();
          expect(fast!.csv).toBe((general(enc(text), live) as { csv: string }).csv);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("leaves every error to the general reader", () => {
    const live = liveOf(["a", "b", "c"]);
    for (const text of [
      "id,prediction\na,0.1\nb,0.2\n", // missing id
      "id,prediction\na,0.1\nb,0.2\nc,0.3\nc,0.4\n", // duplicate
      "id,prediction\na,0.1\nb,NaN\nc,0.3\n", // not a number
      "id,prediction\na,0.5\nb,0.5\nc,0.5\n", // constant
      "id,prediction\na,0.1\n\nb,0.2\nc,0.3\n", // empty row inside
      "\ufeffid,prediction\na,0.1\nb,0.2\nc,0.3\n", // BOM
      "id,prediction,x\na,0.1,1\nb,0.2,1\nc,0.3,1\n", // more columns
      "id,prediction\na,0.1\nb,0.2\nc,0.3\nd,0.4\n", // extra id
    ]) {
      expect(canonicalCsvFast(enc(text), live), text).toBeUndefined();
    }
    const ok = canonicalCsvFast(enc("id,prediction\nc,0.3\na,0.1\nb,0.20\n"), live);
    expect(ok?.csv).toBe("id,prediction\na,0.1\nb,0.2\nc,0.3\n");
  });
});

describe("stored canonical content", () => {
  const live = liveOf(["b", "c", "a"]);
  const values = Float64Array.from([0.1, 0.30000000000000004, 1]);

  it("prints stored numbers beside the sorted live ids as the canonical CSV", () => {
    const csv = "id,prediction\na,0.1\nb,0.30000000000000004\nc,1\n";
    expect(canonicalCsvOf(live.sorted, values)).toBe(csv);
    expect(
      storedCanonicalCsv({ canonicalCsv: null, predictions: encodePredictions(values) }, live),
    ).toBe(csv);
    // Rows stored as text before migration 0008 are served as they are.
    expect(
      storedCanonicalCsv({ canonicalCsv: "id,prediction\nold\n", predictions: null }, live),
    ).toBe("id,prediction\nold\n");
  });

  it("refuses numbers that do not fit the round's ids, and rows without content", () => {
    expect(() => canonicalCsvOf(live.sorted, values.subarray(0, 2))).toThrow(
      /2 stored predictions for 3/,
    );
    expect(() => storedCanonicalCsv({ canonicalCsv: null, predictions: null }, live)).toThrow(
      /without content/,
    );
  });
});
