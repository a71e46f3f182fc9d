/**
 * `npm run bench:round`: a full simulated round on a local anvil and Postgres — 2,000 models x
 * 5,000 rows, each model staked — through close, scoring and settlement, timing each stage.
 * Options: --models N --rows N --stakers N --batch N. Uses TEST_DATABASE_URL (or the local
 * `postgres://postgres@127.0.0.1:5432/test`) to create a fresh database, dropped at the end.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { type Hex, parseEther } from "viem";
import { english, generateMnemonic, mnemonicToAccount } from "viem/accounts";
import { createAccount } from "../api/domain/accounts";
import { createModel } from "../api/domain/models";
import { closeRound, openRound, resolveRound } from "../api/domain/rounds";
import { submitPredictions } from "../api/domain/submit";
import { startAnvil } from "../cli/dev/anvil";
import { deployContracts, stakeTokenAbi, tournamentAbi } from "../contracts/ts";
import { claimJob, getRound, openDb } from "../db";
import { createChain, type JobContext, runJob } from "../workers";

const { values } = parseArgs({
  options: {
    models: { type: "string", default: "2000" },
    rows: { type: "string", default: "5000" },
    stakers: { type: "string", default: "20" },
    batch: { type: "string", default: "250" },
  },
});
const nModels = Number(values.models);
const nRows = Number(values.rows);
const nStakers = Number(values.stakers);
const batch = Number(values.batch);

const t0 = performance.now();
let last = t0;
const stage = (name: string) => {
  const now = performance.now();
  console.log(`${name.padEnd(34)} ${((now - last) / 1000).toFixed(2).padStart(7)} s`);
  last = now;
};

// Fresh database on the local Postgres.
const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const dbName = `tourney_bench_${randomBytes(4).toString("hex")}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const h = await openDb({ url: url.toString(), max: 8 });

const mnemonic = generateMnemonic(english);
const keyAt = (i: number) =>
  `0x${Buffer.from(mnemonicToAccount(mnemonic, { addressIndex: i }).getHdKey().privateKey!).toString("hex")}` as Hex;
const anvil = await startAnvil({ mnemonic, accounts: nStakers + 1 });
try {
  const contracts = await deployContracts({ rpcUrl: anvil.rpcUrl, deployerKey: keyAt(0) });
  const chain = createChain({
    rpcUrl: anvil.rpcUrl,
    operatorKey: keyAt(0),
    tournament: contracts.tournament,
  });
  const ctx: JobContext = {
    db: h.db,
    chain,
    logger: { info() {}, warn() {}, error() {} },
    settleBatch: batch,
  };
  const drain = async () => {
    for (;;) {
      const job = await claimJob(h.db, "bench");
      if (!job) return;
      await runJob(ctx, job);
      if (job.attempts > 1) throw new Error(`job ${job.kind} failed: ${job.lastError}`);
    }
  };
  stage(`setup (anvil, contracts, database)`);

  // Round data: live ids, targets, one submission per model.
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const ids = Array.from({ length: nRows }, (_, i) => `n${String(i).padStart(6, "0")}`);
  const targets = ids.map(() => [0, 0.25, 0.5, 0.75, 1][Math.floor(rand() * 5)]!);
  const live = `id,f0\n${ids.map((id) => `${id},${rand().toFixed(4)}`).join("\n")}\n`;
  // Seeded through the API's own actions (api/domain: what the routes call).
  const services = { db: h.db };
  const bytes = (s: string) => new TextEncoder().encode(s);
  const round = await openRound(services, {
    live: bytes(live),
    fields: {
      closesAt: new Date(Date.now() + 3_600_000).toISOString(),
      resolvesAt: new Date(Date.now() + 7_200_000).toISOString(),
      payoutCap: "0.05",
      corrMultiplier: "0.5",
      mmcMultiplier: "2",
      stakeThreshold: "72000",
    },
  });
  const { account } = await createAccount(services, { name: "bench" });
  const modelIds: Hex[] = [];
  for (let i = 0; i < nModels; i++) {
    modelIds.push(
      (await createModel(services, { accountId: account.id, name: `bench_${i}` })).id as Hex,
    );
  }
  // Predictions drawn in model order (the same stream as before), submitted a few at a time.
  const csvs = modelIds.map(() => {
    const skill = rand() * 2 - 1;
    let csv = "id,prediction\n";
    for (let r = 0; r < nRows; r++) {
      const p = Math.min(
        1,
        Math.max(0, 0.5 + 0.2 * skill * (targets[r]! - 0.5) + 0.4 * (rand() - 0.5)),
      );
      csv += `${ids[r]},${p}\n`;
    }
    return csv;
  });
  for (let i = 0; i < nModels; i += 8) {
    await Promise.all(
      modelIds.slice(i, i + 8).map((modelId, k) =>
        submitPredictions(services, {
          accountId: account.id,
          modelId,
          round: round.number,
          contentType: "text/csv",
          predictions: bytes(csvs[i + k]!),
        }),
      ),
    );
  }
  csvs.length = 0;
  stage(`${nModels} submissions x ${nRows} rows stored`);
  await drain();
  stage("round opened on chain");

  // Stakes: each model backed by one of the stakers; transactions pipelined per staker.
  const { createWalletClient, http } = await import("viem");
  const mint = async (to: Hex, amount: bigint) =>
    chain.publicClient.waitForTransactionReceipt({
      hash: await chain.walletClient.writeContract({
        address: contracts.token,
        abi: stakeTokenAbi,
        functionName: "mint",
        args: [to, amount],
        account: chain.walletClient.account!,
        chain: chain.walletClient.chain,
      }),
    });
  await mint(chain.operator, parseEther("100000000"));
  {
    const hash = await chain.walletClient.writeContract({
      address: contracts.token,
      abi: stakeTokenAbi,
      functionName: "approve",
      args: [contracts.tournament, parseEther("100000000")],
      account: chain.walletClient.account!,
      chain: chain.walletClient.chain,
    });
    await chain.publicClient.waitForTransactionReceipt({ hash });
    await chain.send("fundRewards", [parseEther("100000000")]);
  }
  const hashes: Hex[] = [];
  for (let s = 0; s < nStakers; s++) {
    await mint(
      mnemonicToAccount(mnemonic, { addressIndex: s + 1 }).address,
      parseEther("100000000"),
    );
  }
  await Promise.all(
    Array.from({ length: nStakers }, async (_, s) => {
      const key = keyAt(s + 1);
      const acct = mnemonicToAccount(mnemonic, { addressIndex: s + 1 });
      const wallet = createWalletClient({
        chain: chain.walletClient.chain,
        transport: http(anvil.rpcUrl),
        account: (await import("viem/accounts")).privateKeyToAccount(key),
      });
      let nonce = await chain.publicClient.getTransactionCount({ address: acct.address });
      hashes.push(
        await wallet.writeContract({
          address: contracts.token,
          abi: stakeTokenAbi,
          functionName: "approve",
          args: [contracts.tournament, parseEther("100000000")],
          nonce: nonce++,
          gas: 100_000n,
        }),
      );
      for (let m = s; m < nModels; m += nStakers) {
        hashes.push(
          await wallet.writeContract({
            address: contracts.tournament,
            abi: tournamentAbi,
            functionName: "stake",
            args: [modelIds[m]!, parseEther(String(100 + Math.floor(rand() * 5000)))],
            nonce: nonce++,
            gas: 200_000n,
          }),
        );
      }
    }),
  );
  for (const hash of hashes.slice(-nStakers))
    await chain.publicClient.waitForTransactionReceipt({ hash });
  stage(`${nModels} stakes by ${nStakers} stakers`);

  await closeRound(services, { round: round.number });
  await drain();
  stage("close (submissions root on chain)");
  const tcsv = `id,target\n${ids.map((id, i) => `${id},${targets[i]}`).join("\n")}\n`;
  await resolveRound(services, { round: round.number, targets: bytes(tcsv) });
  const tScore = performance.now();
  // Scoring: the round job, and its parts when the round is split (default above 1,000 models).
  while ((await getRound(h.db, round.number))?.status === "resolved") {
    const next = await claimJob(h.db, "bench");
    if (!next) {
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    if (next.kind === "round.settle") throw new Error("settle before scoring finished");
    await runJob(ctx, next);
  }
  stage("score (stakes read, meta model, CORR/MMC, payouts)");
  const job = await claimJob(h.db, "bench");
  if (job?.kind !== "round.settle") throw new Error(`expected the settle job, got ${job?.kind}`);
  await runJob(ctx, job);
  stage(`settle on chain (batches of ${batch})`);
  const final = await getRound(h.db, round.number);
  if (final?.status !== "settled") throw new Error(`round ended ${final?.status}`);
  console.log(
    `${"scored and settled".padEnd(34)} ${((performance.now() - tScore) / 1000).toFixed(2).padStart(7)} s  (goal < 60 s)`,
  );
  console.log(
    `${"whole bench".padEnd(34)} ${((performance.now() - t0) / 1000).toFixed(2).padStart(7)} s`,
  );
} finally {
  await anvil.stop();
  await h.close();
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
