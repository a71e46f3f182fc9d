import { describe, expect, it } from "vitest";
import { servedApi } from "../helpers/served";

const diagnosticsCsv = (shift: number) => {
  const lines = ["id,era,prediction,target"];
  for (let i = 0; i < 300; i++)
    lines.push(`id${i},era${i % 3},${((i + shift) % 10) / 10},${(i % 7) / 7}`);
  return `${lines.join("\n")}\n`;
};

/** A body in 1 KB chunks with no Content-Length (chunked transfer encoding). */
const chunked = (text: string) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      const bytes = new TextEncoder().encode(text);
      for (let i = 0; i < bytes.length; i += 1024) controller.enqueue(bytes.slice(i, i + 1024));
      controller.close();
    },
  });

/**
 * On the Node server an upload's Idempotency-Key fingerprint is hashed as the body arrives
 * (api/middleware/body-limit.ts), declared or chunked: the same bytes replay, other bytes are a
 * 409, whichever way they were sent.
 */
describe("idempotent uploads on the Node server", () => {
  const served = servedApi("idem");

  const post = (body: RequestInit["body"], idem: string) =>
    fetch(`${served.url}/v1/models/${served.model}/diagnostics`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${served.key}`,
        "content-type": "text/csv",
        "idempotency-key": idem,
      },
      body,
      duplex: "half",
    } as RequestInit);

  it("replays the same bytes, declared or chunked, and refuses other bytes under the key", async () => {
    const first = await post(diagnosticsCsv(0), "k1");
    expect(first.status).toBe(200);
    const report = await first.json();
    expect(first.headers.get("idempotency-replayed")).toBeNull();
    for (const again of [
      () => post(diagnosticsCsv(0), "k1"),
      () => post(chunked(diagnosticsCsv(0)), "k1"),
    ]) {
      const r = await again();
      expect(r.status).toBe(200);
      expect(r.headers.get("idempotency-replayed")).toBe("true");
      expect(await r.json()).toEqual(report);
    }
    for (const other of [
      () => post(diagnosticsCsv(1), "k1"),
      () => post(chunked(diagnosticsCsv(1)), "k1"),
    ]) {
      const r = await other();
      expect(r.status).toBe(409);
      expect(((await r.json()) as { error: { details: unknown } }).error.details).toEqual({
        reason: "key_reused",
      });
    }
  });
});
