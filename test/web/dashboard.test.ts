import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { type Hex, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type TourneyClient } from "../../api/client";
import { type Stack, startStack } from "../../cli/dev/stack";
import { roundData, until } from "../cli/helpers";
import { stakerClient } from "../helpers/chain";
import { chromiumPath } from "../setup/environment.mjs";

const CHROMIUM = chromiumPath();
const SHOTS = join(process.cwd(), "test-results", "web");

/** Runs one full round: open, two submissions, stakes, close, resolve, settled. */
async function playRound(
  stack: Stack,
  op: TourneyClient,
  people: { client: TourneyClient; model: Hex; good: boolean }[],
  seed: number,
  stake: boolean,
) {
  const data = roundData(seed);
  const opened = await op.rounds.open({
    live: data.live,
    closesAt: new Date(Date.now() + 3_600_000),
    resolvesAt: new Date(Date.now() + 7_200_000),
    stakeThreshold: "1000000",
  });
  const n = opened.number;
  for (const p of people) await p.client.submit(p.model, data.preds(p.good ? data.good : data.bad));
  await until("open on chain", async () =>
    (await op.rounds.get(n)).transactions.open ? true : undefined,
  );
  if (stake) {
    const { info } = stack;
    for (const [i, p] of people.entries()) {
      const acct = info.accounts[i]!;
      await stakerClient(info.rpcUrl, info.chainId, acct.privateKey, info.contracts).stake(
        p.model,
        parseEther(String(1000 * (i + 1))),
      );
    }
  }
  await op.rounds.close(n);
  await until("closed on chain", async () =>
    (await op.rounds.get(n)).transactions.close ? true : undefined,
  );
  await op.rounds.resolve(n, data.targets);
  await until(
    "settled",
    async () => ((await op.rounds.get(n)).status === "settled" ? true : undefined),
    60_000,
  );
  return n;
}

describe("web dashboard in Chromium", { timeout: 240_000 }, () => {
  let stack: Stack;
  let browser: BrowserContext;
  let page: Page;
  let profile: string;
  let models: Hex[];
  let rounds: number[];

  beforeAll(async () => {
    // Chromium is required: a missing browser fails the suite instead of skipping it.
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
    mkdirSync(SHOTS, { recursive: true });
    stack = await startStack({
      ephemeral: true,
      port: 0,
      demoAccounts: 2,
      logLevel: "silent",
      workerPollMs: 50,
    });
    const { info } = stack;
    const op = createClient({ baseUrl: info.api, apiKey: info.operatorKey });
    const alice = createClient({ baseUrl: info.api, apiKey: info.accounts[0]!.apiKey });
    const bob = createClient({ baseUrl: info.api, apiKey: info.accounts[1]!.apiKey });
    const a = await alice.models.create("alpha");
    const b = await bob.models.create("beta");
    models = [a.id, b.id];
    const people = [
      { client: alice, model: a.id, good: true },
      { client: bob, model: b.id, good: false },
    ];
    rounds = [
      await playRound(stack, op, people, 21, true),
      await playRound(stack, op, people, 22, false),
    ];
    // A third round left open, for the countdown.
    const open = roundData(23);
    await op.rounds.open({
      live: open.live,
      closesAt: new Date(Date.now() + 90 * 60_000),
      resolvesAt: new Date(Date.now() + 3 * 3_600_000),
    });

    profile = mkdtempSync(join(tmpdir(), "tourney-chromium-"));
    // A fresh profile per run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      viewport: { width: 390, height: 844 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("home shows the open round with a live countdown and the recent rounds", async () => {
    await page.goto(stack.info.api);
    await expect(page.title()).resolves.toContain("Tourney");
    const heading = await page.locator("#current-h").textContent();
    expect(heading).toBe("Round 3 is open");
    const first = await page.locator("#countdown").textContent();
    expect(first).toMatch(/^(1:|01:)\d\d:\d\d$|^0?1:\d\d:\d\d$/);
    await page.waitForTimeout(1200);
    expect(await page.locator("#countdown").textContent()).not.toBe(first);
    expect(await page.locator("main table tbody tr").count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator("header nav[aria-label=Main]").count()).toBe(1);
    expect(await page.locator("main#main").count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, "home.png"), fullPage: true });
  });

  it("leaderboard ranks the models with real scores and links to them", async () => {
    await page.goto(`${stack.info.api}/leaderboard`);
    const names = await page.locator("#leaderboard tbody td:nth-child(2)").allTextContents();
    expect(names).toEqual(["alpha", "beta"]);
    await page.screenshot({ path: join(SHOTS, "leaderboard.png"), fullPage: true });
    await page.getByRole("link", { name: "alpha" }).click();
    await page.waitForURL(`**/models/${models[0]}`);
    expect(await page.locator("[data-model-name]").textContent()).toBe("alpha");
  });

  it("model page charts one point per scored round and lists submissions", async () => {
    await page.goto(`${stack.info.api}/models/${models[0]}`);
    const points = page.locator("#score-chart [data-point]");
    expect(await points.count()).toBe(rounds.length);
    expect(await points.evaluateAll((els) => els.map((e) => e.getAttribute("data-round")))).toEqual(
      rounds.map(String),
    );
    expect(await page.locator("#score-chart circle[data-series=corr]").count()).toBe(rounds.length);
    // One submission per played round.
    expect(await page.locator("#subs-h + .table-wrap tbody tr").count()).toBe(rounds.length);
    await page.screenshot({ path: join(SHOTS, "model.png"), fullPage: true });
  });

  it("round page shows status, on-chain transactions and the score histogram", async () => {
    await page.goto(`${stack.info.api}/rounds/${rounds[0]}`);
    expect(await page.locator("h1 .status").textContent()).toBe("settled");
    for (const tx of ["open", "close", "resolve", "finalize", "settle"]) {
      const text = await page.locator(`[data-tx=${tx}]`).first().textContent();
      expect(text, tx).toMatch(/^0x[0-9a-f]{64}$/);
    }
    const bins = await page
      .locator("#histogram rect[data-bin]")
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-count"))));
    expect(bins.reduce((s, k) => s + k, 0)).toBe(2);
    await page.screenshot({ path: join(SHOTS, "round.png"), fullPage: true });
    // Navigation: round -> model -> home.
    await page.getByRole("link", { name: "beta" }).click();
    await page.waitForURL(`**/models/${models[1]}`);
    await page.getByRole("link", { name: "Rounds" }).click();
    await page.waitForURL(`${stack.info.api}/`);
  });

  it("stake page has labelled inputs and says when no wallet is present", async () => {
    await page.goto(`${stack.info.api}/stake?model=${models[0]}`);
    expect(await page.getByLabel("Model id").inputValue()).toBe(models[0]);
    expect(await page.getByLabel("Tournament contract address").count()).toBe(1);
    await expect(page.locator("#wallet-status").textContent()).resolves.toContain(
      "No browser wallet",
    );
    await page.screenshot({ path: join(SHOTS, "stake.png"), fullPage: true });
  });

  it("answers 404 pages for unknown models and rounds", async () => {
    const res = await page.goto(`${stack.info.api}/rounds/999`);
    expect(res?.status()).toBe(404);
    expect(await page.locator("h1").textContent()).toBe("Not found");
  });
});
