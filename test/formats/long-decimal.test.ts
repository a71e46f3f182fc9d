import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isShortestDecimal, readLongDecimal } from "../../formats/long-decimal";

/** "0.000ddd" as isShortestDecimal takes it, or undefined outside its range. */
function parts(text: string) {
  const m = /^0\.(0*)([1-9]\d*)$/.exec(text);
  if (!m) return undefined;
  const sig = m[2]!;
  if (sig.length < 16 || sig.length > 17) return undefined;
  return {
    hi: Number(sig.slice(0, -8)),
    lo: Number(sig.slice(-8)),
    digits: sig.length,
    k: m[1]!.length + sig.length,
  };
}

function verdict(text: string): { claimed: boolean; truth: boolean } | undefined {
  const p = parts(text);
  if (!p) return undefined;
  const v = Number(text);
  return { claimed: isShortestDecimal(v, p.hi, p.lo, p.digits, p.k), truth: String(v) === text };
}

// Texts near every kind of double in (0, 1): random, dyadic, near powers of ten, near 0.5.
const doubleArb = fc.oneof(
  fc.double({ min: 1e-6, max: 1, noNaN: true }),
  fc.integer({ min: 1, max: 2 ** 30 }).map((k) => k / 2 ** 30),
  fc
    .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: -40, max: 40 }))
    .map(([e, ulps]) => 10 ** -e + ulps * 2 ** -52 * 10 ** -e),
  fc.integer({ min: -1000, max: 1000 }).map((ulps) => 0.5 + ulps * 2 ** -54),
);
const textArb = fc
  .tuple(doubleArb, fc.constantFrom(0, 16, 17), fc.integer({ min: -2, max: 2 }))
  .map(([v, precision, bump]) => {
    // precision 0: String(v), the shortest text
    const text = precision === 0 ? String(v) : v.toPrecision(precision);
    if (bump === 0 || !/^0\.\d+$/.test(text)) return text;
    const last = Number(text.at(-1)) + bump;
    return last < 0 || last > 9 ? text : text.slice(0, -1) + String(last);
  });

describe("readLongDecimal", () => {
  it("reads every 16- and 17-digit decimal as Number does", () => {
    let read = 0;
    const digitsArb = fc.oneof(
      textArb,
      // Arbitrary digit strings (most are no double's shortest text), with leading zeros.
      fc
        .tuple(
          fc.nat(5),
          fc.integer({ min: 1, max: 9 }),
          fc.bigInt({ min: 0n, max: 10n ** 16n - 1n }),
        )
        .map(
          ([z, first, rest]) => `0.${"0".repeat(z)}${first}${rest.toString().padStart(16, "0")}`,
        ),
      fc
        .tuple(
          fc.nat(5),
          fc.integer({ min: 1, max: 9 }),
          fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }),
        )
        .map(
          ([z, first, rest]) => `0.${"0".repeat(z)}${first}${rest.toString().padStart(15, "0")}`,
        ),
    );
    fc.assert(
      fc.property(digitsArb, (text) => {
        const p = /^0\.(0*)([1-9]\d*)$/.exec(text);
        if (!p || p[2]!.length < 16 || p[2]!.length > 17) return;
        const sig = p[2]!;
        const v = readLongDecimal(Number(sig.slice(0, -8)), Number(sig.slice(-8)), text.length - 2);
        read++;
        expect(v, text).toBe(Number(text));
      }),
      { numRuns: 50_000 },
    );
    expect(read).toBeGreaterThan(30_000);
  });
});

describe("isShortestDecimal", () => {
  it("says yes only for the text String(v) prints", () => {
    let decided = 0;
    fc.assert(
      fc.property(textArb, (text) => {
        const r = verdict(text);
        if (!r) return;
        decided++;
        if (r.claimed) expect(text).toBe(String(Number(text)));
      }),
      { numRuns: 20_000 },
    );
    expect(decided).toBeGreaterThan(5_000);
  });

  it("recognises nearly every shortest text of 16 or 17 digits (else the fast path is moot)", () => {
    let shortest = 0;
    let recognised = 0;
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1, noNaN: true }), (v) => {
        const r = verdict(String(v));
        if (!r?.truth) return;
        shortest++;
        if (r.claimed) recognised++;
      }),
      { numRuns: 20_000 },
    );
    expect(shortest).toBeGreaterThan(1_000);
    expect(recognised / shortest).toBeGreaterThan(0.99);
  });

  it("refuses a trailing zero, a shorter double's text and a farther decimal of the same double", () => {
    // 0.1 read from 17 digits: String(0.1) is "0.1".
    expect(verdict("0.10000000000000001")).toEqual({ claimed: false, truth: false });
    // Trailing zero.
    expect(verdict("0.1234567890123450")).toEqual({ claimed: false, truth: false });
    // 0.30000000000000004 is String(0.1 + 0.2); ...05 reads as the same double but is farther.
    expect(verdict("0.30000000000000004")).toEqual({ claimed: true, truth: true });
    expect(verdict("0.30000000000000005")).toEqual({ claimed: false, truth: false });
  });
});
