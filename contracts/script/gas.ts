// Gas bench: deploys the contracts on a throwaway anvil and prints `gas <operation>: <number>`
// from transaction receipts (gas used, 21,000 base and calldata included).
// Run: npx tsx contracts/script/gas.ts   (needs the generated bindings; anvil from node_modules)
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  keccak256,
  maxUint256,
  parseEther,
  toHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { deployContracts, stakeTokenAbi, tournamentAbi } from "../ts";

// anvil's first default account (a public, well-known test key).
const KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const PORT = 8545 + 1000 + Math.floor(Math.random() * 1000);
const rpcUrl = `http://127.0.0.1:${PORT}`;
const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "node_modules", ".bin");

async function startAnvil(): Promise<ChildProcess> {
  const child = spawn(join(bin, "anvil"), ["--port", String(PORT), "--gas-limit", "100000000"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  for (let i = 0; i < 200 && !out.includes("Listening on"); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!out.includes("Listening on")) throw new Error("anvil did not start");
  return child;
}

async function main() {
  const anvil = await startAnvil();
  try {
    await bench();
  } finally {
    anvil.kill();
    await once(anvil, "exit");
  }
}

async function bench() {
  const account = privateKeyToAccount(KEY);
  const chain = { ...foundry, id: 31337 };
  const transport = http(rpcUrl);
  const pub = createPublicClient({ chain, transport, pollingInterval: 5 });
  const wallet = createWalletClient({ chain, transport, account });
  const { token, tournament } = await deployContracts({
    rpcUrl,
    deployerKey: KEY,
    pollingInterval: 5,
  });

  // anvil mines each transaction at once: poll the receipt directly.
  const gasOf = async (hash: Hex) => {
    for (let i = 0; i < 2000; i++) {
      const r = await pub.getTransactionReceipt({ hash }).catch(() => undefined);
      if (r) {
        if (r.status !== "success") throw new Error(`reverted: ${hash}`);
        return r.gasUsed;
      }
      await new Promise((ok) => setTimeout(ok, 5));
    }
    throw new Error(`no receipt for ${hash}`);
  };
  const t = (functionName: string, args: readonly unknown[]) =>
    wallet
      .writeContract({
        address: tournament,
        abi: tournamentAbi,
        functionName: functionName as never,
        args: args as never,
      })
      .then(gasOf);
  const tok = (functionName: string, args: readonly unknown[]) =>
    wallet
      .writeContract({
        address: token,
        abi: stakeTokenAbi,
        functionName: functionName as never,
        args: args as never,
      })
      .then(gasOf);
  const print = (op: string, gas: bigint | number) => console.log(`gas ${op}: ${gas}`);

  await tok("mint", [account.address, parseEther("1000000000")]);
  await tok("approve", [tournament, maxUint256]);
  await t("fundRewards", [parseEther("10000000")]);

  const model = (i: number) => keccak256(toHex(`model-${i}`));
  const params = {
    closesAt: 0n,
    resolvesAt: 0n,
    payoutCap: parseEther("0.05"),
    corrMultiplier: parseEther("0.5"),
    mmcMultiplier: parseEther("2"),
    stakeThreshold: parseEther("72000"),
  };
  const N = 1101;

  // Stakes: first in a model, then top-ups of an existing position.
  print("stake (first in a new model)", await t("stake", [model(0), parseEther("1000")]));
  print("stake (top-up, existing position)", await t("stake", [model(0), parseEther("1000")]));
  for (let i = 1; i < N; i++) await t("stake", [model(i), parseEther("1000")]);
  print("stake (top-up, existing position, later)", await t("stake", [model(1), parseEther("1")]));

  // Permit stake.
  const nonce = (await pub.readContract({
    address: token,
    abi: stakeTokenAbi,
    functionName: "nonces",
    args: [account.address],
  })) as bigint;
  const deadline = 2n ** 40n;
  const amount = parseEther("5");
  const sig = await wallet.signTypedData({
    domain: { name: "Tourney Stake", version: "1", chainId: 31337, verifyingContract: token },
    types: {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    primaryType: "Permit",
    message: { owner: account.address, spender: tournament, value: amount, nonce, deadline },
  });
  const r = `0x${sig.slice(2, 66)}` as Hex;
  const s = `0x${sig.slice(66, 130)}` as Hex;
  const v = Number.parseInt(sig.slice(130, 132), 16);
  print("stakeWithPermit", await t("stakeWithPermit", [model(2), amount, deadline, v, r, s]));

  // Immediate unstake (no round yet) and its withdrawal.
  print(
    "requestUnstake (no round: released at once)",
    await t("requestUnstake", [model(3), parseEther("10")]),
  );
  print("withdraw (released at request)", await t("withdraw", [1n]));

  // Rounds 1..3 settle 1, 100 and 1000 models.
  const batches = [1, 100, 1000];
  let next = 0;
  const ratio = (i: number) =>
    ((i % 2 === 0 ? 1n : -1n) * parseEther("0.01") * BigInt(1 + (i % 5))) / 5n;
  for (let k = 0; k < batches.length; k++) {
    const id = BigInt(k + 1);
    const open = await t("openRound", [id, keccak256(toHex(`live-${id}`)), params]);
    if (k === 0) {
      print("openRound", open);
      // Pending unstake: waits for round 1.
      print(
        "requestUnstake (pending a round)",
        await t("requestUnstake", [model(4), parseEther("10")]),
      );
    }
    const close = await t("closeRound", [id, keccak256(toHex(`subs-${id}`))]);
    if (k === 0) print("closeRound", close);
    const n = batches[k]!;
    const ids: Hex[] = [];
    const ratios: bigint[] = [];
    for (let i = 0; i < n; i++) {
      ids.push(model(next + i));
      ratios.push(ratio(next + i));
    }
    let total = 0n;
    for (let i = 0; i < n; i++) {
      const atRisk = (await pub.readContract({
        address: tournament,
        abi: tournamentAbi,
        functionName: "stakeAtRisk",
        args: [id, ids[i]!],
      })) as bigint;
      const p = (atRisk * ratios[i]!) / 10n ** 18n;
      if (p > 0n) total += p;
    }
    const resolve = await t("resolveRound", [
      id,
      keccak256(toHex("t")),
      keccak256(toHex("s")),
      total,
    ]);
    if (k === 0) print("resolveRound", resolve);
    const gas = await t("settle", [id, ids, ratios]);
    print(`settle batch ${n} (total)`, gas);
    print(`settle per model at batch ${n}`, gas / BigInt(n));
    const fin = await t("finalizeRound", [id]);
    if (k === 0) {
      print("finalizeRound", fin);
      print("withdraw (released by a round, first out)", await t("withdraw", [2n]));
    }
    next += n;
  }

  // Overlapping rounds: round 5 closed while round 4 settles, so superseded checkpoints are kept.
  const ov = 100;
  await t("openRound", [4n, keccak256(toHex("live-4")), params]);
  await t("closeRound", [4n, keccak256(toHex("subs-4"))]);
  await t("openRound", [5n, keccak256(toHex("live-5")), params]);
  await t("closeRound", [5n, keccak256(toHex("subs-5"))]);
  await t("resolveRound", [
    4n,
    keccak256(toHex("t")),
    keccak256(toHex("s")),
    parseEther("1000000"),
  ]);
  const ids = Array.from({ length: ov }, (_, i) => model(i));
  const ratios = ids.map((_, i) => ratio(i));
  const g4 = await t("settle", [4n, ids, ratios]);
  print(`settle per model at batch ${ov}, another round closed (checkpoint kept)`, g4 / BigInt(ov));
  await t("finalizeRound", [4n]);
  await t("resolveRound", [
    5n,
    keccak256(toHex("t")),
    keccak256(toHex("s")),
    parseEther("1000000"),
  ]);
  const g5 = await t("settle", [5n, ids, ratios]);
  print(`settle per model at batch ${ov}, reading a kept checkpoint`, g5 / BigInt(ov));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
