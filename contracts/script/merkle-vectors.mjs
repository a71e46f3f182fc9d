#!/usr/bin/env node
// Writes contracts/test/vectors/merkle.json: score trees built by @openzeppelin/merkle-tree
// (the library the scorer and `tourney verify` use) with their roots, leaf hashes and
// multiproofs, so test/MerkleVectors.t.sol can check the Solidity tree builder of the tests
// (test/utils/Merkle.sol) and the contract's settle against the off-chain encoding.
//
//   node contracts/script/merkle-vectors.mjs          write the file
//   node contracts/script/merkle-vectors.mjs --check  fail if the file is not what it would write
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { keccak256, toHex } from "viem";

const out = join(dirname(fileURLToPath(import.meta.url)), "..", "test", "vectors", "merkle.json");
const TYPES = ["bytes32", "int256", "int256"];
const WAD = 10n ** 18n;

// A small deterministic generator (no Math.random: the file must be reproducible).
let state = 0x7011n;
function next() {
  state = (state * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n;
  return state;
}
function score() {
  // -0.1 .. +0.1 WAD, odd values included.
  return (next() % (WAD / 5n)) - WAD / 10n;
}

const SIZES = [1, 2, 3, 5, 8, 13];
const trees = [];
for (const [t, size] of SIZES.entries()) {
  const values = [];
  for (let i = 0; i < size; i++) {
    values.push([keccak256(toHex(`vector-model-${t}-${i}`)), score(), score()]);
  }
  const tree = StandardMerkleTree.of(values, TYPES);
  // Subsets: every leaf alone, all leaves, and a few mixed ones.
  const subsets = values.map((_, i) => [i]);
  if (size > 1) subsets.push(values.map((_, i) => i));
  if (size > 2)
    subsets.push(
      [0, size - 1],
      values.map((_, i) => i).filter((i) => i % 2 === 1),
    );
  if (size > 4) subsets.push([size - 2, 1, 0]);
  const proofs = subsets.map((indices) => {
    const mp = tree.getMultiProof(indices);
    const order = mp.leaves.map((leaf) => values.indexOf(leaf));
    if (!StandardMerkleTree.verifyMultiProof(tree.root, TYPES, mp)) throw new Error("bad proof");
    return { indices, order, proof: mp.proof, proofFlags: mp.proofFlags };
  });
  trees.push({
    root: tree.root,
    modelIds: values.map((v) => v[0]),
    corrs: values.map((v) => v[1].toString()),
    mmcs: values.map((v) => v[2].toString()),
    leafHashes: values.map((v) => tree.leafHash(v)),
    proofCount: proofs.length,
    proofs,
  });
}

// Formatted as the repository's formatter (biome) would, so `npm run lint` passes on it.
const biome = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "node_modules",
  ".bin",
  "biome",
);
const formatted = spawnSync(biome, ["format", `--stdin-file-path=${out}`], {
  input: JSON.stringify({ treeCount: trees.length, trees }, null, 2),
  encoding: "utf8",
});
if (formatted.status !== 0) throw new Error(`biome format failed: ${formatted.stderr}`);
const text = formatted.stdout;
if (process.argv.includes("--check")) {
  if (readFileSync(out, "utf8") !== text) {
    console.error(
      "test/vectors/merkle.json is stale: run node contracts/script/merkle-vectors.mjs",
    );
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
  console.log(`wrote ${trees.length} trees to ${out}`);
}
