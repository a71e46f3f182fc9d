/** @jsxImportSource hono/jsx */
import { tokens } from "./layout";

export interface ChartRound {
  round: number;
  corr: number;
  mmc: number | null;
  /** Token wei, signed. */
  payout: string;
}

export const W = 640;
export const PAD = { l: 56, r: 16, t: 16, b: 28 };

export function scale(lo: number, hi: number, a: number, b: number) {
  if (hi === lo) {
    hi = lo + 1;
    lo -= 1;
  }
  return (v: number) => a + ((v - lo) / (hi - lo)) * (b - a);
}

export const path = (pts: [number, number][]) =>
  pts.map(([x, y], i) => `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`).join("");

/**
 * Cumulative CORR and MMC (top panel) and cumulative payout in tokens (bottom panel), one
 * `<g data-point data-round>` per scored round holding that round's marks in both panels.
 */
export function ScoreChart(props: { rounds: ChartRound[] }) {
  const rs = [...props.rounds].sort((a, b) => a.round - b.round);
  let c = 0;
  let m = 0;
  let p = 0;
  const cum = rs.map((r) => {
    c += r.corr;
    m += r.mmc ?? 0;
    p += Number(tokens(r.payout));
    return { round: r.round, corr: c, mmc: m, payout: p, raw: r };
  });
  const top = { y0: PAD.t, y1: 170 };
  const bot = { y0: 210, y1: 300 };
  const H = bot.y1 + PAD.b;
  const x =
    rs.length === 1 ? () => (PAD.l + W - PAD.r) / 2 : scale(0, rs.length - 1, PAD.l, W - PAD.r);
  const sv = cum.flatMap((d) => [d.corr, d.mmc, 0]);
  const ys = scale(Math.min(...sv), Math.max(...sv), top.y1, top.y0);
  const pv = cum.map((d) => d.payout).concat(0);
  const yp = scale(Math.min(...pv), Math.max(...pv), bot.y1, bot.y0);
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3));
  return (
    <figure>
      <svg
        id="score-chart"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby="score-chart-title"
        width={W}
        height={H}
      >
        <title id="score-chart-title">
          {`Cumulative CORR, MMC and payout over ${rs.length} scored round${rs.length === 1 ? "" : "s"}`}
        </title>
        <line x1={PAD.l} x2={W - PAD.r} y1={ys(0)} y2={ys(0)} stroke="currentColor" opacity="0.3" />
        <line x1={PAD.l} x2={W - PAD.r} y1={yp(0)} y2={yp(0)} stroke="currentColor" opacity="0.3" />
        <text x={4} y={top.y0 + 10}>
          {fmt(Math.max(...sv))}
        </text>
        <text x={4} y={top.y1}>
          {fmt(Math.min(...sv))}
        </text>
        <text x={4} y={bot.y0 - 6}>
          payout (tokens)
        </text>
        <text x={4} y={bot.y0 + 10}>
          {fmt(Math.max(...pv))}
        </text>
        <text x={4} y={bot.y1}>
          {fmt(Math.min(...pv))}
        </text>
        <path
          d={path(cum.map((d, i) => [x(i), ys(d.corr)]))}
          fill="none"
          stroke="#1a73e8"
          stroke-width="2"
        />
        <path
          d={path(cum.map((d, i) => [x(i), ys(d.mmc)]))}
          fill="none"
          stroke="#e37400"
          stroke-width="2"
        />
        <path
          d={path(cum.map((d, i) => [x(i), yp(d.payout)]))}
          fill="none"
          stroke="#188038"
          stroke-width="2"
        />
        {cum.map((d, i) => (
          <g data-point="" data-round={String(d.round)}>
            <title>{`Round ${d.round}: CORR ${d.raw.corr.toFixed(4)}, MMC ${d.raw.mmc === null ? "–" : d.raw.mmc.toFixed(4)}, payout ${tokens(d.raw.payout)}`}</title>
            <circle cx={x(i)} cy={ys(d.corr)} r="4" fill="#1a73e8" data-series="corr" />
            <circle cx={x(i)} cy={ys(d.mmc)} r="4" fill="#e37400" data-series="mmc" />
            <circle cx={x(i)} cy={yp(d.payout)} r="4" fill="#188038" data-series="payout" />
            <text x={x(i)} y={H - 8} text-anchor="middle">
              {String(d.round)}
            </text>
          </g>
        ))}
      </svg>
      <figcaption class="legend">
        <span style="--c:#1a73e8">cumulative CORR</span>
        <span style="--c:#e37400">cumulative MMC</span>
        <span style="--c:#188038">cumulative payout</span>
      </figcaption>
    </figure>
  );
}

/** A histogram of `values` in `bins` equal bins, one `<rect data-bin>` per bin. */
export function Histogram(props: { values: number[]; bins?: number; label: string }) {
  const vs = props.values;
  const n = props.bins ?? Math.min(10, Math.max(1, vs.length));
  const lo = Math.min(...vs);
  const hi = Math.max(...vs);
  const width = hi > lo ? (hi - lo) / n : 1;
  const counts = new Array<number>(n).fill(0);
  for (const v of vs) counts[Math.min(n - 1, hi > lo ? Math.floor((v - lo) / width) : 0)]! += 1;
  const H = 180;
  const max = Math.max(...counts, 1);
  const bw = (W - PAD.l - PAD.r) / n;
  return (
    <figure>
      <svg
        id="histogram"
        viewBox={`0 0 ${W} ${H + PAD.b}`}
        role="img"
        aria-labelledby="histogram-title"
        width={W}
        height={H + PAD.b}
      >
        <title id="histogram-title">{`${props.label}: ${vs.length} models in ${n} bins`}</title>
        {counts.map((k, i) => {
          const h = ((H - PAD.t) * k) / max;
          const from = lo + i * width;
          return (
            <rect
              data-bin={String(i)}
              data-count={String(k)}
              x={PAD.l + i * bw + 1}
              y={H - h}
              width={Math.max(1, bw - 2)}
              height={h}
              fill="#1a73e8"
            >
              <title>{`${from.toFixed(4)} to ${(from + width).toFixed(4)}: ${k}`}</title>
            </rect>
          );
        })}
        <text x={PAD.l} y={H + 16}>
          {lo.toFixed(4)}
        </text>
        <text x={W - PAD.r} y={H + 16} text-anchor="end">
          {hi.toFixed(4)}
        </text>
        <text x={4} y={PAD.t + 4}>
          {String(max)}
        </text>
      </svg>
    </figure>
  );
}
