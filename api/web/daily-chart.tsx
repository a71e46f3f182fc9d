/** @jsxImportSource hono/jsx */
import { PAD, path, scale, W } from "./charts";
import { tokens } from "./layout";

export interface ChartDay {
  day: number;
  corr: number;
  mmc: number | null;
  /** Token wei, signed. */
  projectedPayout: string;
}

/**
 * A round's daily scores as they move before resolution: CORR and MMC of each day (top panel,
 * not cumulative: each day re-scores the whole round) and the projected payout in tokens
 * (bottom), one `<g data-point data-day>` per day holding that day's marks.
 */
export function DailyChart(props: { round: number; days: ChartDay[] }) {
  const ds = [...props.days].sort((a, b) => a.day - b.day);
  const top = { y0: PAD.t, y1: 150 };
  const bot = { y0: 190, y1: 270 };
  const H = bot.y1 + PAD.b;
  const x =
    ds.length === 1
      ? () => (PAD.l + W - PAD.r) / 2
      : scale(ds[0]!.day, ds[ds.length - 1]!.day, PAD.l, W - PAD.r);
  const sv = ds.flatMap((d) => [d.corr, d.mmc ?? 0, 0]);
  const ys = scale(Math.min(...sv), Math.max(...sv), top.y1, top.y0);
  const pv = ds.map((d) => Number(tokens(d.projectedPayout))).concat(0);
  const yp = scale(Math.min(...pv), Math.max(...pv), bot.y1, bot.y0);
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3));
  return (
    <figure>
      <svg
        id="daily-chart"
        data-round={String(props.round)}
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby="daily-chart-title"
        width={W}
        height={H}
      >
        <title id="daily-chart-title">
          {`Daily CORR, MMC and projected payout in round ${props.round} over ${ds.length} day${ds.length === 1 ? "" : "s"}`}
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
          projected payout (tokens)
        </text>
        <path
          d={path(ds.map((d) => [x(d.day), ys(d.corr)]))}
          fill="none"
          stroke="#1a73e8"
          stroke-width="2"
        />
        <path
          d={path(ds.map((d) => [x(d.day), ys(d.mmc ?? 0)]))}
          fill="none"
          stroke="#e37400"
          stroke-width="2"
        />
        <path
          d={path(ds.map((d) => [x(d.day), yp(Number(tokens(d.projectedPayout)))]))}
          fill="none"
          stroke="#188038"
          stroke-width="2"
        />
        {ds.map((d) => (
          <g data-point="" data-day={String(d.day)}>
            <title>{`Day ${d.day}: CORR ${d.corr.toFixed(4)}, MMC ${d.mmc === null ? "–" : d.mmc.toFixed(4)}, projected payout ${tokens(d.projectedPayout)}`}</title>
            <circle cx={x(d.day)} cy={ys(d.corr)} r="4" fill="#1a73e8" data-series="corr" />
            <circle cx={x(d.day)} cy={ys(d.mmc ?? 0)} r="4" fill="#e37400" data-series="mmc" />
            <circle
              cx={x(d.day)}
              cy={yp(Number(tokens(d.projectedPayout)))}
              r="4"
              fill="#188038"
              data-series="payout"
            />
            <text x={x(d.day)} y={H - 8} text-anchor="middle">
              {String(d.day)}
            </text>
          </g>
        ))}
      </svg>
      <figcaption class="legend">
        <span style="--c:#1a73e8">daily CORR</span>
        <span style="--c:#e37400">daily MMC</span>
        <span style="--c:#188038">projected payout</span>
      </figcaption>
    </figure>
  );
}
