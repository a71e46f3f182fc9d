import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { guardedLookup } from "./address";

export interface SendResult {
  /** HTTP status, or null when no response came. */
  status: number | null;
  error: string | null;
  ms: number;
}

/**
 * POSTs a JSON body and waits at most `timeoutMs` for the response head; the response body is
 * read (up to 4 KB) and dropped. Redirects are not followed (a 3xx counts as a failure), and the
 * connection goes only to a public address unless `allowPrivate`.
 */
export function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; allowPrivate: boolean },
): Promise<SendResult> {
  const start = performance.now();
  const ms = () => Math.round(performance.now() - start);
  return new Promise((done) => {
    const u = new URL(url);
    const request = u.protocol === "https:" ? httpsRequest : httpRequest;
    let settled = false;
    const finish = (r: Omit<SendResult, "ms">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done({ ...r, ms: ms() });
    };
    const req = request(
      u,
      {
        method: "POST",
        headers: {
          ...headers,
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(body)),
          "user-agent": "Tourney-Webhooks/1",
        },
        lookup: guardedLookup(opts.allowPrivate),
      },
      (res) => {
        let read = 0;
        res.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read > 4096) res.destroy();
        });
        res.on("error", () => {});
        res.on("close", () => {
          const status = res.statusCode ?? null;
          const ok = status !== null && status >= 200 && status < 300;
          finish({ status, error: ok ? null : `HTTP ${status}` });
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`no response within ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    req.on("error", (err) => finish({ status: null, error: err.message }));
    req.end(body);
  });
}
