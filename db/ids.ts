import { randomBytes } from "node:crypto";

/**
 * Sortable prefixed ids (`sub_0193f2c1a4b7e9d2c0ffee...`): 12 hex digits of milliseconds, then
 * 10 random bytes. Lexicographic order is creation order, across processes.
 */
export function newId(
  prefix: "acc" | "key" | "sub" | "idem" | "whk" | "msg" | "val" | "dgn",
): string {
  const time = Date.now().toString(16).padStart(12, "0");
  return `${prefix}_${time}${randomBytes(10).toString("hex")}`;
}

/** A random bytes32 (0x + 64 hex) for things the contract knows, like model ids. */
export function newBytes32(): `0x${string}` {
  return `0x${randomBytes(32).toString("hex")}`;
}
