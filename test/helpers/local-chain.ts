import { type Hex, parseEther } from "viem";
import { english, generateMnemonic, mnemonicToAccount } from "viem/accounts";
import { inject } from "vitest";
import { type Anvil, startAnvil } from "../../cli/dev/anvil";
import { deployContracts, stakeTokenAbi, tournamentAbi } from "../../contracts/ts";
import { type Chain, createChain } from "../../workers";
import { ANVIL_ACCOUNTS } from "../setup/anvil";
import { stakerClient } from "./chain";

export interface LocalChain {
  rpcUrl: string;
  /** The anvil process, for a suite that took its own (`{ own: true }`). */
  anvil?: Anvil;
  chain: Chain;
  chainId: number;
  operatorKey: Hex;
  contracts: { token: Hex; tournament: Hex };
  /** Funded staker keys (index 1..n of a fresh mnemonic). */
  stakers: Hex[];
  staker(i: number): ReturnType<typeof stakerClient>;
  /** Raw JSON-RPC (anvil's evm_snapshot, evm_revert, evm_mine...). */
  rpc(method: string, params?: unknown[]): Promise<unknown>;
  stop(): Promise<void>;
}

const keyOf = (mnemonic: string, i: number) =>
  `0x${Buffer.from(mnemonicToAccount(mnemonic, { addressIndex: i }).getHdKey().privateKey!).toString("hex")}` as Hex;

/**
 * This worker's anvil (test/setup/anvil.ts), restarted so the chain is fresh: a suite never sees
 * another's blocks, and the previous suite of this worker has finished with it.
 */
async function workerAnvil(): Promise<{ rpcUrl: string; mnemonic: string }> {
  const rpcUrl = `${inject("anvilProxy")}/${process.env.VITEST_POOL_ID ?? "1"}`;
  const res = await fetch(`${rpcUrl}/restart`);
  if (!res.ok) throw new Error(`restarting ${rpcUrl}: ${res.status} ${await res.text()}`);
  // The new process answers through the proxy before the suite sends it anything.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
      signal: AbortSignal.timeout(2_000),
    }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`${rpcUrl} did not answer after its restart`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { rpcUrl, mnemonic: inject("anvilMnemonic") };
}

/**
 * A fresh chain with the contracts deployed, `n` stakers holding test tokens and a funded pool:
 * on this vitest worker's anvil, or with `{ own: true }` on an anvil process of the suite's own
 * (for a suite that stops and restarts the node itself).
 */
export async function localChain(
  n = 3,
  tokensEach = parseEther("1000000"),
  opts: { own?: boolean } = {},
): Promise<LocalChain> {
  if (n + 1 > ANVIL_ACCOUNTS) throw new Error(`localChain: at most ${ANVIL_ACCOUNTS - 1} stakers`);
  let anvil: Anvil | undefined;
  let rpcUrl: string;
  let mnemonic: string;
  if (opts.own) {
    mnemonic = generateMnemonic(english);
    anvil = await startAnvil({ mnemonic, accounts: n + 1 });
    rpcUrl = anvil.rpcUrl;
  } else {
    ({ rpcUrl, mnemonic } = await workerAnvil());
  }
  const operatorKey = keyOf(mnemonic, 0);
  const contracts = await deployContracts({ rpcUrl, deployerKey: operatorKey });
  const chain = createChain({
    rpcUrl,
    operatorKey,
    tournament: contracts.tournament,
  });
  const chainId = await chain.publicClient.getChainId();
  const stakers = Array.from({ length: n }, (_, i) => keyOf(mnemonic, i + 1));
  const send = async (
    address: Hex,
    abi: typeof stakeTokenAbi | typeof tournamentAbi,
    fn: string,
    args: unknown[],
  ) => {
    const hash = await chain.walletClient.writeContract({
      address,
      abi,
      functionName: fn as never,
      args: args as never,
      account: chain.walletClient.account!,
      chain: chain.walletClient.chain,
    });
    await chain.publicClient.waitForTransactionReceipt({ hash });
  };
  for (const key of stakers) {
    await send(contracts.token, stakeTokenAbi, "mint", [
      mnemonicToAccount(mnemonic, { addressIndex: stakers.indexOf(key) + 1 }).address,
      tokensEach,
    ]);
  }
  const pool = parseEther("10000000");
  await send(contracts.token, stakeTokenAbi, "mint", [chain.operator, pool]);
  await send(contracts.token, stakeTokenAbi, "approve", [contracts.tournament, pool]);
  await send(contracts.tournament, tournamentAbi, "fundRewards", [pool]);
  let id = 0;
  return {
    rpcUrl,
    anvil,
    chain,
    chainId,
    operatorKey,
    contracts,
    stakers,
    staker: (i) => stakerClient(rpcUrl, chainId, stakers[i]!, contracts),
    async rpc(method, params = []) {
      const res = await fetch(rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
      });
      const body = (await res.json()) as { result?: unknown; error?: { message: string } };
      if (body.error) throw new Error(body.error.message);
      return body.result;
    },
    // The worker's anvil outlives the suite (the next localChain() restarts it).
    stop: async () => {
      await anvil?.stop();
    },
  };
}
