/** @jsxImportSource hono/jsx */

import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { formatUnits } from "viem";

const CSS = `
:root{--fg:#1a1a1a;--muted:#555;--bg:#fff;--line:#d0d0d0;--accent:#0b57d0;--pos:#0a7a35;--neg:#b3261e;--card:#f6f7f9}
@media (prefers-color-scheme:dark){:root{--fg:#ececec;--muted:#b5b5b5;--bg:#121212;--line:#3a3a3a;--accent:#8ab4f8;--pos:#6dd58c;--neg:#f2b8b5;--card:#1e1f22}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:var(--bg);padding:.5rem}
header{border-bottom:1px solid var(--line)}
header nav{max-width:64rem;margin:0 auto;padding:.75rem 1rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:center}
header .brand{font-weight:700;font-size:1.15rem;text-decoration:none;color:var(--fg);margin-right:auto}
main{max-width:64rem;margin:0 auto;padding:1rem}
footer{max-width:64rem;margin:2rem auto;padding:1rem;color:var(--muted);font-size:.875rem;border-top:1px solid var(--line)}
h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin:1.75rem 0 .5rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;margin:1rem 0}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:.4rem .6rem;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
caption{text-align:left;color:var(--muted);padding:.25rem 0}
code,.hash{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85em;word-break:break-all;white-space:normal}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}dt{color:var(--muted)}dd{margin:0;min-width:0}
.pos{color:var(--pos)}.neg{color:var(--neg)}.muted{color:var(--muted)}
.countdown{font-size:1.5rem;font-weight:700;font-variant-numeric:tabular-nums}
.status{display:inline-block;padding:0 .5rem;border-radius:999px;border:1px solid var(--line);font-size:.875rem}
svg{max-width:100%;height:auto}svg text{fill:var(--muted);font-size:11px}
.legend{display:flex;gap:1rem;flex-wrap:wrap;font-size:.875rem}.legend span::before{content:"";display:inline-block;width:.8em;height:.8em;margin-right:.3em;background:var(--c)}
form{display:grid;gap:.75rem;max-width:32rem}label{display:grid;gap:.25rem;font-weight:600}
input{font:inherit;padding:.5rem;border:1px solid var(--muted);border-radius:6px;background:var(--bg);color:var(--fg)}
button{font:inherit;padding:.5rem 1rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:var(--bg);cursor:pointer}
button[disabled]{opacity:.5;cursor:not-allowed}
.row{display:flex;gap:.5rem;flex-wrap:wrap}
`;

export function Layout(props: { title: string; children: Child; script?: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Tourney`}</title>
        <style>{raw(CSS)}</style>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header>
          <nav aria-label="Main">
            <a class="brand" href="/">
              Tourney
            </a>
            <a href="/">Rounds</a>
            <a href="/leaderboard">Leaderboard</a>
            <a href="/stake">Stake</a>
            <a href="/docs">API</a>
          </nav>
        </header>
        <main id="main">{props.children}</main>
        <footer>
          Verifiable staked prediction tournament. Every round's data hash, submissions root and
          scores root are on chain; the <a href="/openapi.json">API</a> serves the data to check
          them.
        </footer>
        {props.script ? <script>{raw(props.script)}</script> : null}
      </body>
    </html>
  );
}

/** Token wei (decimal string) as tokens with at most 4 decimals. */
export function tokens(wei: string | bigint): string {
  const s = formatUnits(BigInt(wei), 18);
  const [i, f = ""] = s.split(".");
  const frac = f.slice(0, 4).replace(/0+$/, "");
  return frac ? `${i}.${frac}` : i!;
}

export const num = (x: number | null | undefined, digits = 4) =>
  x === null || x === undefined || Number.isNaN(x) ? "–" : x.toFixed(digits);

/** A score's max feature exposure with the feature it is against, e.g. "0.0812 (feature_3)". */
export const exposure = (s: { maxFeatureExposure: number | null; maxFeature: string | null }) =>
  s.maxFeatureExposure === null ? "–" : `${num(s.maxFeatureExposure)} (${s.maxFeature})`;

export function Signed(props: { value: number | bigint; children: Child }) {
  const v =
    typeof props.value === "bigint"
      ? Number(props.value > 0n) - Number(props.value < 0n)
      : props.value;
  return <span class={v > 0 ? "pos" : v < 0 ? "neg" : ""}>{props.children}</span>;
}

export const short = (h: string) => (h.length > 14 ? `${h.slice(0, 8)}…${h.slice(-4)}` : h);

export function Hash(props: { value: string | null | undefined }) {
  if (!props.value) return <span class="muted">–</span>;
  return (
    <code class="hash" title={props.value}>
      {props.value}
    </code>
  );
}
