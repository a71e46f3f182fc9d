import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../api/client";
import { type Stack, startStack } from "../../cli/dev/stack";
import { tournamentAbi } from "../../contracts/ts";
import { roundData, tourney, until } from "./helpers";

/**
 * `tourney positions` through two overlapping rounds on a real anvil (the README's worked
 * example: a stake after a close waits, a request after a close stays at risk until that round
 * is final), the same figures from GET /v1/stakes, and `tourney round cancel` before and after
 * the cancellation time (anvil's evm_increaseTime).
 */
describe("staking v2 through the CLI: positions across two overlapping rounds, cancel", {
  timeout: 300_000,
}, () => {
  let stack: Stack;
  let dir: string;
  const data = roundData(23);

  beforeAll(async () => {
    stack = await startStack({
      ephemeral: true,
      port: 0,
      demoAccounts: 2,
      logLevel: "silent",
      workerPollMs: 50,
    });
    dir = mkdtempSync(join(tmpdir(), "tourney-staking-"));
    writeFileSync(join(dir, "live.csv"), data.live);
    writeFileSync(join(dir, "targets.csv"), data.targets);
    writeFileSync(join(dir, "good.csv"), data.preds(data.good));
  });
  afterAll(async () => {
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("shows at risk, waiting, pending release and withdrawable, and cancels only once overdue", async () => {
    const { info } = stack;
    const [alice, bob] = [info.accounts[0]!, info.accounts[1]!];
    const chainEnv = {
      TOURNEY_CONFIG_DIR: join(dir, "config"),
      TOURNEY_RPC_URL: info.rpcUrl,
      TOURNEY_TOURNAMENT: info.contracts.tournament,
      TOURNEY_API: info.api,
    };
    const run = (args: string[], key?: string) =>
      tourney(args, {
        env: { ...chainEnv, ...(key ? { TOURNEY_PRIVATE_KEY: key } : {}) },
        cwd: dir,
      });
    const op = ["--key", info.operatorKey];
    const api = createClient({ baseUrl: info.api });
    const onChain = (n: number, tx: "open" | "close") =>
      until(`round ${n} ${tx} on chain`, async () =>
        (await api.rounds.get(n)).transactions[tx] ? true : undefined,
      );
    const open = async () => {
      const r = await run(
        [
          "round",
          "open",
          "--live",
          "live.csv",
          "--closes-at",
          "+1h",
          "--resolves-at",
          "+2h",
          "--json",
          ...op,
        ],
        undefined,
      );
      expect(r.code, r.stderr).toBe(0);
      await onChain(r.json.number, "open");
      return r.json.number as number;
    };
    const close = async (n: number) => {
      const r = await run(["round", "close", "--round", String(n), "--json", ...op]);
      expect(r.code, r.stderr).toBe(0);
      await onChain(n, "close");
    };
    const positions = async (key: string) => {
      const r = await run(["positions", "--json"], key);
      expect(r.code, r.stderr).toBe(0);
      return r.json.positions as any[];
    };

    // Alice's model, with a submission in round A.
    const modelRes = await fetch(`${info.api}/v1/models`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "staked" }),
    });
    const modelId = ((await modelRes.json()) as { id: `0x${string}` }).id;
    const a = await open();
    const sub = await run(["submit", "--model", modelId, "good.csv", "--key", alice.apiKey]);
    expect(sub.code, sub.stderr).toBe(0);

    // 1. Round A open: alice stakes 1,000, at risk at once.
    const staked = await run(["stake", "--model", modelId, "1000", "--yes"], alice.privateKey);
    expect(staked.code, staked.stderr).toBe(0);
    expect((await positions(alice.privateKey))[0]).toMatchObject({
      atRisk: parseEther("1000").toString(),
      waiting: { assets: "0", untilRound: null },
    });

    // 2. A closes, B opens. 3. Bob stakes 500 (waits for A), alice requests 400 (at risk in A).
    await close(a);
    const b = await open();
    const late = await run(["stake", "--model", modelId, "500", "--yes"], bob.privateKey);
    expect(late.code, late.stderr).toBe(0);
    const un = await run(
      ["unstake", "--model", modelId, "400", "--yes", "--json"],
      alice.privateKey,
    );
    expect(un.code, un.stderr).toBe(0);
    expect(un.json).toMatchObject({ releaseRound: a, withdrawable: false });
    const requestId = Number(un.json.requestId);
    const [aliceWaiting] = await positions(alice.privateKey);
    expect(aliceWaiting).toMatchObject({
      modelId,
      atRisk: parseEther("600").toString(),
      waiting: { assets: "0", untilRound: null },
      pendingRelease: {
        assets: parseEther("400").toString(),
        requests: [{ requestId: String(requestId), releaseRound: a }],
      },
      withdrawable: { assets: "0", requests: [] },
    });
    const [bobWaiting] = await positions(bob.privateKey);
    expect(bobWaiting).toMatchObject({
      atRisk: "0",
      waiting: { assets: parseEther("500").toString(), untilRound: a },
      pendingRelease: { requests: [] },
    });
    const table = await run(["positions"], bob.privateKey);
    expect(table.stdout).toContain(`joins after round ${a}`);
    await close(b);

    // B cannot be cancelled while A, before it, is unfinalized.
    const outOfOrder = await run(
      ["round", "cancel", "--round", String(b), "--yes", "--json"],
      bob.privateKey,
    );
    expect(outOfOrder.code).toBe(1);
    expect(outOfOrder.json.error.code).toBe("out_of_order");

    // 5-6. A resolves and is finalized: the request leaves at A's price, bob's stake joins.
    const resolved = await run([
      "round",
      "resolve",
      "--round",
      String(a),
      "--targets",
      "targets.csv",
      ...op,
    ]);
    expect(resolved.code, resolved.stderr).toBe(0);
    const status = await run([
      "round",
      "status",
      "--round",
      String(a),
      "--wait",
      "settled",
      "--timeout",
      "90",
    ]);
    expect(status.code, status.stderr).toBe(0);
    const payout = BigInt((await api.rounds.scores(a)).scores[0]!.payout);
    const price = (x: bigint) =>
      (x * (parseEther("1000") + payout + 1n)) / (parseEther("1000") + 1n);
    const [aliceAfter] = await positions(alice.privateKey);
    const released = BigInt(aliceAfter.withdrawable.assets);
    expect(aliceAfter.withdrawable.requests).toEqual([
      { requestId: String(requestId), assets: released.toString() },
    ]);
    // The 400 tokens' worth of shares left at A's price, so they carry A's result.
    expect(released).toBe(price(BigInt(aliceWaiting.pendingRelease.shares)));
    expect(BigInt(aliceAfter.atRisk) + released).toBeLessThanOrEqual(parseEther("1000") + payout);
    expect(BigInt(aliceAfter.atRisk) + released).toBeGreaterThanOrEqual(
      parseEther("1000") + payout - 2n,
    );
    expect(aliceAfter.pendingRelease.requests).toEqual([]);
    const [bobAfter] = await positions(bob.privateKey);
    expect(bobAfter.waiting).toEqual({ assets: "0", untilRound: null });
    expect(BigInt(bobAfter.atRisk)).toBeGreaterThan(parseEther("499.99"));
    expect(BigInt(bobAfter.atRisk)).toBeLessThanOrEqual(parseEther("500"));

    // The indexer serves the same four figures.
    const served = await until("indexed release", async () => {
      const res = await fetch(`${info.api}/v1/stakes?address=${alice.address}`);
      const body = (await res.json()) as { positions: any[] };
      const p = body.positions[0];
      return p?.withdrawable.requests.length === 1 ? p : undefined;
    });
    expect(served).toMatchObject({
      modelId,
      atRisk: aliceAfter.atRisk,
      waiting: { assets: "0", untilRound: null },
      pendingRelease: { shares: "0", requests: [] },
      withdrawable: {
        assets: released.toString(),
        requests: [{ requestId, assets: released.toString() }],
      },
    });

    // B is unresolved: too early to cancel, and the CLI says when it becomes possible.
    const early = await run(["round", "cancel", "--round", String(b), "--yes"], bob.privateKey);
    expect(early.code).toBe(1);
    const { createPublicClient, http } = await import("viem");
    const client = createPublicClient({ transport: http(info.rpcUrl) });
    const at = await client.readContract({
      address: info.contracts.tournament,
      abi: tournamentAbi,
      functionName: "cancellableAt",
      args: [BigInt(b)],
    });
    expect(early.stderr).toContain(
      `becomes cancellable at ${new Date(Number(at) * 1000).toISOString()}`,
    );
    // Past resolvesAt + the grace period on the chain's clock: anyone may cancel.
    const block = await client.getBlock();
    const rpc = (method: string, params: unknown[]) =>
      fetch(info.rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      });
    await rpc("evm_increaseTime", [Number(at - block.timestamp) + 60]);
    await rpc("evm_mine", []);
    const cancelled = await run(
      ["round", "cancel", "--round", String(b), "--yes", "--json"],
      bob.privateKey,
    );
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.json).toMatchObject({ round: b, caller: bob.address });
    const onChainB = await client.readContract({
      address: info.contracts.tournament,
      abi: tournamentAbi,
      functionName: "round",
      args: [BigInt(b)],
    });
    expect(onChainB.status).toBe(5);
    // Nothing of B's landed: the positions are what they were.
    expect((await positions(alice.privateKey))[0].atRisk).toBe(aliceAfter.atRisk);
    // The indexer records the cancellation from the RoundCancelled event, before any targets.
    const statusB = await run([
      "round",
      "status",
      "--round",
      String(b),
      "--wait",
      "cancelled",
      "--timeout",
      "60",
      "--json",
    ]);
    expect(statusB.code, statusB.stderr).toBe(0);
    expect(statusB.json).toMatchObject({ number: b, status: "cancelled", scores: 0 });
    // Targets for a cancelled round are refused: nothing of it will be scored or settled.
    const resolveB = await run([
      "round",
      "resolve",
      "--round",
      String(b),
      "--targets",
      "targets.csv",
      "--json",
      ...op,
    ]);
    expect(resolveB.code).toBe(1);
    expect(resolveB.json.error.code, resolveB.stdout + resolveB.stderr).toBe("round_state");
    // And alice withdraws what A released.
    const wd = await run(["withdraw", String(requestId), "--yes", "--json"], alice.privateKey);
    expect(wd.code, wd.stderr).toBe(0);
    expect(wd.json.assets).toBe(released.toString());
  });
});
