import { verifySubmissionProof } from "../../contracts/ts/merkle";

/** The JSON served by `GET /v1/models/:id/submissions/:sid/receipt`. */
export interface Receipt {
  round: number;
  leaf: { modelId: string; sha256: string };
  proof: string[];
  root: string;
}

/**
 * Checks a receipt offline: the leaf `(modelId, sha256)` with its proof hashes up to `root`
 * (the receipt's own root, or one read from chain and passed in).
 */
export function verifyReceipt(r: Receipt, root = r.root): boolean {
  return verifySubmissionProof(root, r.leaf, r.proof);
}
