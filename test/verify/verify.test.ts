import type { RouteConfig } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { createPublicClient, type Hex, http, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routes as dailyRoutes } from "../../api/routes/daily-scores";
import { routes as modelRoutes } from "../../api/routes/models";
import { routes as roundRoutes } from "../../api/routes/rounds";
import { routes as scoreRoutes } from "../../api/routes/scores";
import { routes as submissionRoutes } from "../../api/routes/submissions";
import { routes as verifyRoutes } from "../../api/routes/verify";
import { type Stack, startStack } from "../../cli/dev/stack";
import { verifyReceipt } from "../../cli/verify/receipt";
import { type RoundBundle, verifyRound } from "../../cli/verify/round";
import { scoresMultiProof, scoresTree, tournamentAbi } from "../../contracts/ts";
import { decodePredictions, encodePredictions } from "../../db/predictions";
import { dailyScores, dailyTargets, rounds, scores, submissions } from "../../db/schema";
import { toWad } from "../../scoring";
import { createChain } from "../../workers";
import { httpSend, type SendInit, type Sent } from "../helpers/api";
import { stakerClient } from "../helpers/chain";
import { rng } from "../helpers/round-fixture";

const N = 80;
const rand = rng(99);
const ids = Array.from({ length: N }, (_, i) => `v${String(i).padStart(3, "0")}`);
const targets = ids.map(() => [0, 0.25, 0.5, 0.75, 1][Math.floor(rand() * 5)]!);
const csv = (header: string, rows: (string | number)[][]) =>
  `${header}\n${rows.map((r) => r.join(",")).join("\n")}\n`;

describe("verifiable rounds: bundle, receipts and tourney verify (anvil + PGlite)", () => {
  let stack: Stack;
  let round: number;
  const models: Hex[] = [];
  let send: <R extends RouteConfig>(route: R, init?: SendInit<R>) => Promise<Sent<R>>;
  const verify = () =>
    verifyRound({
      api: stack.info.api,
      rpc: stack.info.rpcUrl,
      tournament: stack.info.contracts.tournament,
      round,
    });
  const failed = async () => (await verify()).filter((c) => !c.ok);

  beforeAll(async () => {
    stack = await startStack({
      ephemeral: true,
      port: 0,
      demoAccounts: 2,
      logLevel: "silent",
      workerPollMs: 50,
    });
    const { info } = stack;
    send = (route, init) => httpSend(info.api, route, init);
    const form = new FormData();
    form.set(
      "live",
      new File(
        [
          csv(
            "id,f",
            ids.map((id) => [id, rand()]),
          ),
        ],
        "live.csv",
      ),
    );
    form.set("closesAt", new Date(Date.now() + 3_600_000).toISOString());
    form.set("resolvesAt", new Date(Date.now() + 7_200_000).toISOString());
    round = (await send(roundRoutes.open, { key: info.operatorKey, body: form })).data.number;
    for (const [k, acct] of info.accounts.entries()) {
      for (let m = 0; m < 2; m++) {
        const id = (
          await send(modelRoutes.create, {
            key: acct.apiKey,
            json: { name: `verify_${k}_${m}` },
          })
        ).data.id as Hex;
        models.push(id);
        const skill = rand() * 2 - 1;
        const preds = targets.map((t) =>
          Math.min(1, Math.max(0, 0.5 + 0.3 * skill * (t - 0.5) + 0.3 * (rand() - 0.5))),
        );
        const res = await send(submissionRoutes.submit, {
          params: { id },
          key: acct.apiKey,
          headers: { "content-type": "text/csv" },
          body: csv(
            "id,prediction",
            ids.map((x, i) => [x, preds[i]!]),
          ),
        });
        expect(res).toHaveStatus(201);
      }
    }
    for (
      let t = 0;
      t < 100 &&
      !(await send(roundRoutes.get, { params: { number: round } })).data.transactions.open;
      t++
    )
      await new Promise((r) => setTimeout(r, 50));
    for (const [k, acct] of info.accounts.entries()) {
      const s = stakerClient(info.rpcUrl, info.chainId, acct.privateKey, info.contracts);
      await s.stake(models[2 * k]!, parseEther(String(500 + 700 * k)));
      await s.stake(models[2 * k + 1]!, parseEther("250"));
    }
    await send(roundRoutes.close, { params: { number: round }, key: info.operatorKey });
    for (
      let t = 0;
      t < 100 &&
      !(await send(roundRoutes.get, { params: { number: round } })).data.transactions.close;
      t++
    )
      await new Promise((r) => setTimeout(r, 50));
    // Two days of provisional targets before resolution: tourney verify recomputes them too.
    for (const day of [1, 2]) {
      const df = new FormData();
      const provisional = targets.map((t, i) => ((i + day) % 3 === 0 ? 1 - t : t));
      df.set(
        "targets",
        new File(
          [
            csv(
              "id,target",
              ids.map((id, i) => [id, provisional[i]!]),
            ),
          ],
          "daily.csv",
        ),
      );
      df.set("day", String(day));
      const posted = await send(dailyRoutes.postDaily, {
        params: { number: round },
        key: info.operatorKey,
        body: df,
      });
      expect(posted).toHaveStatus(202);
      for (
        let t = 0;
        t < 200 &&
        (await send(scoreRoutes.byRound, { params: { number: round }, query: { day } })).data.scores
          .length < 4;
        t++
      )
        await new Promise((r) => setTimeout(r, 50));
    }
    const tf = new FormData();
    tf.set(
      "targets",
      new File(
        [
          csv(
            "id,target",
            ids.map((id, i) => [id, targets[i]!]),
          ),
        ],
        "targets.csv",
      ),
    );
    expect(
      await send(roundRoutes.resolve, {
        params: { number: round },
        key: info.operatorKey,
        body: tf,
      }),
    ).toHaveStatus(202);
    for (
      let t = 0;
      t < 200 &&
      (await send(scoreRoutes.byRound, { params: { number: round } })).data.status !== "settled";
      t++
    )
      await new Promise((r) => setTimeout(r, 50));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("verifies an honest round end to end", async () => {
    const checks = await verify();
    expect(checks.map((c) => c.name)).toEqual([
      "live data hash",
      "targets hash",
      "submission contents",
      "submissions root",
      "stakes at risk",
      "scores",
      "payouts",
      "scores root",
      "scores multiproof",
      "payout factor",
      "models at risk",
      "settlement events",
      "daily scores",
    ]);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.at(-1)!.detail).toContain("2 day(s) recomputed exactly (8 daily scores)");
  });

  it("verifies the round through the MCP verify_round tool too", async () => {
    const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
    const { StreamableHTTPClientTransport } = await import(
      "@modelcontextprotocol/sdk/client/streamableHttp.js"
    );
    const client = new Client({ name: "verify-test", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${stack.info.api}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${stack.info.accounts[0]!.apiKey}` } },
      }),
    );
    try {
      const res = (await client.callTool({
        name: "verify_round",
        arguments: { number: String(round) },
      })) as {
        isError?: boolean;
        content: { text: string }[];
      };
      expect(res.isError, res.content[0]!.text).toBeFalsy();
      const out = JSON.parse(res.content[0]!.text);
      expect(out.ok).toBe(true);
      expect(out.checks.map((c: { name: string }) => c.name)).toContain("daily scores");
    } finally {
      await client.close();
    }
  });

  it("gives each data scientist a receipt that proves inclusion against the chain's root", async () => {
    const subs = (await send(submissionRoutes.list, { params: { id: models[0]! } })).data
      .submissions;
    const receipt = (
      await send(verifyRoutes.receipt, { params: { id: models[0]!, sid: subs[0]!.id } })
    ).data;
    expect(receipt.included).toBe(true);
    // The API's root is null until the close is committed; the CLI's Receipt needs one.
    const committed = { ...receipt, root: receipt.root! };
    const chainRound = await createPublicClient({
      transport: http(stack.info.rpcUrl),
    }).readContract({
      address: stack.info.contracts.tournament,
      abi: tournamentAbi,
      functionName: "round",
      args: [BigInt(round)],
    });
    expect(verifyReceipt(committed, chainRound.submissionsRoot)).toBe(true);
    expect(
      verifyReceipt(
        { ...committed, leaf: { ...receipt.leaf, sha256: `0x${"1".repeat(64)}` } },
        chainRound.submissionsRoot,
      ),
    ).toBe(false);
  });

  it("catches a changed prediction", async () => {
    const db = stack.db.db;
    const [sub] = await db
      .select()
      .from(submissions)
      .where(eq(submissions.modelId, models[1]!))
      .limit(1);
    // The API stores the numbers (float64s in canonical order): change one of them.
    const values = decodePredictions(sub!.predictions!);
    const tampered = Float64Array.from(values);
    tampered[3] = 0.9999;
    await db
      .update(submissions)
      .set({ predictions: encodePredictions(tampered) })
      .where(eq(submissions.id, sub!.id));
    try {
      const bad = await failed();
      expect(bad.map((c) => c.name)).toContain("submission contents");
      expect(bad.find((c) => c.name === "submission contents")!.detail).toContain(models[1]!);
    } finally {
      await db
        .update(submissions)
        .set({ predictions: encodePredictions(values) })
        .where(eq(submissions.id, sub!.id));
    }
    expect(await failed()).toEqual([]);
  });

  it("catches a changed target", async () => {
    const db = stack.db.db;
    const [r] = await db.select().from(rounds).where(eq(rounds.number, round));
    const original = r!.targetsCsv!;
    const flipped = targets[0] === 1 ? 0 : 1;
    const tampered = original.replace(`v000,${targets[0]}\n`, `v000,${flipped}\n`);
    expect(tampered).not.toBe(original);
    await db.update(rounds).set({ targetsCsv: tampered }).where(eq(rounds.number, round));
    const bad = await failed();
    await db.update(rounds).set({ targetsCsv: original }).where(eq(rounds.number, round));
    expect(bad.map((c) => c.name)).toContain("targets hash");
    expect(await failed()).toEqual([]);
  });

  it("catches a changed payout and a changed stake", async () => {
    const db = stack.db.db;
    const [row] = await db.select().from(scores).where(eq(scores.modelId, models[2]!));
    await db
      .update(scores)
      .set({ payout: (BigInt(row!.payout) + 1n).toString() })
      .where(eq(scores.modelId, models[2]!));
    let bad = await failed();
    expect(bad.map((c) => c.name)).toContain("payouts");
    expect(bad.find((c) => c.name === "payouts")!.detail).toContain(models[2]!);
    await db
      .update(scores)
      .set({ payout: row!.payout, stakeAtRisk: (BigInt(row!.stakeAtRisk) * 2n).toString() })
      .where(eq(scores.modelId, models[2]!));
    bad = await failed();
    expect(bad.map((c) => c.name)).toEqual(["stakes at risk"]);
    expect(bad[0]!.detail).toContain(models[2]!);
    await db
      .update(scores)
      .set({ stakeAtRisk: row!.stakeAtRisk })
      .where(eq(scores.modelId, models[2]!));
    expect(await failed()).toEqual([]);
  });

  it("catches a changed daily score and a changed daily targets file", async () => {
    const db = stack.db.db;
    const one = and(eq(dailyScores.modelId, models[1]!), eq(dailyScores.day, 1));
    const [row] = await db.select().from(dailyScores).where(one);
    await db
      .update(dailyScores)
      .set({ corr: row!.corr + 1e-9 })
      .where(one);
    let bad = await failed();
    await db.update(dailyScores).set({ corr: row!.corr }).where(one);
    expect(bad.map((c) => c.name)).toEqual(["daily scores"]);
    expect(bad[0]!.detail).toContain(models[1]!);
    const [upload] = await db.select().from(dailyTargets).where(eq(dailyTargets.day, 2));
    await db
      .update(dailyTargets)
      .set({ targetsCsv: upload!.targetsCsv.replace("v001,", "v001,0") })
      .where(eq(dailyTargets.id, upload!.id));
    bad = await failed();
    await db
      .update(dailyTargets)
      .set({ targetsCsv: upload!.targetsCsv })
      .where(eq(dailyTargets.id, upload!.id));
    expect(bad.map((c) => c.name)).toEqual(["daily scores"]);
    expect(bad[0]!.detail).toContain("day 2: targets file");
    expect(await failed()).toEqual([]);
  });

  it("withholds other models' predictions until the operator's delay has passed", async () => {
    const db = stack.db.db;
    await db.update(rounds).set({ predictionsDelaySeconds: 3600 }).where(eq(rounds.number, round));
    try {
      // The route declares its answer as z.any(); `tourney verify` reads it as a RoundBundle.
      const bundle = (await send(verifyRoutes.bundle, { params: { number: round } }))
        .data as RoundBundle;
      expect(bundle.predictions?.public).toBe(false);
      expect(bundle.submissions.every((s) => s.csv === null)).toBe(true);
      const checks = await verify();
      const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
      // What the chain anchors can still be checked; recomputation has to wait.
      expect(byName["submissions root"].ok).toBe(true);
      expect(byName["stakes at risk"].ok).toBe(true);
      expect(byName.scores.ok).toBe(false);
      expect(byName.scores.detail).toContain("not public yet");
    } finally {
      await db.update(rounds).set({ predictionsDelaySeconds: 0 }).where(eq(rounds.number, round));
    }
    expect(await failed()).toEqual([]);
  });

  it("runs as `tourney verify` and exits non-zero on a mismatch", async () => {
    const { execFile } = await import("node:child_process");
    // Asynchronous: the API the CLI talks to runs in this very process.
    const run = () =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          "node",
          [
            "bin/tourney.mjs",
            "verify",
            "--round",
            String(round),
            "--api",
            stack.info.api,
            "--rpc",
            stack.info.rpcUrl,
            "--tournament",
            stack.info.contracts.tournament,
            "--json",
          ],
          { encoding: "utf8" },
          (err, stdout, stderr) =>
            resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const good = await run();
    expect(good.status, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout).ok).toBe(true);
    const db = stack.db.db;
    const [r] = await db.select().from(rounds).where(eq(rounds.number, round));
    await db
      .update(rounds)
      .set({ liveCsv: `${r!.liveCsv}v999,0.5\n` })
      .where(eq(rounds.number, round));
    const bad = await run();
    await db.update(rounds).set({ liveCsv: r!.liveCsv }).where(eq(rounds.number, round));
    expect(bad.status).toBe(1);
    expect(
      JSON.parse(bad.stdout).checks.find((c: { name: string }) => c.name === "live data hash").ok,
    ).toBe(false);
  });
  it("catches a dishonest resolution: a payout factor and a count of models at risk the chain's stakes do not give", async () => {
    // The operator's key resolves a copy of the round straight on chain (the worker knows
    // nothing of it) with the published scores root but a halved payout factor, one model too
    // few at risk, and settles only the models it declared. Runs last: it opens a round id
    // above every other.
    const { info } = stack;
    const chain = createChain({
      rpcUrl: info.rpcUrl,
      operatorKey: info.operator.privateKey,
      tournament: info.contracts.tournament,
    });
    const honest = (await (await fetch(`${info.api}/v1/rounds/${round}/bundle`)).json()) as any;
    const on = await chain.read<{
      liveDataHash: Hex;
      submissionsRoot: Hex;
      targetsHash: Hex;
      scoresRoot: Hex;
      params: Record<string, bigint>;
    }>("round", [BigInt(round)]);
    const fake = 1_000_000;
    const now = BigInt(Math.floor(Date.now() / 1000));
    await chain.send("openRound", [
      BigInt(fake),
      on.liveDataHash,
      { ...on.params, closesAt: now + 60n, resolvesAt: now + 3600n },
    ]);
    await chain.send("closeRound", [BigInt(fake), on.submissionsRoot]);
    const scored = honest.scores as { modelId: Hex; corr: number; mmc: number | null }[];
    const stakes = await chain.read<bigint[]>("stakesAtRisk", [
      BigInt(fake),
      scored.map((x) => x.modelId),
    ]);
    expect(stakes.filter((x) => x > 0n)).toHaveLength(4);
    const tree = scoresTree(
      scored.map((x) => ({ modelId: x.modelId, corr: toWad(x.corr), mmc: toWad(x.mmc ?? 0) })),
    );
    expect(tree.root).toBe(on.scoresRoot);
    await chain.send("resolveRound", [
      BigInt(fake),
      on.targetsHash,
      tree.root,
      parseEther("0.5"),
      parseEther("100000"),
      3n,
    ]);
    const batch = scoresMultiProof(
      tree,
      scored.slice(0, 3).map((x) => x.modelId),
    );
    await chain.send("settle", [BigInt(fake), batch.leaves, batch.proof, batch.proofFlags]);
    // (Left unfinalized: its declared total is not what was settled. The events are what count.)
    // The bundle as such an operator would publish it: the chain's stakes, the round's data.
    const bundle = {
      ...honest,
      round: fake,
      scores: honest.scores.map((x: { stakeAtRisk: string }, i: number) => ({
        ...x,
        stakeAtRisk: stakes[i]!.toString(),
      })),
    };
    const checks = await verifyRound({
      api: info.api,
      rpc: info.rpcUrl,
      tournament: info.contracts.tournament,
      round: fake,
      fetch: (async () => new Response(JSON.stringify(bundle))) as typeof fetch,
    });
    const byName = new Map(checks.map((c) => [c.name, c]));
    // (Its stakes differ from round 1's, so the stake-weighted MMC and the scores root do too.)
    expect(byName.get("payout factor")).toMatchObject({ ok: false });
    expect(byName.get("payout factor")!.detail).toContain(`posted ${parseEther("0.5")}`);
    expect(byName.get("models at risk")).toMatchObject({ ok: false });
    expect(byName.get("models at risk")!.detail).toContain("posted 3, recomputed 4");
    // The model left out is at risk but unsettled; the others were settled at half the ratio.
    expect(byName.get("stakes at risk")!.detail).toContain(
      `${scored[3]!.modelId}: at risk but not settled`,
    );
    expect(byName.get("settlement events")!.ok).toBe(false);
  });
});
