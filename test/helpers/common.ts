/** A deterministic pseudo-random stream (a linear congruential generator), the same every run. */
export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A CSV file from a header and rows. */
export const csv = (header: string, rows: (string | number)[][]) =>
  `${header}\n${rows.map((r) => r.join(",")).join("\n")}\n`;

/** Polls `fn` until it returns something other than undefined, or fails after `ms`. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  ms = 30_000,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}
