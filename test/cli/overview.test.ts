import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { commands } from "../../cli/registry";
import { tourney } from "./helpers";

const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };

describe("tourney --help and --version", () => {
  it("--help, -h and help list every registered command with its summary, exit 0", async () => {
    for (const flag of ["--help", "-h", "help"]) {
      const r = await tourney([flag]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe("");
      expect(r.stdout).toMatch(/^Usage: tourney <command> \[options\]\n/);
      for (const [name, { summary }] of Object.entries(commands)) {
        expect(r.stdout).toContain(`  ${name} `);
        expect(r.stdout).toContain(summary);
      }
      expect(r.stdout).toContain("--version");
    }
  });

  it("--version and -v print the package's version, exit 0", async () => {
    for (const flag of ["--version", "-v"]) {
      const r = await tourney([flag]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`tourney ${version}\n`);
    }
  });

  it("no command prints the overview with exit 2; an unknown one names it on stderr", async () => {
    const none = await tourney([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain("Commands:");
    const bad = await tourney(["frobnicate"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown command "frobnicate"');
    expect(bad.stderr).toContain("Commands:");
  });
});
