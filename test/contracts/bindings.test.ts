import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { stakeTokenAbi, tournamentAbi, tournamentBytecode } from "../../contracts/ts";

const contracts = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "contracts");
const bin = join(contracts, "..", "node_modules", ".bin");

describe("contract bindings", () => {
  it("match the forge artifacts (built first if missing)", () => {
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` };
    if (!existsSync(join(contracts, "out", "Tournament.sol", "Tournament.json"))) {
      execFileSync("forge", ["build", "--skip", "test", "script"], { cwd: contracts, env });
    }
    // Throws (non-zero exit) when contracts/ts/generated/abi.ts is stale.
    const out = execFileSync("node", ["scripts/gen-bindings.mjs", "--check"], {
      cwd: contracts,
      env,
      encoding: "utf8",
    });
    expect(out).toContain("up to date");
  }, 300_000);

  it("expose the functions the worker calls", () => {
    const names = new Set<string>(
      tournamentAbi.filter((x) => x.type === "function").map((x) => x.name),
    );
    for (const fn of [
      "stake",
      "stakeWithPermit",
      "requestUnstake",
      "withdraw",
      "fundRewards",
      "openRound",
      "closeRound",
      "resolveRound",
      "settle",
      "finalizeRound",
      "stakeAtRisk",
      "modelStake",
      "positionOf",
      "rewardPool",
      "round",
    ]) {
      expect(names.has(fn), fn).toBe(true);
    }
    expect(stakeTokenAbi.some((x) => x.type === "function" && x.name === "mint")).toBe(true);
    expect(tournamentBytecode).toMatch(/^0x[0-9a-f]{1000,}$/);
  });
});
