import { StandardMerkleTree } from "@openzeppelin/merkle-tree";

/**
 * The submissions tree committed at close: one leaf per selected submission,
 * `(bytes32 modelId, bytes32 sha256)`, OpenZeppelin's standard (double-hashed, sorted) encoding.
 */
export function submissionsTree(rows: { modelId: string; sha256: string }[]) {
  const leaves = rows.map((r) => [r.modelId, `0x${r.sha256}`]);
  return StandardMerkleTree.of(leaves, ["bytes32", "bytes32"]);
}

export interface ScoreLeaf {
  modelId: string;
  corrWad: bigint;
  mmcWad: bigint;
  ratioWad: bigint;
  payout: bigint;
}

/** The scores tree posted at resolution: `(bytes32 modelId, int256 corr, int256 mmc, int256 ratio, int256 payout)`. */
export function scoresTree(rows: ScoreLeaf[]) {
  const leaves = rows.map((r) => [r.modelId, r.corrWad, r.mmcWad, r.ratioWad, r.payout]);
  return StandardMerkleTree.of(leaves, ["bytes32", "int256", "int256", "int256", "int256"]);
}

/** An empty round still gets a root: the zero hash. */
export const EMPTY_ROOT = `0x${"0".repeat(64)}` as const;
