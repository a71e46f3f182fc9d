import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { servedApi } from "../helpers/served";

interface Sent {
  status: number | "reset";
  body: string;
  /** Bytes the client managed to write before the answer (or the reset). */
  written: number;
  /** Whether the server closed the connection after answering. */
  closed: boolean;
}

/**
 * A raw Node request: `chunks` bodies are sent chunked (no Content-Length), `endless` keeps
 * writing 16 KB chunks until the server answers or the connection closes.
 */
function send(
  url: string,
  path: string,
  headers: Record<string, string>,
  body: { chunks?: string[]; endless?: boolean; whole?: string },
): Promise<Sent> {
  const base = new URL(url);
  return new Promise((resolve) => {
    let written = 0;
    let answered: { status: number; body: string } | undefined;
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      resolve({ status: answered?.status ?? "reset", body: answered?.body ?? "", written, closed });
    };
    const req = request(
      { host: base.hostname, port: base.port, method: "POST", path, headers, agent: false },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () => {
          answered = { status: res.statusCode!, body: text };
          // Let a closing server's FIN arrive, then report whether the socket closed.
          setTimeout(() => finish(req.socket?.destroyed ?? true), 200);
        });
      },
    );
    req.on("error", () => finish(true));
    req.on("close", () => {
      if (answered) finish(true);
    });
    if (body.whole !== undefined) {
      written = Buffer.byteLength(body.whole);
      req.end(body.whole);
      return;
    }
    if (body.chunks) {
      for (const c of body.chunks) {
        written += Buffer.byteLength(c);
        req.write(c);
      }
      req.end();
      return;
    }
    const chunk = Buffer.alloc(16 * 1024, 0x41);
    const pump = () => {
      while (!answered && !req.destroyed && written < 200 * 1024 * 1024) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
    };
    pump();
  });
}

/**
 * On the Node server, bodies are limited without Web streams (api/middleware/body-limit.ts): a
 * chunked body is counted from the socket and reading stops at the limit, the 413 closes the
 * connection so the rest is never read, and bodies within the limit reach the routes whole.
 */
describe("body limits on the Node server", () => {
  const served = servedApi("limits", { MAX_UPLOAD_BYTES: "100000", MAX_JSON_BYTES: "1000" });

  const auth = () => ({ authorization: `Bearer ${served.key}` });

  it("stops reading an endless chunked upload at its limit: 413, then the connection closes", async () => {
    const r = await send(
      served.url,
      `/v1/models/${served.model}/submissions`,
      { ...auth(), "content-type": "text/csv" },
      { endless: true },
    );
    expect(r.status, r.body).toBe(413);
    expect(JSON.parse(r.body).error).toMatchObject({ code: "payload_too_large" });
    expect(r.closed).toBe(true);
    // What the client got into the socket before the answer: the limit plus socket buffers,
    // never the 200 MB it would have sent.
    expect(r.written).toBeLessThan(100_000 + 32 * 1024 * 1024);
  });

  it("limits a chunked JSON body to MAX_JSON_BYTES and passes one within it to the route", async () => {
    const big = await send(
      served.url,
      "/v1/accounts",
      { "content-type": "application/json" },
      { chunks: ['{"name":"', "x".repeat(2000), '"}'] },
    );
    expect(big.status, big.body).toBe(413);
    expect(JSON.parse(big.body).error.code).toBe("payload_too_large");
    const ok = await send(
      served.url,
      "/v1/accounts",
      { "content-type": "application/json" },
      { chunks: ['{"name":', '"chunked', '-signup"}'] },
    );
    expect(ok.status, ok.body).toBe(201);
    expect(JSON.parse(ok.body).account).toMatchObject({ name: "chunked-signup" });
  });

  it("refuses a declared Content-Length over the limit, and serves a chunked upload within it", async () => {
    const declared = await send(
      served.url,
      `/v1/models/${served.model}/diagnostics`,
      { ...auth(), "content-type": "text/csv", "content-length": "200000" },
      { whole: "x".repeat(200_000) },
    );
    expect(declared.status, declared.body).toBe(413);
    const lines = ["id,era,prediction,target"];
    for (let i = 0; i < 400; i++) lines.push(`id${i},era${i % 4},${(i % 10) / 10},${(i % 7) / 7}`);
    const csv = `${lines.join("\n")}\n`;
    const chunks = [];
    for (let i = 0; i < csv.length; i += 1000) chunks.push(csv.slice(i, i + 1000));
    const r = await send(
      served.url,
      `/v1/models/${served.model}/diagnostics`,
      { ...auth(), "content-type": "text/csv" },
      { chunks },
    );
    expect(r.status, r.body).toBe(200);
    const d = JSON.parse(r.body);
    expect(d.modelId).toBe(served.model);
    // Every row arrived: 400 rows over 4 eras.
    expect(d).toMatchObject({ rows: 400, eras: 4 });
    expect(Object.keys(d.perEra).sort()).toEqual(["era0", "era1", "era2", "era3"]);
  });
});
