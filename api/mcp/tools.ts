import { z } from "@hono/zod-openapi";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import * as daily from "../routes/daily-scores";
import * as diagnostics from "../routes/diagnostics";
import * as leaderboard from "../routes/leaderboard";
import * as models from "../routes/models";
import * as rounds from "../routes/rounds";
import * as scores from "../routes/scores";
import * as stakes from "../routes/stakes";

/** Largest CSV text `submit_predictions`, `run_diagnostics` and `submit_diagnostics` take (a tool call is one JSON message). */
export const MCP_MAX_CSV_CHARS = 10 * 1024 * 1024;

/** Longest `get_diagnostics` waits for a report (below MCP clients' usual 60 s request timeout). */
export const MCP_MAX_WAIT_SECONDS = 50;
const DIAGNOSTICS_POLL_MS = 1_000;

/** Calls one REST endpoint in process, as the tool's caller (same key, same rules). */
export type RestCall = (
  method: string,
  path: string,
  body?: { json?: unknown; csv?: string },
) => Promise<{ status: number; data: unknown }>;

export type VerifyRound = (round: number) => Promise<unknown>;

/** The zod object a route declares for part of its request (query, params or JSON body). */
type Obj = z.ZodObject<z.ZodRawShape>;
const query = (r: { request?: { query?: unknown } }) => r.request!.query as Obj;
const params = (r: { request?: { params?: unknown } }) => r.request!.params as Obj;
const jsonBody = (r: { request?: { body?: unknown } }) =>
  (r.request!.body as { content: { "application/json": { schema: Obj } } }).content[
    "application/json"
  ].schema;

const text = (data: unknown, isError = false) => ({
  content: [{ type: "text" as const, text: JSON.stringify(data, null, 2) }],
  ...(isError ? { isError: true } : { structuredContent: data as Record<string, unknown> }),
});

const result = (res: { status: number; data: unknown }) =>
  text(res.data, res.status < 200 || res.status >= 300);

const qs = (v: Record<string, unknown>) => {
  const q = new URLSearchParams();
  for (const [k, x] of Object.entries(v)) if (x !== undefined) q.set(k, String(x));
  const s = q.toString();
  return s ? `?${s}` : "";
};

/**
 * Registers Tourney's tools on an MCP server. Each is a thin call of the REST endpoint that
 * does the same thing (its route's handler and domain rules, in process, as the calling key),
 * and its input schema is built from that route's own zod request schemas.
 */
export function registerTools(server: McpServer, call: RestCall, verify: VerifyRound) {
  const ModelIdArg = params(models.routes.get).shape.id!;

  server.registerTool(
    "get_current_round",
    {
      description:
        "The round open for submissions: number, close/resolve times, hashes, payout parameters.",
      inputSchema: {},
    },
    async () => result(await call("GET", "/v1/rounds/current")),
  );

  server.registerTool(
    "list_rounds",
    {
      description: "Rounds, newest first (cursor: the previous page's nextCursor).",
      inputSchema: query(rounds.routes.list).shape,
    },
    async (a) => result(await call("GET", `/v1/rounds${qs(a)}`)),
  );

  server.registerTool(
    "get_leaderboard",
    {
      description:
        "Models ranked by reputation (mean round score over their last 52 scored rounds).",
      inputSchema: query(leaderboard.route).shape,
    },
    async (a) => result(await call("GET", `/v1/leaderboard${qs(a)}`)),
  );

  server.registerTool(
    "get_model",
    { description: "A model by its bytes32 id.", inputSchema: params(models.routes.get).shape },
    async (a) => result(await call("GET", `/v1/models/${a.id}`)),
  );

  server.registerTool(
    "get_model_scores",
    {
      description:
        "A model's final scores per round (CORR, MMC, FNC, stake at risk, payout), newest first; " +
        "with `round` and `daily: true`, its daily scores in that round before resolution.",
      inputSchema: {
        id: ModelIdArg,
        ...query(scores.routes.byModel).shape,
        round: query(daily.routes.byModelDaily).shape.round!,
        daily: z.boolean().optional().openapi({ description: "daily scores of `round`" }),
      },
    },
    async ({ id, daily: wantDaily, round, ...page }) =>
      result(
        wantDaily
          ? await call("GET", `/v1/models/${id}/scores/daily${qs({ round })}`)
          : await call("GET", `/v1/models/${id}/scores${qs(page)}`),
      ),
  );

  server.registerTool(
    "create_model",
    {
      description:
        "Create a model for the calling account; returns its bytes32 id (what stakers stake on).",
      inputSchema: jsonBody(models.routes.create).shape,
    },
    async (a) => result(await call("POST", "/v1/models", { json: a })),
  );

  server.registerTool(
    "submit_predictions",
    {
      description:
        "Submit a model's predictions for the open round (or `round`): CSV text `id,prediction`, " +
        `at most ${MCP_MAX_CSV_CHARS} characters. Returns the submission id, SHA-256 and whether it is selected.`,
      inputSchema: {
        id: ModelIdArg,
        csv: z.string().min(1).max(MCP_MAX_CSV_CHARS).openapi({ description: "CSV id,prediction" }),
        round: z.number().int().positive().optional(),
      },
    },
    async ({ id, csv, round }) =>
      result(await call("POST", `/v1/models/${id}/submissions${qs({ round })}`, { csv })),
  );

  server.registerTool(
    "run_diagnostics",
    {
      description:
        "Validation diagnostics of a model (per-era CORR, mean, std, sharpe, max drawdown) from CSV " +
        "text `id,era,prediction,target`; nothing is stored.",
      inputSchema: {
        id: params(diagnostics.routes.route).shape.id!,
        csv: z.string().min(1).max(MCP_MAX_CSV_CHARS),
      },
    },
    async ({ id, csv }) => result(await call("POST", `/v1/models/${id}/diagnostics`, { csv })),
  );

  server.registerTool(
    "submit_diagnostics",
    {
      description:
        "Post a model's validation predictions for diagnostics against the operator's validation " +
        "set (`GET /v1/validation`): CSV text `id,prediction` (every id of the set, once) or " +
        "`ids` with `predictions`. A worker scores every era (CORR, MMC, FNC, max feature " +
        "exposure, summaries) and keeps the report; the answer is the diagnostics id (dgn_...) " +
        "to read with `get_diagnostics`. Errors as the REST endpoint: `no_validation_set`, " +
        "`diagnostics_unknown_ids`, `diagnostics_missing_ids`, `diagnostics_duplicate_ids`, " +
        "`invalid_diagnostics`.",
      inputSchema: {
        id: params(diagnostics.routes.route).shape.id!,
        csv: z
          .string()
          .min(1)
          .max(MCP_MAX_CSV_CHARS)
          .optional()
          .openapi({ description: "CSV id,prediction (no era or target column)" }),
        ids: z.array(z.string()).min(1).optional().openapi({ description: "with `predictions`" }),
        predictions: z
          .array(z.number())
          .min(1)
          .optional()
          .openapi({ description: "one per id of `ids`, in the same order" }),
      },
    },
    async ({ id, csv, ids, predictions }) => {
      const bad = (message: string) =>
        text({ error: { code: "invalid_diagnostics", message } }, true);
      if ((csv === undefined) === (ids === undefined && predictions === undefined)) {
        return bad("Give either `csv` or `ids` with `predictions`");
      }
      if (csv !== undefined) {
        // The columns pick the REST form: era or target columns would score statelessly.
        const header = csv.slice(0, csv.search(/\r?\n|$/)).split(",");
        const columns = header.map((c) => c.trim().replace(/^"|"$/g, "").toLowerCase());
        if (columns.includes("era") || columns.includes("target")) {
          return bad(
            "`csv` has era or target columns: this tool scores against the operator's " +
              "validation set (columns id,prediction); run_diagnostics takes your own eras and targets",
          );
        }
        return result(await call("POST", `/v1/models/${id}/diagnostics`, { csv }));
      }
      if (!ids || !predictions || ids.length !== predictions.length) {
        return bad("`ids` and `predictions` must both be given, of the same length");
      }
      return result(
        await call("POST", `/v1/models/${id}/diagnostics`, { json: { ids, predictions } }),
      );
    },
  );

  server.registerTool(
    "get_diagnostics",
    {
      description:
        "Stored diagnostics of a model by id (dgn_...): `status` (queued, running, done, failed), " +
        "the report when done (per-era CORR, MMC, FNC, exposure; mean, std, sharpe, max drawdown " +
        "of each series), the reason when failed. `waitSeconds` keeps asking until it is done or " +
        "failed, up to that long.",
      inputSchema: {
        id: params(diagnostics.routes.getRoute).shape.id!,
        did: params(diagnostics.routes.getRoute).shape.did!,
        waitSeconds: z
          .number()
          .min(0)
          .max(MCP_MAX_WAIT_SECONDS)
          .optional()
          .openapi({
            description: `wait up to this long (at most ${MCP_MAX_WAIT_SECONDS}) for the end`,
          }),
      },
    },
    async ({ id, did, waitSeconds }) => {
      const path = `/v1/models/${id}/diagnostics/${did}`;
      const until = Date.now() + (waitSeconds ?? 0) * 1000;
      for (;;) {
        const res = await call("GET", path);
        const status = (res.data as { status?: string } | null)?.status;
        const pending = res.status === 200 && (status === "queued" || status === "running");
        if (!pending || Date.now() + DIAGNOSTICS_POLL_MS > until) return result(res);
        await new Promise((r) => setTimeout(r, DIAGNOSTICS_POLL_MS));
      }
    },
  );

  server.registerTool(
    "get_positions",
    {
      description:
        "A staker's positions and unstake requests (default: the wallet linked to the calling account).",
      inputSchema: query(stakes.routes.byAddress).shape,
    },
    async (a) => result(await call("GET", `/v1/stakes${qs(a)}`)),
  );

  server.registerTool(
    "verify_round",
    {
      description:
        "Recompute a scored round from its public bundle and check it against the chain (what " +
        "`tourney verify` does): hashes, Merkle roots, stakes, every score, payout and daily score.",
      inputSchema: params(rounds.routes.get).shape,
    },
    async (a) => {
      try {
        return text(await verify(a.number as number));
      } catch (err) {
        return text({ error: { code: "verify_failed", message: (err as Error).message } }, true);
      }
    },
  );
}
