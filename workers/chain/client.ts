import {
  type Address,
  createPublicClient,
  createWalletClient,
  type Hash,
  type Hex,
  http,
  type PublicClient,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { tournamentAbi } from "../../contracts/ts";

export interface ChainConfig {
  rpcUrl: string;
  /** The operator's key: it opens, closes, resolves and settles rounds. */
  operatorKey: Hex;
  tournament: Address;
  /** Blocks to wait on top of a transaction's block before it counts as done. */
  confirmations?: number;
  /** How often to poll for receipts (viem's default of 4 s is far too slow on a local chain). */
  pollingIntervalMs?: number;
}

export interface Chain {
  publicClient: PublicClient;
  walletClient: WalletClient;
  operator: Address;
  tournament: Address;
  /**
   * Sends an operator transaction to the tournament and waits until it is mined and confirmed
   * (`gas`: a fixed gas limit instead of the node's estimate).
   */
  send(functionName: string, args: readonly unknown[], opts?: { gas?: bigint }): Promise<Hash>;
  /** The gas an operator transaction would use (reverts throw, as `send` would). */
  estimate(functionName: string, args: readonly unknown[]): Promise<bigint>;
  /** Reads a tournament view, at the latest block or at `blockNumber`. */
  read<T>(functionName: string, args?: readonly unknown[], blockNumber?: bigint): Promise<T>;
}

export function createChain(cfg: ChainConfig): Chain {
  const transport = http(cfg.rpcUrl, { batch: { batchSize: 200 }, retryCount: 5, retryDelay: 300 });
  const account = privateKeyToAccount(cfg.operatorKey);
  const publicClient = createPublicClient({
    chain: foundry,
    transport,
    cacheTime: 0,
    pollingInterval: cfg.pollingIntervalMs ?? 250,
  }) as PublicClient;
  const walletClient = createWalletClient({ chain: foundry, transport, account });
  return {
    publicClient,
    walletClient,
    operator: account.address,
    tournament: cfg.tournament,
    async send(functionName, args, opts = {}) {
      const chainId = await publicClient.getChainId();
      const hash = await walletClient.writeContract({
        address: cfg.tournament,
        abi: tournamentAbi,
        functionName: functionName as never,
        args: args as never,
        account,
        chain: { ...foundry, id: chainId },
        ...(opts.gas ? { gas: opts.gas } : {}),
      });
      const receipt = await publicClient.waitForTransactionReceipt({
        hash,
        confirmations: cfg.confirmations ?? 1,
      });
      if (receipt.status !== "success") throw new Error(`${functionName} reverted in ${hash}`);
      return hash;
    },
    async estimate(functionName, args) {
      return publicClient.estimateContractGas({
        address: cfg.tournament,
        abi: tournamentAbi,
        functionName: functionName as never,
        args: args as never,
        account,
      });
    },
    async read<T>(functionName: string, args: readonly unknown[] = [], blockNumber?: bigint) {
      return (await publicClient.readContract({
        address: cfg.tournament,
        abi: tournamentAbi,
        functionName: functionName as never,
        args: args as never,
        blockNumber,
      })) as T;
    },
  };
}
