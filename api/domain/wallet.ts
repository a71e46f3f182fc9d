import { getAddress, verifyMessage } from "viem";
import { parseSiweMessage, validateSiweMessage } from "viem/siwe";
import { linkWallet as storeWalletLink } from "../../db";
import { expectedSiweDomain } from "../env";
import { DomainError } from "../errors";
import { clock, type DomainServices } from "./services";

type WalletServices = Pick<DomainServices, "db" | "config" | "now"> &
  Required<Pick<DomainServices, "nonces">>;

const proofError = (reason: string, message: string) =>
  new DomainError("invalid_wallet_proof", message, { reason });

/** A one-time nonce for the account's SIWE message, with the domain and chain it must name. */
export async function issueWalletNonce(
  s: Pick<WalletServices, "config" | "now" | "nonces">,
  input: { accountId: string },
) {
  const issued = await s.nonces.issue(input.accountId, clock(s));
  return {
    nonce: issued.nonce,
    expiresAt: issued.expiresAt,
    // From configuration only, never from the request.
    domain: expectedSiweDomain(s.config),
    chainId: s.config.SIWE_CHAIN_ID ?? null,
  };
}

/**
 * Links the wallet that signed an EIP-4361 message to the account. The message must name the
 * configured domain (and chain, if one is configured), be within its validity, be signed by its
 * address, and carry a nonce issued to this account (consumed once the proof is otherwise good):
 * else 422 `invalid_wallet_proof` with the reason. An address links to one account at a time
 * (409 `wallet_already_linked`).
 */
export async function linkWallet(
  s: WalletServices,
  input: { accountId: string; message: string; signature: `0x${string}` },
): Promise<{ accountId: string; walletAddress: string }> {
  const { message, signature, accountId } = input;
  const time = clock(s);
  const domain = expectedSiweDomain(s.config);
  const fields = parseSiweMessage(message);
  if (!fields.address || !fields.nonce || !fields.domain || fields.version !== "1") {
    throw proofError("message", "Not an EIP-4361 message");
  }
  if (fields.domain !== domain) {
    throw proofError("domain", `The message must be for domain '${domain}'`);
  }
  if (s.config.SIWE_CHAIN_ID !== undefined && fields.chainId !== s.config.SIWE_CHAIN_ID) {
    throw proofError("chain", `The message must name chain ${s.config.SIWE_CHAIN_ID}`);
  }
  if (!validateSiweMessage({ message: fields, time })) {
    throw proofError("message", "The message is expired, not yet valid or malformed");
  }
  let valid = false;
  try {
    valid = await verifyMessage({ address: fields.address, message, signature });
  } catch {
    valid = false;
  }
  if (!valid) throw proofError("signature", "The signature is not the message's address's");
  // Consumed only once the proof is otherwise good, and never twice.
  if (!(await s.nonces.consume(accountId, fields.nonce, time))) {
    throw proofError("nonce", "Unknown, used or expired nonce; ask POST /v1/wallet/nonce");
  }
  const address = getAddress(fields.address);
  // One wallet, one account: the unique index decides a race between two accounts.
  if (!(await storeWalletLink(s.db, accountId, address.toLowerCase()))) {
    throw new DomainError("wallet_already_linked", "This address is linked to another account");
  }
  return { accountId, walletAddress: address };
}
