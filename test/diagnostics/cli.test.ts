import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../api/client";
import { createAccount } from "../../api/domain/accounts";
import { parseApiConfig } from "../../api/env";
import { jsonLogger } from "../../api/logger";
import { type RunningApi, serveApi } from "../../api/node";
import { type DbHandle, openDb } from "../../db";
import { type RunningWorker, startWorker } from "../../workers/runner";
import { tourney } from "../cli/helpers";
import { closeTo, validationData } from "./data";

const quiet = { info() {}, warn() {}, error() {} };

describe("tourney diagnostics --model against an API and a worker", { timeout: 180_000 }, () => {
  let h: DbHandle;
  let api: RunningApi;
  let worker: RunningWorker;
  let dir: string;
  let key: string;
  let operatorKey: string;
  const data = validationData(21, 4, 30, 3);

  beforeAll(async () => {
    h = await openDb({ dataDir: "memory://" });
    api = await serveApi({
      db: h.db,
      config: parseApiConfig({ LOG_LEVEL: "silent", PORT: "0" }),
      logger: jsonLogger("silent"),
    });
    worker = startWorker(
      { db: h.db, chain: undefined as never, logger: quiet, settleBatch: 10 },
      { indexer: false, pollMs: 50 },
    );
    operatorKey = (
      await createAccount(
        { db: h.db },
        { name: "operator", scopes: ["read", "submit", "operator"] },
      )
    ).secret;
    const anon = createClient({ baseUrl: api.url });
    key = (await anon.accounts.create("scientist")).apiKey;
    await createClient({ baseUrl: api.url, apiKey: key }).models.create("diag-model");
    dir = mkdtempSync(join(tmpdir(), "tourney-diag-"));
    writeFileSync(join(dir, "validation.csv"), data.validationCsv());
    writeFileSync(join(dir, "preds.csv"), data.predictionsCsv());
    writeFileSync(join(dir, "short.csv"), data.predictionsCsv([0.1, 0.2], ["nobody", "else"]));
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const run = (args: string[]) =>
    tourney(["diagnostics", ...args, "--api", api.url, "--key", key], {
      cwd: dir,
      env: { TOURNEY_CONFIG_DIR: join(dir ?? tmpdir(), "config"), TOURNEY_FROM_SOURCE: "1" },
    });

  const cli = (args: string[], apiKey: string) =>
    tourney([...args, "--api", api.url, "--key", apiKey], {
      cwd: dir,
      env: { TOURNEY_CONFIG_DIR: join(dir ?? tmpdir(), "config"), TOURNEY_FROM_SOURCE: "1" },
    });

  it("uploads the validation set with tourney round validation (operator only)", async () => {
    const refused = await cli(["round", "validation", "--file", "validation.csv"], key);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("forbidden");
    const none = await cli(["round", "validation", "--json"], operatorKey);
    expect(none.code).toBe(1);
    expect(none.json.error).toMatchObject({ code: "no_validation_set", status: 409 });
    const up = await cli(
      ["round", "validation", "--file", "validation.csv", "--json"],
      operatorKey,
    );
    expect(up.code, up.stderr).toBe(0);
    expect(up.json).toMatchObject({
      id: expect.stringMatching(/^val_/),
      eras: data.expected().eras,
      rows: data.expected().rows,
    });
    const shown = await cli(["round", "validation"], operatorKey);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`Validation set ${up.json.id}: ${up.json.rows} rows`);
  });

  it("uploads, waits and prints the stored diagnostics (--json equal to the scorer's)", async () => {
    const json = await run(["--model", "diag-model", "preds.csv", "--json"]);
    expect(json.code, json.stderr).toBe(0);
    expect(json.json).toMatchObject({ status: "done", id: expect.stringMatching(/^dgn_/) });
    const expected = JSON.parse(JSON.stringify(data.expected()));
    expect(closeTo(json.json.result, expected, 1e-12)).toEqual([]);

    const text = await run(["--model", "diag-model", "preds.csv"]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^era\s+corr\s+mmc\s+fnc\s+exposure/);
    for (const e of expected.perEra) {
      expect(text.stdout).toContain(`${e.era}  `);
      expect(text.stdout).toContain(e.corr.toFixed(6));
    }
    expect(text.stdout).toMatch(/\nfnc\s+-?\d\.\d{6}/);
    expect(text.stdout).toContain(`${expected.eras} eras, ${expected.rows} rows`);
    expect(text.stdout).toMatch(/\/models\/0x[0-9a-f]{64}\/diagnostics\/dgn_/);
  });

  it("fails with the API's code for predictions the validation set refuses", async () => {
    const res = await run(["--model", "diag-model", "short.csv"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("diagnostics_unknown_ids");
    const json = await run(["--model", "diag-model", "short.csv", "--json"]);
    expect(json.code).toBe(1);
    expect(json.json.error).toMatchObject({ code: "diagnostics_unknown_ids", status: 422 });
  });
});
