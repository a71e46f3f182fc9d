/** @jsxImportSource hono/jsx */
import { createHash } from "node:crypto";
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import {
  currentRound,
  getModel,
  getRound,
  latestDailyRound,
  leaderboard,
  listRounds,
  modelDailyScores,
  modelScores,
  modelStakeView,
  modelSubmissions,
  type RoundSummary,
  roundScores,
} from "../../db";
import type { AppEnv } from "../context";
import { Histogram, ScoreChart } from "./charts";
import { DailyChart } from "./daily-chart";
import { diagnosticsPages } from "./diagnostics";
import { exposure, Hash, Layout, num, Signed, short, tokens } from "./layout";
import { stakeScript } from "./stake-script";

const COUNTDOWN = `(() => {
  const el = document.getElementById("countdown"); if (!el) return;
  const end = Date.parse(el.getAttribute("datetime"));
  const tick = () => {
    let s = Math.max(0, Math.round((end - Date.now()) / 1000));
    const d = Math.floor(s / 86400); s -= d * 86400; const h = Math.floor(s / 3600); s -= h * 3600;
    const m = Math.floor(s / 60); s -= m * 60;
    el.textContent = s + m + h + d === 0 ? "closed" : (d ? d + "d " : "") + String(h).padStart(2, "0") + ":" + String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
  };
  tick(); setInterval(tick, 1000);
})();`;

function Status(props: { value: string }) {
  return <span class="status">{props.value}</span>;
}

function RoundsTable(props: { rounds: RoundSummary[] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>Rounds, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Round</th>
            <th scope="col">Status</th>
            <th scope="col">Closes</th>
            <th scope="col">Live data SHA-256</th>
          </tr>
        </thead>
        <tbody>
          {props.rounds.map((r) => (
            <tr>
              <td>
                <a href={`/rounds/${r.number}`}>Round {r.number}</a>
              </td>
              <td>
                <Status value={r.status} />
              </td>
              <td>{r.closesAt.toISOString().replace("T", " ").slice(0, 16)} UTC</td>
              <td>
                <code title={r.liveSha256}>{short(r.liveSha256)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function notFound(what: string) {
  return (
    <Layout title="Not found">
      <h1>Not found</h1>
      <p>{what}</p>
      <p>
        <a href="/">Back to the rounds</a>
      </p>
    </Layout>
  );
}

/** The dashboard: server-rendered pages over the same db queries the API uses. */
/**
 * The dashboard's headers (hono/secure-headers): a Content-Security-Policy that runs only this
 * page's own scripts (by hash), no framing (frame-ancestors and X-Frame-Options), no plugins.
 */
const pageHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", ...[COUNTDOWN, stakeScript()].map(scriptHash)],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: "DENY",
  referrerPolicy: "no-referrer",
});

function scriptHash(script: string): string {
  return `'sha256-${createHash("sha256").update(script).digest("base64")}'`;
}

export function web() {
  const app = new Hono<AppEnv>();
  for (const path of ["/", "/leaderboard", "/models/*", "/rounds/*", "/stake"]) {
    app.use(path, pageHeaders);
  }

  app.get("/", async (c) => {
    const db = c.get("services").db;
    const [cur, recent, top] = await Promise.all([
      currentRound(db),
      listRounds(db, { limit: 10 }),
      leaderboard(db, 52, 10),
    ]);
    return c.html(
      <Layout title="Rounds" script={cur ? COUNTDOWN : undefined}>
        <h1>Tourney</h1>
        <section class="card" aria-labelledby="current-h">
          <h2 id="current-h" style="margin-top:0">
            {cur ? `Round ${cur.number} is open` : "No round is open"}
          </h2>
          {cur ? (
            <>
              <p>
                Submissions close in{" "}
                <time id="countdown" class="countdown" datetime={cur.closesAt.toISOString()}>
                  {cur.closesAt.toISOString()}
                </time>
              </p>
              <dl>
                <dt>Closes</dt>
                <dd>{cur.closesAt.toISOString()}</dd>
                <dt>Resolves</dt>
                <dd>{cur.resolvesAt.toISOString()}</dd>
                <dt>Live data</dt>
                <dd>
                  <a href={`/v1/rounds/${cur.number}/live`}>download CSV</a> · SHA-256{" "}
                  <Hash value={cur.liveSha256} />
                </dd>
              </dl>
              <p>
                <a href={`/rounds/${cur.number}`}>Round {cur.number} details</a>
              </p>
            </>
          ) : (
            <p class="muted">The operator opens the next round with its live data.</p>
          )}
        </section>
        <section aria-labelledby="rounds-h">
          <h2 id="rounds-h">Recent rounds</h2>
          {recent.length ? <RoundsTable rounds={recent} /> : <p class="muted">No rounds yet.</p>}
        </section>
        <section aria-labelledby="top-h">
          <h2 id="top-h">Top models</h2>
          <LeaderTable rows={top} />
          <p>
            <a href="/leaderboard">Full leaderboard</a>
          </p>
        </section>
      </Layout>,
    );
  });

  app.get("/leaderboard", async (c) => {
    const rows = await leaderboard(c.get("services").db, 52, 100);
    return c.html(
      <Layout title="Leaderboard">
        <h1>Leaderboard</h1>
        <p class="muted">
          Reputation: mean round score (CORR × its multiplier + MMC × its multiplier) over each
          model's last 52 scored rounds.
        </p>
        <LeaderTable rows={rows} />
      </Layout>,
    );
  });

  diagnosticsPages(app);

  app.get("/models/:id", async (c) => {
    const db = c.get("services").db;
    const id = c.req.param("id");
    if (!/^0x[0-9a-fA-F]{64}$/.test(id)) return c.html(notFound("That is not a model id."), 404);
    const model = await getModel(db, id);
    if (!model) return c.html(notFound(`No model ${id}.`), 404);
    const [scores, subs, stake, dailyRound] = await Promise.all([
      modelScores(db, model.id),
      modelSubmissions(db, model.id, 50),
      modelStakeView(db, model.id).catch(() => undefined),
      latestDailyRound(db, model.id),
    ]);
    const daily = dailyRound === undefined ? [] : await modelDailyScores(db, model.id, dailyRound);
    const total = scores.reduce((s, r) => s + BigInt(r.payout), 0n);
    return c.html(
      <Layout title={model.name}>
        <h1>
          Model <span data-model-name>{model.name}</span>
        </h1>
        <dl>
          <dt>Model id</dt>
          <dd>
            <Hash value={model.id} />
          </dd>
          <dt>Scored rounds</dt>
          <dd>{String(scores.length)}</dd>
          <dt>Total payout</dt>
          <dd>
            <Signed value={total}>{tokens(total)}</Signed>
          </dd>
          <dt>Staked (indexed)</dt>
          <dd>
            {stake?.pool
              ? `${tokens(stake.pool.totalAssets)} (${tokens(stake.pool.activeAssets)} active)`
              : "–"}
          </dd>
        </dl>
        <section aria-labelledby="chart-h">
          <h2 id="chart-h">Score history</h2>
          {scores.length ? (
            <ScoreChart rounds={scores} />
          ) : (
            <p class="muted">No scored rounds yet.</p>
          )}
        </section>
        {daily.length ? (
          <section aria-labelledby="daily-h">
            <h2 id="daily-h">Daily scores, round {String(dailyRound)}</h2>
            <p class="muted">
              Provisional: scored on the day's targets while the round resolves. Nothing is paid or
              burnt until the round's final scores.
            </p>
            <DailyChart round={dailyRound!} days={daily} />
            <div class="table-wrap">
              <table id="daily-scores">
                <thead>
                  <tr>
                    <th scope="col">Day</th>
                    <th scope="col">CORR</th>
                    <th scope="col">MMC</th>
                    <th scope="col">Projected payout</th>
                  </tr>
                </thead>
                <tbody>
                  {daily.map((d) => (
                    <tr data-day={String(d.day)}>
                      <td>{String(d.day)}</td>
                      <td>{num(d.corr)}</td>
                      <td>{num(d.mmc)}</td>
                      <td>
                        <Signed value={BigInt(d.projectedPayout)}>
                          {tokens(d.projectedPayout)}
                        </Signed>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        ) : null}
        {scores.length ? (
          <div class="table-wrap">
            <table>
              <caption>Scores per round</caption>
              <thead>
                <tr>
                  <th scope="col">Round</th>
                  <th scope="col">CORR</th>
                  <th scope="col">MMC</th>
                  <th scope="col">FNC</th>
                  <th scope="col">Max feature exposure</th>
                  <th scope="col">Stake at risk</th>
                  <th scope="col">Payout</th>
                </tr>
              </thead>
              <tbody>
                {scores.map((s) => (
                  <tr>
                    <td>
                      <a href={`/rounds/${s.round}`}>{String(s.round)}</a>
                    </td>
                    <td>
                      <Signed value={s.corr}>{num(s.corr)}</Signed>
                    </td>
                    <td>{num(s.mmc)}</td>
                    <td>{num(s.fnc)}</td>
                    <td>{exposure(s)}</td>
                    <td>{tokens(s.stakeAtRisk)}</td>
                    <td>
                      <Signed value={BigInt(s.payout)}>{tokens(s.payout)}</Signed>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <section aria-labelledby="subs-h">
          <h2 id="subs-h">Submissions</h2>
          {subs.length ? (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Round</th>
                    <th scope="col">When</th>
                    <th scope="col">Selected</th>
                    <th scope="col">SHA-256</th>
                  </tr>
                </thead>
                <tbody>
                  {subs.map((s) => (
                    <tr>
                      <td>{String(s.round)}</td>
                      <td>{s.createdAt.toISOString().replace("T", " ").slice(0, 19)}</td>
                      <td>{s.late ? "late" : s.selected ? "yes" : "no"}</td>
                      <td>
                        <code title={s.sha256}>{short(s.sha256)}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p class="muted">No submissions yet.</p>
          )}
        </section>
        <section aria-labelledby="stakes-h">
          <h2 id="stakes-h">Stakes</h2>
          {stake?.positions.length ? (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Staker</th>
                    <th scope="col">Stake</th>
                  </tr>
                </thead>
                <tbody>
                  {stake.positions.map((p) => (
                    <tr>
                      <td>
                        <code>{p.staker}</code>
                      </td>
                      <td>{tokens(p.assets)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p class="muted">No indexed stakes.</p>
          )}
          <p>
            <a href={`/stake?model=${model.id}`}>Stake on this model</a>
          </p>
        </section>
      </Layout>,
    );
  });

  app.get("/rounds/:n", async (c) => {
    const db = c.get("services").db;
    const n = Number(c.req.param("n"));
    if (!Number.isInteger(n) || n <= 0) return c.html(notFound("No such round."), 404);
    const round = await getRound(db, n);
    if (!round) return c.html(notFound(`No round ${n}.`), 404);
    const scores = await roundScores(db, n);
    const tx = [
      ["Open", round.openTx],
      ["Close", round.closeTx],
      ["Resolve", round.resolveTx],
      ["Finalize", round.finalizeTx],
    ] as const;
    const settleTxs = [...new Set(scores.map((s) => s.settleTx).filter(Boolean))] as string[];
    const names = new Map(
      await Promise.all(
        scores.map(async (s) => [s.modelId, (await getModel(db, s.modelId))?.name] as const),
      ),
    );
    return c.html(
      <Layout title={`Round ${n}`}>
        <h1>
          Round {String(n)} <Status value={round.status} />
        </h1>
        <dl>
          <dt>Opened</dt>
          <dd>{round.opensAt.toISOString()}</dd>
          <dt>Closes</dt>
          <dd>{round.closesAt.toISOString()}</dd>
          <dt>Resolves</dt>
          <dd>{round.resolvesAt.toISOString()}</dd>
          <dt>Live data SHA-256</dt>
          <dd>
            <Hash value={round.liveSha256} />
          </dd>
          <dt>Targets SHA-256</dt>
          <dd>
            <Hash value={round.targetsSha256} />
          </dd>
          <dt>Submissions root</dt>
          <dd>
            <Hash value={round.submissionsRoot} />
          </dd>
          <dt>Scores root</dt>
          <dd>
            <Hash value={round.scoresRoot} />
          </dd>
        </dl>
        <section aria-labelledby="tx-h">
          <h2 id="tx-h">On-chain transactions</h2>
          <dl id="transactions">
            {tx.map(([label, hash]) => (
              <>
                <dt>{label}</dt>
                <dd data-tx={label.toLowerCase()}>
                  <Hash value={hash} />
                </dd>
              </>
            ))}
            {settleTxs.map((h, i) => (
              <>
                <dt>{`Settle ${i + 1}`}</dt>
                <dd data-tx="settle">
                  <Hash value={h} />
                </dd>
              </>
            ))}
          </dl>
        </section>
        <section aria-labelledby="dist-h">
          <h2 id="dist-h">Score distribution</h2>
          {scores.length ? (
            <Histogram values={scores.map((s) => s.corr)} label={`CORR in round ${n}`} />
          ) : (
            <p class="muted">Not scored yet.</p>
          )}
        </section>
        {scores.length ? (
          <div class="table-wrap">
            <table>
              <caption>Scores</caption>
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col">CORR</th>
                  <th scope="col">MMC</th>
                  <th scope="col">FNC</th>
                  <th scope="col">Max feature exposure</th>
                  <th scope="col">Stake at risk</th>
                  <th scope="col">Payout</th>
                </tr>
              </thead>
              <tbody>
                {[...scores]
                  .sort((a, b) => b.corr - a.corr)
                  .map((s) => (
                    <tr>
                      <td>
                        <a href={`/models/${s.modelId}`}>
                          {names.get(s.modelId) ?? short(s.modelId)}
                        </a>
                      </td>
                      <td>
                        <Signed value={s.corr}>{num(s.corr)}</Signed>
                      </td>
                      <td>{num(s.mmc)}</td>
                      <td>{num(s.fnc)}</td>
                      <td>{exposure(s)}</td>
                      <td>{tokens(s.stakeAtRisk)}</td>
                      <td>
                        <Signed value={BigInt(s.payout)}>{tokens(s.payout)}</Signed>
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Layout>,
    );
  });

  app.get("/stake", (c) => {
    const model = c.req.query("model") ?? "";
    // From configuration only: a link must not choose the contract users approve tokens to.
    const tournament = c.get("services").config.TOURNAMENT_ADDRESS;
    return c.html(
      <Layout title="Stake" script={stakeScript()}>
        <h1>Stake</h1>
        <p>
          Connect a browser wallet to stake on a model, request an unstake, or withdraw a released
          request. Every transaction is confirmed in your wallet first.
        </p>
        <div class="row">
          <button id="connect" type="button">
            Connect wallet
          </button>
        </div>
        <p id="wallet-status" role="status" aria-live="polite" class="muted" />
        <form id="settings-form">
          <label>
            Tournament contract address
            <input
              id="tournament"
              name="tournament"
              value={tournament ?? ""}
              placeholder="0x…"
              autocomplete="off"
              readonly={tournament !== undefined}
              required
            />
          </label>
          {tournament === undefined ? (
            <p class="muted">
              This server names no Tournament contract: check the address you enter against the
              operator's published one.
            </p>
          ) : null}
          <label>
            Model id
            <input
              id="model"
              name="model"
              value={model}
              placeholder="0x… (64 hex digits)"
              autocomplete="off"
              required
            />
          </label>
          <p id="position" aria-live="polite" />
        </form>
        <h2>Stake</h2>
        <form id="stake-form">
          <label>
            Amount (tokens)
            <input id="amount" name="amount" inputmode="decimal" placeholder="100" required />
          </label>
          <button type="submit" data-needs-wallet disabled>
            Stake
          </button>
        </form>
        <h2>Unstake</h2>
        <form id="unstake-form">
          <label>
            Amount (tokens, or "all")
            <input id="unstake-amount" name="unstake-amount" placeholder="all" required />
          </label>
          <button type="submit" data-needs-wallet disabled>
            Request unstake
          </button>
        </form>
        <h2>Withdraw</h2>
        <form id="withdraw-form">
          <label>
            Unstake request id
            <input id="request-id" name="request-id" inputmode="numeric" required />
          </label>
          <button type="submit" data-needs-wallet disabled>
            Withdraw
          </button>
        </form>
      </Layout>,
    );
  });

  return app;
}

function LeaderTable(props: { rows: Awaited<ReturnType<typeof leaderboard>> }) {
  if (props.rows.length === 0) return <p class="muted">No scored models yet.</p>;
  return (
    <div class="table-wrap">
      <table id="leaderboard">
        <thead>
          <tr>
            <th scope="col">Rank</th>
            <th scope="col">Model</th>
            <th scope="col">Rounds</th>
            <th scope="col">Reputation</th>
            <th scope="col">Mean CORR</th>
            <th scope="col">Mean MMC</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r, i) => (
            <tr>
              <td>{String(i + 1)}</td>
              <td>
                <a href={`/models/${r.modelId}`}>{r.name}</a>
              </td>
              <td>{String(r.rounds)}</td>
              <td>
                <Signed value={r.reputation}>{num(r.reputation)}</Signed>
              </td>
              <td>{num(r.meanCorr)}</td>
              <td>{num(r.meanMmc)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
