/** @jsxImportSource hono/jsx */
import type { Hono } from "hono";
import { findActiveKey, getModel } from "../../db";
import type { AppEnv } from "../context";
import { storedDiagnosticsView } from "../domain/validation-diagnostics";
import { DomainError } from "../errors";
import { chargeAuthFailure } from "../middleware/rate-limit";
import { PAD, path, scale, W } from "./charts";
import { Layout, num } from "./layout";

export interface ChartEra {
  era: string;
  corr: number;
  mmc?: number;
  fnc?: number;
}

/**
 * Per-era validation scores: CORR as bars (positive up, negative down), MMC and FNC as lines,
 * one `<g data-point data-era>` per era holding that era's marks.
 */
export function DiagnosticsChart(props: { eras: ChartEra[] }) {
  const es = props.eras;
  const H = 260;
  const x0 = PAD.l;
  const step = (W - PAD.r - x0) / Math.max(1, es.length);
  const cx = (i: number) => x0 + step * (i + 0.5);
  const vs = es.flatMap((e) => [e.corr, e.mmc ?? 0, e.fnc ?? 0, 0]);
  const y = scale(Math.min(...vs), Math.max(...vs), H - PAD.b, PAD.t);
  const bar = Math.max(1, step * 0.7);
  const labelEvery = Math.ceil(es.length / 12);
  const line = (k: "mmc" | "fnc") =>
    es.every((e) => e[k] !== undefined) ? path(es.map((e, i) => [cx(i), y(e[k]!)])) : "";
  return (
    <figure>
      <svg
        id="diagnostics-chart"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby="diagnostics-chart-title"
        width={W}
        height={H}
      >
        <title id="diagnostics-chart-title">
          {`Per-era CORR${es.some((e) => e.mmc !== undefined) ? ", MMC" : ""}${es.some((e) => e.fnc !== undefined) ? " and FNC" : ""} over ${es.length} validation era${es.length === 1 ? "" : "s"}`}
        </title>
        <line x1={x0} x2={W - PAD.r} y1={y(0)} y2={y(0)} stroke="currentColor" opacity="0.3" />
        <text x={4} y={PAD.t + 10}>
          {Math.max(...vs).toFixed(3)}
        </text>
        <text x={4} y={H - PAD.b}>
          {Math.min(...vs).toFixed(3)}
        </text>
        {es.map((e, i) => (
          <g data-point="" data-era={e.era}>
            <title>{`Era ${e.era}: CORR ${num(e.corr)}, MMC ${num(e.mmc)}, FNC ${num(e.fnc)}`}</title>
            <rect
              x={(cx(i) - bar / 2).toFixed(1)}
              y={Math.min(y(e.corr), y(0)).toFixed(1)}
              width={bar.toFixed(1)}
              height={Math.max(0.5, Math.abs(y(e.corr) - y(0))).toFixed(1)}
              fill={e.corr >= 0 ? "#1a73e8" : "#b3261e"}
              data-series="corr"
            />
            {i % labelEvery === 0 ? (
              <text x={cx(i)} y={H - 8} text-anchor="middle">
                {e.era}
              </text>
            ) : null}
          </g>
        ))}
        <path d={line("mmc")} fill="none" stroke="#e37400" stroke-width="2" data-series="mmc" />
        <path d={line("fnc")} fill="none" stroke="#188038" stroke-width="2" data-series="fnc" />
      </svg>
      <figcaption class="legend">
        <span style="--c:#1a73e8">CORR per era</span>
        {es.some((e) => e.mmc !== undefined) ? <span style="--c:#e37400">MMC</span> : null}
        {es.some((e) => e.fnc !== undefined) ? <span style="--c:#188038">FNC</span> : null}
      </figcaption>
    </figure>
  );
}

function KeyForm(props: { action: string; message?: string }) {
  return (
    <form method="post" action={props.action}>
      {props.message ? <p role="alert">{props.message}</p> : null}
      <label>
        API key (the model owner's, `read` scope; sent in this form only, never stored)
        <input type="password" name="key" autocomplete="off" required />
      </label>
      <button type="submit">Show diagnostics</button>
    </form>
  );
}

type Summary = { mean: number; std: number; sharpe: number | null; maxDrawdown: number };
type Report = {
  eras: number;
  rows: number;
  perEra: (ChartEra & { rows: number; maxFeatureExposure?: number; maxFeature?: string })[];
  corr: Summary;
  mmc?: Summary;
  fnc?: Summary;
  featureExposure?: { mean: number; max: number };
};

/**
 * `/models/:id/diagnostics/:did`: a model's stored diagnostics, for its owner only. The page asks
 * for the owner's API key in a form posted back to it (the dashboard has no login), then draws
 * the per-era chart and tables server-side. Never cached.
 */
export function diagnosticsPages(app: Hono<AppEnv>) {
  const url = (id: string, did: string) => `/models/${id}/diagnostics/${did}`;
  const valid = (id: string, did: string) =>
    /^0x[0-9a-fA-F]{64}$/.test(id) && /^dgn_[0-9a-f]{32}$/.test(did);

  app.get("/models/:id/diagnostics/:did", (c) => {
    const { id, did } = c.req.param();
    if (!valid(id, did)) return c.html(<Layout title="Not found">Not found</Layout>, 404);
    c.header("cache-control", "no-store");
    return c.html(
      <Layout title="Diagnostics">
        <h1>Validation diagnostics</h1>
        <p class="muted">
          Diagnostics <code>{did}</code> of model <a href={`/models/${id}`}>{id.slice(0, 10)}…</a>
        </p>
        <KeyForm action={url(id, did)} />
      </Layout>,
    );
  });

  app.post("/models/:id/diagnostics/:did", async (c) => {
    const { id, did } = c.req.param();
    c.header("cache-control", "no-store");
    if (!valid(id, did)) return c.html(<Layout title="Not found">Not found</Layout>, 404);
    const { db } = c.get("services");
    const form = await c.req.parseBody();
    const secret = typeof form.key === "string" ? form.key.trim() : "";
    const refuse = (status: 401 | 403 | 404, message: string) =>
      c.html(
        <Layout title="Diagnostics">
          <h1>Validation diagnostics</h1>
          <KeyForm action={url(id, did)} message={message} />
        </Layout>,
        status,
      );
    const found = secret ? await findActiveKey(db, secret) : undefined;
    if (!found) {
      await chargeAuthFailure(c);
      return refuse(401, "That key is unknown or revoked.");
    }
    if (!found.key.scopes.includes("read")) return refuse(403, "That key lacks the read scope.");
    const model = await getModel(db, id.toLowerCase());
    if (!model) return refuse(404, "No such model.");
    if (model.accountId !== found.account.id) return refuse(403, "Not your model.");
    let d: Awaited<ReturnType<typeof storedDiagnosticsView>>;
    try {
      d = await storedDiagnosticsView(db, model.id, did);
    } catch (e) {
      if (e instanceof DomainError && e.code === "not_found")
        return refuse(404, "No such diagnostics.");
      throw e;
    }
    const r = d.result as Report | null;
    const summaries = r
      ? (["corr", "mmc", "fnc"] as const).flatMap((k) => (r[k] ? [[k, r[k]!] as const] : []))
      : [];
    return c.html(
      <Layout title={`Diagnostics of ${model.name}`}>
        <h1>
          Validation diagnostics of <span data-model-name>{model.name}</span>
        </h1>
        <dl>
          <dt>Status</dt>
          <dd>
            <span class="status" data-status={d.status}>
              {d.status}
            </span>
          </dd>
          <dt>Validation set</dt>
          <dd>
            <code>{d.validationSetId}</code>
          </dd>
          {r ? (
            <>
              <dt>Eras, rows</dt>
              <dd>{`${r.eras}, ${r.rows}`}</dd>
            </>
          ) : null}
        </dl>
        {d.error ? <p role="alert">{`${d.error.message} [${d.error.code}]`}</p> : null}
        {r ? (
          <>
            <section aria-labelledby="diag-chart-h">
              <h2 id="diag-chart-h">Per-era scores</h2>
              <DiagnosticsChart eras={r.perEra} />
            </section>
            <div class="table-wrap">
              <table id="diagnostics-summary">
                <caption>Over eras (std ddof 0; sharpe = mean / std)</caption>
                <thead>
                  <tr>
                    <th scope="col">Metric</th>
                    <th scope="col">Mean</th>
                    <th scope="col">Std</th>
                    <th scope="col">Sharpe</th>
                    <th scope="col">Max drawdown</th>
                  </tr>
                </thead>
                <tbody>
                  {summaries.map(([k, s]) => (
                    <tr data-metric={k}>
                      <td>{k.toUpperCase()}</td>
                      <td>{num(s.mean)}</td>
                      <td>{num(s.std)}</td>
                      <td>{num(s.sharpe)}</td>
                      <td>{num(s.maxDrawdown)}</td>
                    </tr>
                  ))}
                  {r.featureExposure ? (
                    <tr data-metric="exposure">
                      <td>Max feature exposure</td>
                      <td>{num(r.featureExposure.mean)}</td>
                      <td>–</td>
                      <td>–</td>
                      <td>{`largest ${num(r.featureExposure.max)}`}</td>
                    </tr>
                  ) : null}
                </tbody>
              </table>
            </div>
            <div class="table-wrap">
              <table id="diagnostics-eras">
                <thead>
                  <tr>
                    <th scope="col">Era</th>
                    <th scope="col">Rows</th>
                    <th scope="col">CORR</th>
                    <th scope="col">MMC</th>
                    <th scope="col">FNC</th>
                    <th scope="col">Max exposure</th>
                  </tr>
                </thead>
                <tbody>
                  {r.perEra.map((e) => (
                    <tr data-era={e.era}>
                      <td>{e.era}</td>
                      <td>{String(e.rows)}</td>
                      <td>{num(e.corr)}</td>
                      <td>{num(e.mmc)}</td>
                      <td>{num(e.fnc)}</td>
                      <td>
                        {e.maxFeatureExposure === undefined
                          ? "–"
                          : `${num(e.maxFeatureExposure)} (${e.maxFeature})`}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        ) : (
          <KeyForm
            action={url(id, did)}
            message="Not finished yet: post the form again to refresh."
          />
        )}
      </Layout>,
    );
  });
}
