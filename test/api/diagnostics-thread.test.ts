import { describe, expect, it } from "vitest";
import { servedApi } from "../helpers/served";

/**
 * Diagnostics are CPU work (parsing, per-era correlations): on the Node server they run on a
 * worker thread, so a client asking something small is answered while a big upload is being
 * diagnosed, rather than after it.
 */
describe("diagnostics off the event loop", () => {
  const served = servedApi("diag");

  const diagnose = (body: string) =>
    fetch(`${served.url}/v1/models/${served.model}/diagnostics`, {
      method: "POST",
      headers: { "content-type": "text/csv", authorization: `Bearer ${served.key}` },
      body,
    });

  it("answers other requests while a big upload is diagnosed", async () => {
    const lines = ["id,era,prediction,target"];
    for (let i = 0; i < 150_000; i++) {
      lines.push(
        `id${i},era${i % 120},${((i * 7919) % 1000) / 1000},${((i * 104729) % 997) / 997}`,
      );
    }
    const order: string[] = [];
    const big = diagnose(`${lines.join("\n")}\n`).then(async (r) => {
      order.push("diagnostics");
      return { status: r.status, body: (await r.json()) as { rows: number; eras: number } };
    });
    // Once the upload has arrived, ask small things; each must be answered before the
    // diagnostics are done (on the event loop they would all wait for them).
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${served.url}/health`);
      await res.body?.cancel();
      order.push(`health ${i}`);
    }
    const done = await big;
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ rows: 150_000, eras: 120 });
    expect(order).toEqual(["health 0", "health 1", "health 2", "diagnostics"]);
  });

  it("reports the thread's validation errors with the error envelope", async () => {
    const res = await diagnose("id,era,prediction\na,1,0.5\n");
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe("invalid_diagnostics");
    expect(body.error.requestId).toBeTruthy();
    const constant = await diagnose("id,era,prediction,target\na,1,0.5,0.1\nb,1,0.5,0.2\n");
    expect(constant.status).toBe(422);
  });
});
