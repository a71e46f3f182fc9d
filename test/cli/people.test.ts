import { createCipheriv, pbkdf2Sync, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak256, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../api/client";
import { type Stack, startStack } from "../../cli/dev/stack";
import { commands } from "../../cli/registry";
import { roundData, tourney, until } from "./helpers";

/** A V3 keystore (pbkdf2, aes-128-ctr) built the way geth and ethers write them. */
function v3Keystore(privateKey: string, password: string) {
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const dk = pbkdf2Sync(password, salt, 1024, 32, "sha256");
  const cipher = createCipheriv("aes-128-ctr", dk.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([
    cipher.update(Buffer.from(privateKey.slice(2), "hex")),
    cipher.final(),
  ]);
  return {
    version: 3,
    id: "00000000-0000-4000-8000-000000000000",
    crypto: {
      cipher: "aes-128-ctr",
      cipherparams: { iv: iv.toString("hex") },
      ciphertext: ciphertext.toString("hex"),
      kdf: "pbkdf2",
      kdfparams: { c: 1024, dklen: 32, prf: "hmac-sha256", salt: salt.toString("hex") },
      mac: keccak256(Buffer.concat([dk.subarray(16, 32), ciphertext])).slice(2),
    },
  };
}

describe("tourney CLI against a live stack", { timeout: 240_000 }, () => {
  let stack: Stack;
  let dir: string;
  let env: Record<string, string>;
  const data = roundData(11);

  beforeAll(async () => {
    stack = await startStack({
      ephemeral: true,
      port: 0,
      demoAccounts: 2,
      logLevel: "silent",
      workerPollMs: 50,
    });
    dir = mkdtempSync(join(tmpdir(), "tourney-cli-"));
    env = { TOURNEY_CONFIG_DIR: join(dir, "config") };
    writeFileSync(join(dir, "live.csv"), data.live);
    writeFileSync(join(dir, "targets.csv"), data.targets);
    writeFileSync(join(dir, "good.csv"), data.preds(data.good));
  });
  afterAll(async () => {
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const run = (args: string[], extra: Record<string, string> = {}) =>
    tourney(args, { env: { ...env, ...extra }, cwd: dir });

  it("prints help for every command with exit 0, and exit 2 on bad usage", async () => {
    // Every registered command, with --help and with -h.
    const cmds = Object.keys(commands);
    expect(cmds.length).toBeGreaterThanOrEqual(14);
    const helps = await Promise.all(
      cmds.flatMap((cmd) => [run([cmd, "--help"]), run([cmd, "-h", "--json"])]),
    );
    helps.forEach((r, i) => {
      const cmd = cmds[Math.floor(i / 2)]!;
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: tourney ${cmd}\\b`));
      expect(r.stderr).toBe("");
    });
    const bad = await run(["models", "frobnicate"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown subcommand");
    expect((await run(["submit", "--model", "x"])).code).toBe(2);
  });

  it("refuses a bad key at login with the API's error code", async () => {
    const r = await run(["login", "--api", stack.info.api, "--key", "tk_nope", "--json"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unauthorized");
    expect(r.json).toMatchObject({ error: { status: 401, code: "unauthorized" } });
  });

  it("runs a data scientist's and an operator's round end to end", async () => {
    const { info } = stack;
    const alice = info.accounts[0]!;
    const op = ["--key", info.operatorKey];

    // Login stores the API, the key and the chain settings (mode 0600).
    const login = await run([
      "login",
      "--api",
      info.api,
      "--key",
      alice.apiKey,
      "--rpc",
      info.rpcUrl,
      "--tournament",
      info.contracts.tournament,
    ]);
    expect(login.code, login.stderr).toBe(0);
    const cfgPath = join(env.TOURNEY_CONFIG_DIR!, "config.json");
    expect(statSync(cfgPath).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(cfgPath, "utf8"))).toMatchObject({
      api: info.api,
      key: alice.apiKey,
    });

    // Models.
    const created = await run(["models", "create", "alpha", "--json"]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.json).toMatchObject({
      name: "alpha",
      id: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    });
    const modelId = created.json.id as string;
    const dup = await run(["models", "create", "alpha"]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("[conflict 409]");
    const list = await run(["models", "list", "--json"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.json.models).toContainEqual({ id: modelId, name: "alpha" });
    expect(["api", "config"]).toContain(list.json.source);

    // No round yet.
    const none = await run(["rounds", "current", "--json"]);
    expect(none.code).toBe(1);
    expect(none.json.error.code).toBe("not_found");

    // The operator opens a round; a data scientist's key cannot.
    const openArgs = [
      "round",
      "open",
      "--live",
      "live.csv",
      "--closes-at",
      "+1h",
      "--resolves-at",
      "+2h",
      "--stake-threshold",
      "1000000",
      "--json",
    ];
    const forbidden = await run(openArgs);
    expect(forbidden.code).toBe(1);
    expect(forbidden.json.error.code).toBe("forbidden");
    const opened = await run([...openArgs, ...op]);
    expect(opened.code, opened.stderr).toBe(0);
    const n = opened.json.number as number;
    expect(opened.json.liveSha256).toMatch(/^[0-9a-f]{64}$/);

    const current = await run(["rounds", "current", "--json"]);
    expect(current.json).toMatchObject({ number: n, status: "open" });
    const human = await run(["rounds", "list"]);
    expect(human.stdout).toContain("open");

    // Download checks the hash.
    const dl = await run(["rounds", "download", "--out", "got.csv", "--json"]);
    expect(dl.code, dl.stderr).toBe(0);
    expect(dl.json).toMatchObject({ round: n, path: "got.csv", sha256: opened.json.liveSha256 });
    expect(readFileSync(join(dir, "got.csv"), "utf8")).toBe(data.live);

    // Submit by name.
    const sub = await run(["submit", "--model", "alpha", "good.csv", "--json"]);
    expect(sub.code, sub.stderr).toBe(0);
    expect(sub.json).toMatchObject({ round: n, selected: true, late: false, extraIds: 0 });
    const badSub = await run(["submit", "--model", "alpha", "live.csv", "--json"]);
    expect(badSub.code).toBe(1);
    expect(badSub.json.error.code).toMatch(/^invalid_submission/);

    // Stake on chain once the round is open there.
    const api = createClient({ baseUrl: info.api });
    await until("round opened on chain", async () =>
      (await api.rounds.get(n)).transactions.open ? true : undefined,
    );
    const key = { TOURNEY_PRIVATE_KEY: alice.privateKey };
    const refused = await run(["stake", "--model", "alpha", "1000"], key);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--yes");
    const staked = await run(["stake", "--model", "alpha", "1000", "--yes", "--json"], key);
    expect(staked.code, staked.stderr).toBe(0);
    expect(staked.json).toMatchObject({
      modelId,
      staker: alice.address,
      amount: parseEther("1000").toString(),
      tx: expect.stringMatching(/^0x/),
    });
    const pos = await run(["positions", "--json"], key);
    expect(pos.code, pos.stderr).toBe(0);
    expect(pos.json.positions).toEqual([
      {
        modelId,
        name: "alpha",
        shares: expect.any(String),
        assets: parseEther("1000").toString(),
        atRisk: parseEther("1000").toString(),
        waiting: { assets: "0", untilRound: null },
        pendingRelease: { shares: "0", assets: "0", requests: [] },
        withdrawable: { assets: "0", requests: [] },
      },
    ]);

    // Close, resolve, wait for settlement.
    const closed = await run(["round", "close", "--round", String(n), "--json", ...op]);
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.json.status).toBe("closed");
    const again = await run(["round", "close", "--round", String(n), "--json", ...op]);
    expect(again.json.error.code).toBe("round_state");
    await until("round closed on chain", async () =>
      (await api.rounds.get(n)).transactions.close ? true : undefined,
    );
    // Provisional targets for day 1 (the final file here): daily scores before resolution.
    const daily = await run([
      "round",
      "daily",
      "--round",
      String(n),
      "--day",
      "1",
      "--targets",
      "targets.csv",
      "--json",
      ...op,
    ]);
    expect(daily.code, daily.stderr).toBe(0);
    expect(daily.json).toMatchObject({ round: n, day: 1, replaced: false });
    const badDay = await run(["round", "daily", "--round", String(n), "--day", "0", ...op]);
    expect(badDay.code).toBe(2);
    const days = await until("daily scores stored", async () => {
      const r = await run([
        "scores",
        "--model",
        "alpha",
        "--round",
        String(n),
        "--daily",
        "--json",
      ]);
      return r.json?.days?.length === 1 ? r.json : undefined;
    });
    expect(days).toMatchObject({ modelId, round: n, days: [{ day: 1 }] });
    const dailyTable = await run(["scores", "--model", "alpha", "--round", String(n), "--daily"]);
    expect(dailyTable.code, dailyTable.stderr).toBe(0);
    expect(dailyTable.stdout).toContain("projected payout");
    const resolved = await run([
      "round",
      "resolve",
      "--round",
      String(n),
      "--targets",
      "targets.csv",
      "--json",
      ...op,
    ]);
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.json.status).toBe("resolved");
    const status = await run([
      "round",
      "status",
      "--round",
      String(n),
      "--wait",
      "settled",
      "--timeout",
      "60",
      "--json",
    ]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.json).toMatchObject({ number: n, status: "settled", scores: 1 });
    expect(status.json.transactions.finalize).toMatch(/^0x/);

    const scores = await run(["scores", "--model", "alpha", "--json"]);
    expect(scores.code, scores.stderr).toBe(0);
    expect(scores.json.scores).toHaveLength(1);
    expect(scores.json.scores[0]).toMatchObject({
      round: n,
      modelId,
      stakeAtRisk: parseEther("1000").toString(),
    });
    expect(scores.json.scores[0].corr).toBeGreaterThan(0);
    // Day 1 was scored on the final targets by the same code path: the same numbers.
    expect(days.days[0].corr).toBe(scores.json.scores[0].corr);
    expect(days.days[0].projectedPayout).toBe(scores.json.scores[0].payout);
    const table = await run(["scores", "--round", String(n)]);
    expect(table.stdout).toContain("corr");

    // Unstake everything; with no unfinalized round it is released at once, then withdraw.
    const un = await run(["unstake", "--model", "alpha", "all", "--yes", "--json"], key);
    expect(un.code, un.stderr).toBe(0);
    expect(un.json).toMatchObject({ modelId, withdrawable: true });
    const early = await run(["withdraw", "999", "--yes"], key);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain("no unstake request 999");
    const wd = await run(["withdraw", un.json.requestId, "--yes", "--json"], key);
    expect(wd.code, wd.stderr).toBe(0);
    expect(BigInt(wd.json.assets)).toBeGreaterThan(parseEther("1000"));
    const after = await run(["positions", "--json"], key);
    expect(after.json.positions).toEqual([]);
    expect(after.json.requests).toEqual([
      expect.objectContaining({ requestId: un.json.requestId, withdrawn: true }),
    ]);
  });

  it("reads keys from keystores: V3 decrypts, a plain key file must be private", async () => {
    const bob = stack.info.accounts[1]!;
    const v3 = join(dir, "bob.json");
    writeFileSync(v3, JSON.stringify(v3Keystore(bob.privateKey, "hunter2")));
    const ok = await run(["positions", "--keystore", v3, "--json"], {
      TOURNEY_KEYSTORE_PASSWORD: "hunter2",
    });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json.staker).toBe(bob.address);
    const wrong = await run(["positions", "--keystore", v3], {
      TOURNEY_KEYSTORE_PASSWORD: "nope",
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("wrong password");

    const plain = join(dir, "plain.json");
    writeFileSync(plain, JSON.stringify({ privateKey: bob.privateKey }), { mode: 0o644 });
    const open = await run(["positions", "--keystore", plain]);
    expect(open.code).toBe(1);
    expect(open.stderr).toContain("chmod 600");
    writeFileSync(plain, JSON.stringify({ privateKey: bob.privateKey }), { mode: 0o600 });
    const { chmodSync } = await import("node:fs");
    chmodSync(plain, 0o600);
    const fine = await run(["positions", "--keystore", plain, "--json"]);
    expect(fine.code, fine.stderr).toBe(0);
    expect(fine.json.staker).toBe(bob.address);
  });

  it("fails clearly: unknown model, missing round, env key overriding the login", async () => {
    const unknown = await run(["scores", "--model", "nosuchmodel", "--json"]);
    expect(unknown.code).toBe(1);
    expect(unknown.json.error.code).toBe("unknown_model");
    const missing = await run(["rounds", "download", "--round", "999", "--json"]);
    expect(missing.code).toBe(1);
    expect(missing.json).toMatchObject({ error: { status: 404, code: "not_found" } });
    const badEnv = await run(["models", "list"], { TOURNEY_API_KEY: "tk_bogus" });
    expect(badEnv.code).toBe(1);
    expect(badEnv.stderr).toContain("[unauthorized 401]");
    const down = await run(["rounds", "list", "--api", "http://127.0.0.1:9", "--json"]);
    expect(down.code).toBe(1);
    expect(down.json.error.code).toBe("network_error");
  });
});
