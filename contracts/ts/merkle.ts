import { StandardMerkleTree } from "@openzeppelin/merkle-tree";

/**
 * The Merkle trees Tourney commits on chain, built one way for every layer (the worker, the
 * API, `tourney verify` and the tests): OpenZeppelin's standard tree (leaf =
 * keccak256(bytes.concat(keccak256(abi.encode(...)))), sorted pairs), which the contract checks
 * with OpenZeppelin's MerkleProof.
 */

/** An empty tree still gets a root: the zero hash. */
export const EMPTY_ROOT = `0x${"0".repeat(64)}` as const;

/** A submission leaf's types: `(bytes32 modelId, bytes32 sha256)`. */
export const SUBMISSION_LEAF_TYPES = ["bytes32", "bytes32"] as const;

/**
 * The submissions tree committed at close: one leaf per selected submission,
 * `(bytes32 modelId, bytes32 sha256)`.
 */
export function submissionsTree(rows: { modelId: string; sha256: string }[]) {
  const leaves = rows.map((r) => [r.modelId, `0x${r.sha256}`]);
  return StandardMerkleTree.of(leaves, [...SUBMISSION_LEAF_TYPES]);
}

/** Whether a submission leaf `(modelId, 0x-prefixed sha256)` with `proof` hashes up to `root`. */
export function verifySubmissionProof(
  root: string,
  leaf: { modelId: string; sha256: string },
  proof: string[],
): boolean {
  return StandardMerkleTree.verify(
    root,
    [...SUBMISSION_LEAF_TYPES],
    [leaf.modelId, leaf.sha256],
    proof,
  );
}

/** A model's score as committed in the scores root (the contract's `ScoreLeaf`): WAD integers. */
export interface ScoreLeaf {
  modelId: `0x${string}`;
  /** CORR as WAD (`toWad` in scoring/payout.ts). */
  corr: bigint;
  /** MMC as WAD (0 when the round has no MMC for the model). */
  mmc: bigint;
}

export const SCORE_LEAF_TYPES = ["bytes32", "int256", "int256"] as const;

export type ScoresTree = StandardMerkleTree<[string, bigint, bigint]>;

/** The scores tree posted at resolution: one `(bytes32 modelId, int256 corr, int256 mmc)` leaf per scored model. */
export function scoresTree(rows: readonly ScoreLeaf[]): ScoresTree {
  const leaves: [string, bigint, bigint][] = rows.map((r) => [r.modelId, r.corr, r.mmc]);
  return StandardMerkleTree.of(leaves, [...SCORE_LEAF_TYPES]);
}

/** The root of `scoresTree(rows)`, or EMPTY_ROOT for a round without scores. */
export function scoresRoot(rows: readonly ScoreLeaf[]): string {
  return rows.length === 0 ? EMPTY_ROOT : scoresTree(rows).root;
}

/** What `settle(roundId, leaves, proof, proofFlags)` takes for one batch. */
export interface SettleBatch {
  leaves: ScoreLeaf[];
  proof: `0x${string}`[];
  proofFlags: boolean[];
}

/**
 * A multiproof for some models of a scores tree, with the leaves in the order the proof (and
 * so the contract) expects them: `getMultiProof` sorts them by their position in the tree.
 * Unknown model ids throw.
 */
export function scoresMultiProof(tree: ScoresTree, modelIds: readonly string[]): SettleBatch {
  const index = new Map<string, number>();
  for (const [i, v] of tree.entries()) index.set(String(v[0]).toLowerCase(), i);
  const indices = modelIds.map((id) => {
    const i = index.get(id.toLowerCase());
    if (i === undefined) throw new Error(`model ${id} has no leaf in the scores tree`);
    return i;
  });
  const mp = tree.getMultiProof(indices);
  return {
    leaves: mp.leaves.map(([modelId, corr, mmc]) => ({
      modelId: modelId as `0x${string}`,
      corr: BigInt(corr),
      mmc: BigInt(mmc),
    })),
    proof: mp.proof as `0x${string}`[],
    proofFlags: mp.proofFlags,
  };
}

/** Checks a batch against a root the way the contract does (OpenZeppelin's multiProofVerify). */
export function verifyScoresMultiProof(root: string, batch: SettleBatch): boolean {
  return StandardMerkleTree.verifyMultiProof(root, [...SCORE_LEAF_TYPES], {
    leaves: batch.leaves.map((l) => [l.modelId, l.corr, l.mmc]),
    proof: batch.proof,
    proofFlags: batch.proofFlags,
  });
}
