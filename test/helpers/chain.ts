import { type Address, createPublicClient, createWalletClient, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { stakeTokenAbi, tournamentAbi } from "../../contracts/ts";

/** A staker's view of the chain: approve-and-stake plus the reads tests check. */
export function stakerClient(
  rpcUrl: string,
  chainId: number,
  privateKey: Hex,
  c: { token: Address; tournament: Address },
) {
  const account = privateKeyToAccount(privateKey);
  const chain = { ...foundry, id: chainId };
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl) });
  const wallet = createWalletClient({ chain, transport: http(rpcUrl), account });
  const wait = (hash: Hex) => publicClient.waitForTransactionReceipt({ hash });
  return {
    address: account.address,
    publicClient,
    async stake(modelId: Hex, amount: bigint) {
      await wait(
        await wallet.writeContract({
          address: c.token,
          abi: stakeTokenAbi,
          functionName: "approve",
          args: [c.tournament, amount],
        }),
      );
      await wait(
        await wallet.writeContract({
          address: c.tournament,
          abi: tournamentAbi,
          functionName: "stake",
          args: [modelId, amount],
        }),
      );
    },
    /** Requests an unstake; returns the request id from the UnstakeRequested event. */
    async requestUnstake(modelId: Hex, amount: bigint): Promise<bigint> {
      const { result, request } = await publicClient.simulateContract({
        address: c.tournament,
        abi: tournamentAbi,
        functionName: "requestUnstake",
        args: [modelId, amount],
        account,
      });
      await wait(await wallet.writeContract(request));
      return result;
    },
    async withdraw(requestId: bigint) {
      await wait(
        await wallet.writeContract({
          address: c.tournament,
          abi: tournamentAbi,
          functionName: "withdraw",
          args: [requestId],
        }),
      );
    },
    async modelAssets(modelId: Hex): Promise<bigint> {
      const pool = await publicClient.readContract({
        address: c.tournament,
        abi: tournamentAbi,
        functionName: "modelStake",
        args: [modelId],
      });
      return pool.totalAssets;
    },
    async position(modelId: Hex, staker: Address): Promise<bigint> {
      const [, assets] = await publicClient.readContract({
        address: c.tournament,
        abi: tournamentAbi,
        functionName: "positionOf",
        args: [modelId, staker],
      });
      return assets;
    },
    /** The staker's position with waiting deposits (`positionDetails`). */
    async details(modelId: Hex, staker: Address = account.address) {
      return publicClient.readContract({
        address: c.tournament,
        abi: tournamentAbi,
        functionName: "positionDetails",
        args: [modelId, staker],
      });
    },
    async totalSupply(): Promise<bigint> {
      return publicClient.readContract({
        address: c.token,
        abi: stakeTokenAbi,
        functionName: "totalSupply",
      });
    },
  };
}
