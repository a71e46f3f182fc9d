import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import type { AppServices } from "./context";
import { dbNonceStore } from "./domain/nonces";
import { DomainError } from "./errors";
import { type App, newHonoApp } from "./hono-app";
import { errorBody } from "./http/errors";
import { clientAddress } from "./limits/client-address";
import { memoryRateLimits } from "./limits/rate-limits";
import { authenticate } from "./middleware/auth";
import { limitBodies } from "./middleware/body-limit";
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
import * as validation from "./routes/validation";
import * as verify from "./routes/verify";
import * as wallet from "./routes/wallet";
import * as webhooks from "./routes/webhooks";
import { web } from "./web";

export type { App } from "./hono-app";

/** Builds the Hono app; the Node and Workers entries both serve this. */
export function createApp(input: AppServices): App {
  const services: AppServices = {
    clientAddress,
    ...input,
    nonces: input.nonces ?? dbNonceStore(input.db, input.config.SIWE_NONCE_TTL_SECONDS * 1000),
    rateLimits: input.rateLimits ?? memoryRateLimits(input.config),
  };
  const app = newHonoApp();

  // A client's X-Request-Id is kept when short and plain (letters, digits, _ - =), else replaced.
  app.use("*", requestId({ limitLength: 128 }));
  app.use("*", async (c, next) => {
    const requestId = c.get("requestId");
    c.set("services", services);
    const start = performance.now();
    await next();
    services.logger.info("request", {
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ...(c.error instanceof DomainError ? { code: c.error.code } : {}),
      ms: Math.round((performance.now() - start) * 10) / 10,
    });
  });
  // Headers first (cheap), then the body under its route's limit, then what reads the body.
  app.use("/v1/*", authenticate);
  app.use("/v1/*", rateLimit);
  app.use("*", limitBodies(services.config));
  app.use("/v1/*", idempotency);

  app.onError((err, c) => {
    const requestId = c.get("requestId");
    if (err instanceof DomainError) return c.json(errorBody(err, requestId), err.status);
    if (err instanceof HTTPException) {
      const code =
        err.status === 413
          ? "payload_too_large"
          : err.status === 415
            ? "unsupported_media_type"
            : "bad_request";
      return c.json(errorBody(new DomainError(code, err.message), requestId), err.status);
    }
    services.logger.error("unhandled", { requestId, err: String((err as Error).stack ?? err) });
    return c.json(errorBody(new DomainError("internal", "Internal error"), requestId), 500);
  });
  app.notFound((c) =>
    c.json(
      errorBody(
        new DomainError("not_found", `No route ${c.req.method} ${c.req.path.slice(0, 200)}`),
        c.get("requestId"),
      ),
      404,
    ),
  );

  for (const r of [
    health,
    accounts,
    keys,
    wallet,
    models,
    submissions,
    diagnostics,
    validation,
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
