import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { type ExpectedModel, readJson, referenceDir, repoRoot } from "./helpers";

const run = promisify(execFile);
const bin = path.join(repoRoot, "bin", "tourney.mjs");

async function tourney(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: repoRoot });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("tourney CLI", () => {
  const tiny = path.join(referenceDir, "tiny");
  const file = (f: string) => path.join(tiny, f);

  it("score --json reproduces the tiny reference", async () => {
    const res = await tourney(
      "score",
      "--predictions",
      file("predictions.csv"),
      "--targets",
      file("targets.csv"),
      "--meta-model",
      file("meta_model.csv"),
      "--features",
      file("features.csv"),
      "--json",
    );
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    const got = JSON.parse(res.stdout) as { models: Record<string, ExpectedModel> };
    const expected = readJson<{ models: Record<string, ExpectedModel> }>(file("expected.json"));
    expect(Object.keys(got)).toEqual(["models"]);
    expect(Object.keys(got.models)).toEqual(Object.keys(expected.models));
    for (const [model, e] of Object.entries(expected.models)) {
      const g = got.models[model]!;
      expect(Object.keys(g)).toEqual(["corr", "mmc", "fnc", "maxFeatureExposure", "maxFeature"]);
      for (const k of ["corr", "mmc", "fnc", "maxFeatureExposure"] as const) {
        expect(Math.abs(g[k] - e[k]), `${model} ${k}`).toBeLessThan(1e-9);
      }
      expect(g.maxFeature).toBe(e.maxFeature);
    }
  });

  it("score --json leaves out metrics whose inputs are missing", async () => {
    const res = await tourney(
      "score",
      "--predictions",
      file("predictions.csv"),
      "--targets",
      file("targets.csv"),
      "--json",
    );
    const got = JSON.parse(res.stdout) as { models: Record<string, object> };
    expect(Object.keys(got.models.model_0!)).toEqual(["corr"]);
  });

  it("diagnostics --json reproduces the eras reference", async () => {
    const dir = path.join(referenceDir, "eras");
    const res = await tourney(
      "diagnostics",
      "--validation",
      path.join(dir, "validation.csv"),
      "--json",
    );
    expect(res.code).toBe(0);
    const got = JSON.parse(res.stdout);
    const expected = readJson<Record<string, unknown>>(path.join(dir, "expected.json"));
    expect(Object.keys(got)).toEqual(["perEra", "mean", "std", "sharpe", "maxDrawdown"]);
    expect(Object.keys(got.perEra)).toEqual(Object.keys(expected.perEra as object));
    for (const [era, v] of Object.entries(expected.perEra as Record<string, number>)) {
      expect(Math.abs(got.perEra[era] - v)).toBeLessThan(1e-9);
    }
    for (const k of ["mean", "std", "sharpe", "maxDrawdown"]) {
      expect(Math.abs(got[k] - (expected[k] as number))).toBeLessThan(1e-9);
    }
  });

  it("prints help and fails clearly on bad input", async () => {
    const help = await tourney("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/score\s+Score prediction files/);
    expect(help.stdout).toMatch(/diagnostics/);
    const scoreHelp = await tourney("score", "--help");
    expect(scoreHelp.code).toBe(0);
    expect(scoreHelp.stdout).toMatch(/--meta-model FILE/);

    const missing = await tourney("score", "--predictions", file("predictions.csv"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--targets is required/);

    const unknown = await tourney("frobnicate");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);

    // A targets file without a "target" column and with several value columns is ambiguous.
    const bad = await tourney(
      "score",
      "--predictions",
      file("predictions.csv"),
      "--targets",
      file("features.csv"),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/expected a "target" column .*\[invalid_table\]/);
    // No colours when stderr is not a TTY.
    expect(bad.stderr.includes("\u001b[")).toBe(false);
  });
});
