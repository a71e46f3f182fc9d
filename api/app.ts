import { HTTPException } from "hono/http-exception";
import type { AppServices } from "./context";
import { dbNonceStore } from "./domain/nonces";
import { ApiError, errorBody } from "./errors";
import { type App, newHonoApp } from "./hono-app";
import { authenticate } from "./middleware/auth";
import { idempotency } from "./middleware/idempotency";
import { rateLimit } from "./middleware/rate-limit";
import * as accounts from "./routes/accounts";
import * as dailyScores from "./routes/daily-scores";
import * as diagnostics from "./routes/diagnostics";
import * as docs from "./routes/docs";
import * as health from "./routes/health";
import * as keys from "./routes/keys";
import * as leaderboard from "./routes/leaderboard";
import * as mcp from "./routes/mcp";
import * as models from "./routes/models";
import * as rounds from "./routes/rounds";
import * as scores from "./routes/scores";
import * as stakes from "./routes/stakes";
import * as submissions from "./routes/submissions";
import * as verify from "./routes/verify";
import * as wallet from "./routes/wallet";
import * as webhooks from "./routes/webhooks";
import { web } from "./web";

export type { App } from "./hono-app";

/** Builds the Hono app; the Node and Workers entries both serve this. */
export function createApp(input: AppServices): App {
  const services: AppServices = {
    ...input,
    nonces: input.nonces ?? dbNonceStore(input.db, input.config.SIWE_NONCE_TTL_SECONDS * 1000),
  };
  const app = newHonoApp();

  app.use("*", async (c, next) => {
    const requestId = c.req.header("x-request-id") ?? crypto.randomUUID();
    c.set("requestId", requestId);
    c.set("services", services);
    c.header("X-Request-Id", requestId);
    const start = performance.now();
    await next();
    services.logger.info("request", {
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - start) * 10) / 10,
    });
  });
  app.use("/v1/*", authenticate);
  app.use("/v1/*", rateLimit(services.config.RATE_LIMIT_PER_MINUTE));
  app.use("/v1/*", idempotency);

  app.onError((err, c) => {
    const requestId = c.get("requestId");
    if (err instanceof ApiError) return c.json(errorBody(err, requestId), err.status);
    if (err instanceof HTTPException) {
      const code =
        err.status === 413
          ? "payload_too_large"
          : err.status === 415
            ? "unsupported_media_type"
            : "bad_request";
      return c.json(errorBody(new ApiError(code, err.message), requestId), err.status);
    }
    services.logger.error("unhandled", { requestId, err: String((err as Error).stack ?? err) });
    return c.json(errorBody(new ApiError("internal", "Internal error"), requestId), 500);
  });
  app.notFound((c) =>
    c.json(errorBody(new ApiError("not_found", `No route ${c.req.method} ${c.req.path}`)), 404),
  );

  for (const r of [
    health,
    accounts,
    keys,
    wallet,
    models,
    submissions,
    diagnostics,
    rounds,
    scores,
    dailyScores,
    stakes,
    leaderboard,
    verify,
    webhooks,
    mcp,
    docs,
  ]) {
    r.register(app);
  }
  app.route("/", web());
  return app;
}
