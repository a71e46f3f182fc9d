import { toFunctionSelector } from "viem";

const sel = (sig: string) => toFunctionSelector(sig);

/**
 * The /stake page's browser code: EIP-1193 (`window.ethereum`) with hand-written ABI encoding of
 * the few calls it needs (static arguments only: address, bytes32, uint256 words).
 */
export function stakeScript(): string {
  const S = {
    token: sel("token()"),
    decimals: sel("decimals()"),
    symbol: sel("symbol()"),
    allowance: sel("allowance(address,address)"),
    approve: sel("approve(address,uint256)"),
    stake: sel("stake(bytes32,uint256)"),
    requestUnstake: sel("requestUnstake(bytes32,uint256)"),
    withdraw: sel("withdraw(uint256)"),
    positionOf: sel("positionOf(bytes32,address)"),
  };
  return `(() => {
"use strict";
const S = ${JSON.stringify(S)};
const $ = (id) => document.getElementById(id);
const out = $("wallet-status");
const say = (msg) => { out.textContent = msg; };
const word = (hex) => { const h = hex.replace(/^0x/, "").toLowerCase(); if (!/^[0-9a-f]*$/.test(h) || h.length > 64) throw new Error("bad value " + hex); return h.padStart(64, "0"); };
const uint = (n) => word(BigInt(n).toString(16));
const enc = (selector, ...words) => selector + words.join("");
const MAX = (1n << 256n) - 1n;
let account = null, decimals = 18, symbol = "", token = null;
const eth = () => { if (!window.ethereum) throw new Error("No browser wallet found (window.ethereum)."); return window.ethereum; };
const call = async (to, data) => eth().request({ method: "eth_call", params: [{ to, data }, "latest"] });
const tournament = () => { const a = $("tournament").value.trim(); if (!/^0x[0-9a-fA-F]{40}$/.test(a)) throw new Error("Enter the Tournament contract address."); return a; };
const model = () => { const m = $("model").value.trim(); if (!/^0x[0-9a-fA-F]{64}$/.test(m)) throw new Error("Enter the model id (0x + 64 hex digits)."); return m; };
const parseAmount = (s) => {
  s = s.trim(); if (!/^\\d+(\\.\\d+)?$/.test(s)) throw new Error("Enter an amount like 100 or 12.5.");
  const [i, f = ""] = s.split("."); if (f.length > decimals) throw new Error("Too many decimals.");
  return BigInt(i) * 10n ** BigInt(decimals) + BigInt((f + "0".repeat(decimals)).slice(0, decimals) || "0");
};
const fmt = (wei) => { const d = 10n ** BigInt(decimals); const i = wei / d; const f = (wei % d).toString().padStart(decimals, "0").slice(0, 4).replace(/0+$/, ""); return (f ? i + "." + f : String(i)) + " " + symbol; };
const wait = async (hash) => { for (let k = 0; k < 600; k++) { const r = await eth().request({ method: "eth_getTransactionReceipt", params: [hash] }); if (r) { if (r.status !== "0x1") throw new Error("Transaction " + hash + " reverted."); return r; } await new Promise((res) => setTimeout(res, 1000)); } throw new Error("Timed out waiting for " + hash); };
const send = async (to, data) => { const hash = await eth().request({ method: "eth_sendTransaction", params: [{ from: account, to, data }] }); say("Sent " + hash + ", waiting…"); await wait(hash); return hash; };
const decodeString = (hex) => { const h = hex.slice(2); const len = parseInt(h.slice(64, 128), 16); const bytes = h.slice(128, 128 + len * 2).match(/../g) || []; return new TextDecoder().decode(new Uint8Array(bytes.map((b) => parseInt(b, 16)))); };
async function loadToken() {
  token = "0x" + (await call(tournament(), S.token)).slice(-40);
  decimals = Number(BigInt(await call(token, S.decimals)));
  symbol = decodeString(await call(token, S.symbol));
}
async function refresh() {
  if (!account) return;
  try { const m = model(); const r = await call(tournament(), enc(S.positionOf, word(m), word(account))); $("position").textContent = "Your active stake on this model: " + fmt(BigInt("0x" + r.slice(66, 130))); } catch (e) { $("position").textContent = ""; }
}
const guard = (fn) => async (ev) => { ev.preventDefault(); try { await fn(); } catch (e) { say("Error: " + (e && e.message ? e.message : e)); } };
$("settings-form").addEventListener("submit", (e) => e.preventDefault());
$("connect").addEventListener("click", guard(async () => {
  const accounts = await eth().request({ method: "eth_requestAccounts" });
  account = accounts[0]; await loadToken();
  const chain = parseInt(await eth().request({ method: "eth_chainId" }), 16);
  say("Connected " + account + " on chain " + chain + "; token " + symbol + " at " + token + ".");
  for (const b of document.querySelectorAll("[data-needs-wallet]")) b.disabled = false;
  await refresh();
}));
$("stake-form").addEventListener("submit", guard(async () => {
  const t = tournament(), m = model(), amount = parseAmount($("amount").value);
  if (!confirm("Stake " + fmt(amount) + " on model " + m + " from " + account + "?")) return;
  const allowance = BigInt(await call(token, enc(S.allowance, word(account), word(t))));
  if (allowance < amount) { say("Approving " + fmt(amount) + "…"); await send(token, enc(S.approve, word(t), uint(amount))); }
  const h = await send(t, enc(S.stake, word(m), uint(amount)));
  say("Staked " + fmt(amount) + ". Transaction " + h); await refresh();
}));
$("unstake-form").addEventListener("submit", guard(async () => {
  const t = tournament(), m = model(), raw = $("unstake-amount").value.trim();
  const amount = raw === "all" ? MAX : parseAmount(raw);
  if (!confirm("Request to unstake " + (raw === "all" ? "everything" : fmt(amount)) + " from model " + m + "?")) return;
  const h = await send(t, enc(S.requestUnstake, word(m), uint(amount)));
  say("Unstake requested. Transaction " + h + ". Withdraw once released (see tourney positions)."); await refresh();
}));
$("withdraw-form").addEventListener("submit", guard(async () => {
  const t = tournament(), id = $("request-id").value.trim();
  if (!/^\\d+$/.test(id)) throw new Error("Enter a request id.");
  if (!confirm("Withdraw unstake request " + id + " to " + account + "?")) return;
  const h = await send(t, enc(S.withdraw, uint(id)));
  say("Withdrawn. Transaction " + h);
}));
$("model").addEventListener("change", () => { refresh(); });
if (!window.ethereum) say("No browser wallet detected. Install one (it provides window.ethereum) to stake from this page, or use the tourney CLI.");
})();`;
}
