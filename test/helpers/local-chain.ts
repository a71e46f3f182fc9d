import { type Hex, parseEther } from "viem";
import { english, generateMnemonic, mnemonicToAccount } from "viem/accounts";
import { type Anvil, startAnvil } from "../../cli/dev/anvil";
import { deployContracts, stakeTokenAbi, tournamentAbi } from "../../contracts/ts";
import { type Chain, createChain } from "../../workers";
import { stakerClient } from "./chain";

export interface LocalChain {
  anvil: Anvil;
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

/** A fresh anvil with the contracts deployed, `n` stakers holding test tokens and a funded pool. */
export async function localChain(n = 3, tokensEach = parseEther("1000000")): Promise<LocalChain> {
  const mnemonic = generateMnemonic(english);
  const anvil = await startAnvil({ mnemonic, accounts: n + 1 });
  const operatorKey = keyOf(mnemonic, 0);
  const contracts = await deployContracts({ rpcUrl: anvil.rpcUrl, deployerKey: operatorKey });
  const chain = createChain({
    rpcUrl: anvil.rpcUrl,
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
    anvil,
    chain,
    chainId,
    operatorKey,
    contracts,
    stakers,
    staker: (i) => stakerClient(anvil.rpcUrl, chainId, stakers[i]!, contracts),
    async rpc(method, params = []) {
      const res = await fetch(anvil.rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
      });
      const body = (await res.json()) as { result?: unknown; error?: { message: string } };
      if (body.error) throw new Error(body.error.message);
      return body.result;
    },
    stop: () => anvil.stop(),
  };
}
