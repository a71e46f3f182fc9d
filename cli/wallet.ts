import { createDecipheriv, pbkdf2Sync, scryptSync } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import {
  type Abi,
  type Account,
  type Address,
  BaseError,
  type Chain,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  defineChain,
  formatUnits,
  getAddress,
  type Hex,
  http,
  isAddress,
  keccak256,
  type PublicClient,
  type TransactionReceipt,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { stakeTokenAbi, tournamentAbi } from "../contracts/ts";
import { CliError } from "./args";
import { devInfo, loadConfig } from "./config";

/** Options every chain command takes. */
export const chainOptions = {
  rpc: { type: "string" },
  tournament: { type: "string" },
  token: { type: "string" },
  keystore: { type: "string" },
  yes: { type: "boolean", short: "y" },
  json: { type: "boolean" },
  api: { type: "string" },
  key: { type: "string" },
} as const;

export const chainOptionsHelp = `Chain options (defaults: env TOURNEY_RPC_URL / TOURNEY_TOURNAMENT / TOURNEY_TOKEN, then the
values saved by \`tourney login\`, then the local stack's .tourney/dev.json):
  --rpc URL              JSON-RPC endpoint
  --tournament ADDRESS   Tournament contract
  --token ADDRESS        stake token (checked against the tournament's token())
  --keystore FILE        signing key file (else env TOURNEY_PRIVATE_KEY, 0x + 64 hex). Either an
                         Ethereum V3 keystore (scrypt or pbkdf2, aes-128-ctr; password from env
                         TOURNEY_KEYSTORE_PASSWORD or asked on the terminal) or a plain
                         {"privateKey": "0x..."} file, which must not be readable by group or others
                         (chmod 600)
  -y, --yes              do not ask for confirmation (required when stdin is not a terminal)
  --api URL, --key KEY   API used to resolve model names
  --json                 machine-readable output on stdout
  -h, --help             show this help`;

export interface ChainContext {
  rpc: string;
  chain: Chain;
  tournament: Address;
  token: Address;
  decimals: number;
  symbol: string;
  publicClient: PublicClient;
}

const pick = (...vs: (string | undefined)[]) => vs.find((v) => v !== undefined && v !== "");

function address(v: string, what: string): Address {
  if (!isAddress(v, { strict: false })) throw new CliError(`${what} is not an address: ${v}`);
  return getAddress(v);
}

/** RPC, contracts and the token's decimals and symbol. */
export async function chainContext(values: Record<string, unknown>): Promise<ChainContext> {
  const env = process.env;
  const config = loadConfig();
  const dev = devInfo();
  const rpc = pick(values.rpc as string, env.TOURNEY_RPC_URL, config.rpc, dev?.rpcUrl);
  if (!rpc) throw new CliError("no RPC endpoint: pass --rpc URL or set TOURNEY_RPC_URL", "no_rpc");
  const tournamentRaw = pick(
    values.tournament as string,
    env.TOURNEY_TOURNAMENT,
    config.tournament,
    dev?.contracts?.tournament,
  );
  if (!tournamentRaw)
    throw new CliError("no Tournament address: pass --tournament ADDRESS", "no_tournament");
  const tournament = address(tournamentRaw, "--tournament");
  const probe = createPublicClient({ transport: http(rpc) });
  let chainId: number;
  try {
    chainId = await probe.getChainId();
  } catch (e) {
    throw new CliError(`cannot reach ${rpc}: ${(e as BaseError).shortMessage ?? e}`, "rpc_error");
  }
  const chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpc] } },
  });
  const publicClient = createPublicClient({ chain, transport: http(rpc) }) as PublicClient;
  const code = await publicClient.getCode({ address: tournament });
  if (!code || code === "0x") throw new CliError(`no contract at ${tournament} on ${rpc}`);
  const onChainToken = await publicClient.readContract({
    address: tournament,
    abi: tournamentAbi,
    functionName: "token",
  });
  const tokenRaw = pick(
    values.token as string,
    env.TOURNEY_TOKEN,
    config.token,
    dev?.contracts?.token,
  );
  const token = tokenRaw ? address(tokenRaw, "--token") : onChainToken;
  if (token.toLowerCase() !== onChainToken.toLowerCase()) {
    throw new CliError(`--token ${token} is not the tournament's token (${onChainToken})`);
  }
  const [decimals, symbol] = await Promise.all([
    publicClient.readContract({ address: token, abi: stakeTokenAbi, functionName: "decimals" }),
    publicClient.readContract({ address: token, abi: stakeTokenAbi, functionName: "symbol" }),
  ]);
  return { rpc, chain, tournament, token, decimals: Number(decimals), symbol, publicClient };
}

/** The signing account: `--keystore FILE` or env TOURNEY_PRIVATE_KEY. */
export async function loadSigner(values: Record<string, unknown>): Promise<Account> {
  const file = values.keystore as string | undefined;
  if (file) return privateKeyToAccount(await readKeystore(file));
  const env = process.env.TOURNEY_PRIVATE_KEY;
  if (!env)
    throw new CliError(
      "no signing key: set TOURNEY_PRIVATE_KEY or pass --keystore FILE",
      "no_private_key",
    );
  return privateKeyToAccount(normaliseKey(env, "TOURNEY_PRIVATE_KEY"));
}

function normaliseKey(v: string, what: string): Hex {
  const k = v.trim().startsWith("0x") ? v.trim() : `0x${v.trim()}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(k))
    throw new CliError(`${what} is not a 32-byte hex private key`);
  return k as Hex;
}

interface V3Keystore {
  version?: number;
  crypto?: V3Crypto;
  Crypto?: V3Crypto;
}
interface V3Crypto {
  cipher: string;
  cipherparams: { iv: string };
  ciphertext: string;
  kdf: "scrypt" | "pbkdf2";
  kdfparams: {
    dklen: number;
    salt: string;
    n?: number;
    r?: number;
    p?: number;
    c?: number;
    prf?: string;
  };
  mac: string;
}

/** A private key from a plain `{"privateKey"}` file (mode 0600) or a V3 keystore. */
export async function readKeystore(file: string): Promise<Hex> {
  let parsed: { privateKey?: string } & V3Keystore;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new CliError(`cannot read keystore ${file}: ${(e as Error).message}`);
  }
  if (typeof parsed.privateKey === "string") {
    const mode = statSync(file).mode & 0o777;
    if (process.platform !== "win32" && (mode & 0o077) !== 0) {
      throw new CliError(
        `${file} holds a plain private key but is readable by others (mode ${mode.toString(8)}): chmod 600 it`,
        "insecure_keystore",
      );
    }
    return normaliseKey(parsed.privateKey, file);
  }
  const c = parsed.crypto ?? parsed.Crypto;
  if (!c) throw new CliError(`${file} is neither a V3 keystore nor a {"privateKey"} file`);
  const password =
    process.env.TOURNEY_KEYSTORE_PASSWORD ?? (await askHidden(`Password for ${file}: `));
  return decryptV3(c, password, file);
}

/** Decrypts an Ethereum V3 keystore (Web3 Secret Storage). */
export function decryptV3(c: V3Crypto, password: string, file = "keystore"): Hex {
  const salt = Buffer.from(c.kdfparams.salt, "hex");
  const dklen = c.kdfparams.dklen ?? 32;
  let derived: Buffer;
  if (c.kdf === "scrypt") {
    const { n = 262144, r = 8, p = 1 } = c.kdfparams;
    derived = scryptSync(password, salt, dklen, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 });
  } else if (c.kdf === "pbkdf2") {
    if (c.kdfparams.prf && c.kdfparams.prf !== "hmac-sha256")
      throw new CliError(`${file}: unsupported prf ${c.kdfparams.prf}`);
    derived = pbkdf2Sync(password, salt, c.kdfparams.c ?? 262144, dklen, "sha256");
  } else {
    throw new CliError(`${file}: unsupported kdf ${(c as { kdf: string }).kdf}`);
  }
  if (c.cipher !== "aes-128-ctr") throw new CliError(`${file}: unsupported cipher ${c.cipher}`);
  const ciphertext = Buffer.from(c.ciphertext, "hex");
  const mac = keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext]));
  if (mac.slice(2).toLowerCase() !== c.mac.toLowerCase().replace(/^0x/, "")) {
    throw new CliError(`${file}: wrong password (MAC mismatch)`, "wrong_password");
  }
  const decipher = createDecipheriv(
    "aes-128-ctr",
    derived.subarray(0, 16),
    Buffer.from(c.cipherparams.iv, "hex"),
  );
  const key = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  return `0x${key.toString("hex")}` as Hex;
}

async function askHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    throw new CliError(
      "the keystore is encrypted: set TOURNEY_KEYSTORE_PASSWORD (stdin is not a terminal)",
      "password_required",
    );
  }
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((done, fail) => {
    let pw = "";
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString("utf8")) {
        if (ch === "\r" || ch === "\n") {
          finish();
          done(pw);
          return;
        }
        if (ch === "\u0003") {
          finish();
          fail(new CliError("cancelled", "cancelled"));
          return;
        }
        if (ch === "\u007f") pw = pw.slice(0, -1);
        else pw += ch;
      }
    };
    const finish = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
    };
    stdin.on("data", onData);
  });
}

/**
 * Asks `question` on the terminal; resolves when the answer is yes. Without a terminal and
 * without `--yes` it refuses rather than sending anything.
 */
export async function confirm(summary: string, yes: boolean): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) {
    throw new CliError(
      "refusing to send a transaction without confirmation: stdin is not a terminal (pass --yes to confirm)",
      "confirmation_required",
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${summary}\nProceed? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new CliError("cancelled", "cancelled");
  } finally {
    rl.close();
  }
}

export function walletFor(ctx: ChainContext, account: Account): WalletClient {
  return createWalletClient({ chain: ctx.chain, transport: http(ctx.rpc), account });
}

/** Simulates (for a readable revert reason), sends and waits; throws on a reverted receipt. */
export async function sendTx(
  ctx: ChainContext,
  wallet: WalletClient,
  call: { address: Address; abi: Abi; functionName: string; args: readonly unknown[] },
): Promise<TransactionReceipt> {
  try {
    const { request } = await ctx.publicClient.simulateContract({
      ...call,
      account: wallet.account!,
    } as Parameters<PublicClient["simulateContract"]>[0]);
    const hash = await wallet.writeContract(
      request as Parameters<WalletClient["writeContract"]>[0],
    );
    const receipt = await ctx.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success")
      throw new CliError(`transaction ${hash} reverted`, "tx_reverted");
    return receipt;
  } catch (e) {
    if (e instanceof CliError) throw e;
    if (e instanceof BaseError) {
      const revert = e.walk((x) => x instanceof ContractFunctionRevertedError);
      if (revert instanceof ContractFunctionRevertedError && revert.data?.errorName) {
        const args = (revert.data.args ?? []).map(String).join(", ");
        throw new CliError(
          `${call.functionName} reverted: ${revert.data.errorName}(${args})`,
          "tx_reverted",
        );
      }
      throw new CliError(`${call.functionName} failed: ${e.shortMessage}`, "tx_failed");
    }
    throw e;
  }
}

export const tokens = (ctx: ChainContext, wei: bigint) =>
  `${formatUnits(wei, ctx.decimals)} ${ctx.symbol}`;
