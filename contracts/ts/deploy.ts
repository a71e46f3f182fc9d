import { type Address, createPublicClient, createWalletClient, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import {
  stakeTokenAbi,
  stakeTokenBytecode,
  tournamentAbi,
  tournamentBytecode,
} from "./generated/abi";

export interface DeployOptions {
  rpcUrl: string;
  deployerKey: Hex;
  chainId?: number;
  /** Use an existing stake token instead of deploying the test token. */
  token?: Address;
  /** Receipt polling interval, ms (default 250; anvil mines at once). */
  pollingInterval?: number;
}

export interface Deployment {
  token: Address;
  tournament: Address;
}

/** Deploys the stake token (unless given) and the tournament, the deployer holding every role. */
export async function deployContracts(opts: DeployOptions): Promise<Deployment> {
  const account = privateKeyToAccount(opts.deployerKey);
  const transport = http(opts.rpcUrl);
  const publicClient = createPublicClient({
    transport,
    pollingInterval: opts.pollingInterval ?? 250,
  });
  const chain = { ...foundry, id: opts.chainId ?? (await publicClient.getChainId()) };
  const wallet = createWalletClient({ chain, transport, account });
  const deployed = async (hash: Hex) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (!receipt.contractAddress) throw new Error(`deployment ${hash} created no contract`);
    return receipt.contractAddress;
  };
  const token =
    opts.token ??
    (await deployed(
      await wallet.deployContract({
        abi: stakeTokenAbi,
        bytecode: stakeTokenBytecode,
        args: [account.address],
      }),
    ));
  const tournament = await deployed(
    await wallet.deployContract({
      abi: tournamentAbi,
      bytecode: tournamentBytecode,
      args: [token, account.address],
    }),
  );
  return { token, tournament };
}
