import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../../api/domain/accounts";
import { readForm } from "../../api/domain/form";
import { sha256Hex } from "../../api/domain/hash";
import { prepareLiveUpload } from "../../api/domain/live";
import { prepareValidationUpload } from "../../api/domain/validation";
import { parseApiConfig } from "../../api/env";
import { jsonLogger } from "../../api/logger";
import { type RunningApi, serveApi } from "../../api/node";
import { threadOffload } from "../../api/threads/pool";
import { type DbHandle, openDb } from "../../db";
import { liveForm } from "../helpers/api";
import { writeParquet } from "../scoring/parquet-writer";

/**
 * Opening a round converts (Parquet), validates and hashes its live file, and an operator's
 * validation upload is read and encoded: CPU work that runs on a worker thread on the Node
 * server, so other clients are answered meanwhile, with the same result and errors as in process.
 */
describe("live and validation uploads off the event loop", () => {
  let h: DbHandle;
  let api: RunningApi;
  let operator: string;
  const offload = threadOffload();
  beforeAll(async () => {
    h = await openDb({ dataDir: "memory://" });
    api = await serveApi({
      db: h.db,
      config: parseApiConfig({ PORT: "0", LOG_LEVEL: "silent" }),
      logger: jsonLogger("silent"),
    });
    operator = (
      await createAccount(
        { db: h.db },
        { name: "operator", scopes: ["read", "submit", "operator"] },
      )
    ).secret;
  });
  afterAll(async () => {
    await offload.close();
    await api?.close();
    await h?.close();
  });

  const open = (form: FormData) =>
    fetch(`${api.url}/v1/rounds`, {
      method: "POST",
      headers: { authorization: `Bearer ${operator}` },
      body: form,
    });

  const bigLive = (rows: number, features: number) => {
    const names = Array.from({ length: features }, (_, j) => `feature_${j}`);
    const lines = [`id,${names.join(",")}`];
    for (let i = 0; i < rows; i++) {
      const cells = new Array<string>(features);
      for (let j = 0; j < features; j++) cells[j] = String((i * 31 + j * 7) % 5);
      lines.push(`n${i},${cells.join(",")}`);
    }
    return `${lines.join("\n")}\n`;
  };

  it("parses a multipart form on the thread as in process; a malformed one is 400 bad_request", async () => {
    const csv = "id,feature_a\nx,1\ny,2\n";
    const req = new Request("http://local/", {
      method: "POST",
      body: liveForm(csv, { payoutCap: "0.05" }),
    });
    const type = req.headers.get("content-type")!;
    const bytes = new Uint8Array(await req.arrayBuffer());
    const here = await readForm(bytes.slice(), type);
    const there = await offload.form(bytes.slice(), type);
    expect(there).toEqual(here);
    expect(new TextDecoder().decode(there.files.live!.bytes)).toBe(csv);
    expect(there.fields).toMatchObject({ payoutCap: "0.05" });
    expect(Object.keys(there.fields).sort()).toEqual(["closesAt", "payoutCap", "resolvesAt"]);
    await expect(offload.form(new TextEncoder().encode("not a form"), type)).rejects.toMatchObject({
      code: "bad_request",
    });
    const r = await fetch(`${api.url}/v1/rounds`, {
      method: "POST",
      headers: { authorization: `Bearer ${operator}`, "content-type": type },
      body: "not a form",
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe("bad_request");
  });

  it("answers other requests while a big live file is being read", async () => {
    const csv = bigLive(5000, 600);
    const order: string[] = [];
    const opened = open(liveForm(csv)).then(async (r) => {
      order.push("open");
      return { status: r.status, body: (await r.json()) as { liveSha256: string } };
    });
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${api.url}/health`);
      await res.body?.cancel();
      order.push(`health ${i}`);
    }
    const done = await opened;
    expect(done.status).toBe(201);
    expect(done.body.liveSha256).toBe(sha256Hex(csv));
    expect(order).toEqual(["health 0", "health 1", "health 2", "open"]);
  });

  it("gives the in-process result for a Parquet file", async () => {
    const ids = ["a", "b", "c"];
    const bytes = writeParquet(ids, {
      feature_x: Float64Array.from([0.25, 1, 0]),
      feature_y: Float64Array.from([4, 3, 2]),
    });
    const threaded = await offload.live(bytes);
    const local = await prepareLiveUpload(bytes);
    expect(threaded.format).toBe("parquet");
    expect(threaded.sha256).toBe(local.sha256);
    expect(new TextDecoder().decode(threaded.csv)).toBe(new TextDecoder().decode(local.csv));
    expect(threaded.live).toEqual({ ids, features: ["feature_x", "feature_y"] });
  });

  it("reports the thread's validation errors with the error envelope", async () => {
    const res = await open(liveForm("id,feature_a\nn1,0.5\nn1,0.25\n"));
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe("invalid_live_file");
    expect(body.error.requestId).toBeTruthy();
    await expect(offload.live(new TextEncoder().encode("name,x\n1,2\n"))).rejects.toMatchObject({
      code: "invalid_live_file",
    });
  });

  it("reads a validation upload on the thread as in process", async () => {
    const lines = ["id,era,target,meta_model,feature_a,feature_b"];
    for (let i = 0; i < 60; i++) {
      lines.push(`v${i},${1 + (i % 3)},${(i % 5) / 4},${(i % 7) / 7},${i % 4},${(i * 3) % 5}`);
    }
    const bytes = new TextEncoder().encode(`${lines.join("\n")}\n`);
    const sent = bytes.slice();
    const threaded = await offload.validation(sent);
    // The upload moved to the thread rather than being copied on the event loop's thread.
    expect(sent.byteLength).toBe(0);
    const local = await prepareValidationUpload(bytes);
    expect(threaded).toEqual(local);
    expect(threaded.set).toMatchObject({
      rows: 60,
      hasMetaModel: true,
      features: ["feature_a", "feature_b"],
    });
    expect(threaded.eras.map((e) => e.era)).toEqual(["1", "2", "3"]);
    await expect(
      offload.validation(new TextEncoder().encode("id,era,target\na,1,0.5\na,1,0.25\n")),
    ).rejects.toMatchObject({ code: "invalid_validation_file" });
  });
});
