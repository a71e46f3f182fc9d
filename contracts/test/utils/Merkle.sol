// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ITournament} from "../../src/ITournament.sol";

/// @notice OpenZeppelin's StandardMerkleTree (@openzeppelin/merkle-tree) rebuilt in Solidity for
/// tests and the gas bench: leaves are double-hashed, sorted by hash, laid out in the same array
/// (leaf k of the sorted order at index length - 1 - k, node i = hashPair(2i + 1, 2i + 2)), and
/// multiproofs follow the library's getMultiProof step for step. test/MerkleVectors.t.sol checks
/// it against trees the library wrote (test/vectors/merkle.json).
library Merkle {
    struct Tree {
        /// The whole tree, root at 0.
        bytes32[] nodes;
        /// Tree index of input leaf i.
        uint256[] treeIndexOf;
        /// Input index of the leaf at tree index t (meaningful for leaf indices only).
        uint256[] inputOf;
    }

    struct MultiProof {
        /// Input indices of the proven leaves, in the order the proof expects.
        uint256[] order;
        bytes32[] proof;
        bool[] flags;
    }

    /// The leaf hash of a score leaf, types ["bytes32", "int256", "int256"].
    function scoreLeafHash(ITournament.ScoreLeaf memory l) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(l.modelId, l.corr, l.mmc))));
    }

    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    function scoreTree(ITournament.ScoreLeaf[] memory leaves) internal pure returns (Tree memory) {
        bytes32[] memory hashes = new bytes32[](leaves.length);
        for (uint256 i; i < leaves.length; ++i) {
            hashes[i] = scoreLeafHash(leaves[i]);
        }
        return build(hashes);
    }

    /// Builds the tree of already hashed leaves (sorted by hash, as the library's default).
    function build(bytes32[] memory leafHashes) internal pure returns (Tree memory t) {
        uint256 n = leafHashes.length;
        require(n > 0, "Merkle: no leaves");
        uint256[] memory sorted = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            sorted[i] = i;
        }
        _sortByHash(sorted, leafHashes, 0, int256(n) - 1);
        uint256 len = 2 * n - 1;
        t.nodes = new bytes32[](len);
        t.treeIndexOf = new uint256[](n);
        t.inputOf = new uint256[](len);
        for (uint256 k; k < n; ++k) {
            uint256 at = len - 1 - k;
            t.nodes[at] = leafHashes[sorted[k]];
            t.treeIndexOf[sorted[k]] = at;
            t.inputOf[at] = sorted[k];
        }
        for (uint256 i = len - n; i > 0; --i) {
            t.nodes[i - 1] = hashPair(t.nodes[2 * i - 1], t.nodes[2 * i]);
        }
    }

    function root(Tree memory t) internal pure returns (bytes32) {
        return t.nodes[0];
    }

    /// The multiproof of the input leaves `inputs` (no duplicates), as getMultiProof builds it.
    function multiProof(Tree memory t, uint256[] memory inputs) internal pure returns (MultiProof memory m) {
        uint256 n = inputs.length;
        uint256[] memory idx = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            idx[i] = t.treeIndexOf[inputs[i]];
        }
        _sortDesc(idx, 0, int256(n) - 1);
        for (uint256 i = 1; i < n; ++i) {
            require(idx[i] != idx[i - 1], "Merkle: duplicated leaf");
        }
        m.order = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            m.order[i] = t.inputOf[idx[i]];
        }
        // A queue: take from `head`, push at `tail`; it never holds more than n entries, and
        // at most n - 1 + depth pushes happen in all.
        uint256[] memory queue = new uint256[](n + t.nodes.length);
        uint256 head;
        uint256 tail = n;
        for (uint256 i; i < n; ++i) {
            queue[i] = idx[i];
        }
        bytes32[] memory proof = new bytes32[](t.nodes.length);
        bool[] memory flags = new bool[](t.nodes.length);
        uint256 np;
        uint256 nf;
        while (head < tail && queue[head] > 0) {
            uint256 j = queue[head++];
            uint256 s = j % 2 == 1 ? j + 1 : j - 1;
            uint256 p = (j - 1) / 2;
            if (head < tail && queue[head] == s) {
                flags[nf++] = true;
                ++head;
            } else {
                flags[nf++] = false;
                proof[np++] = t.nodes[s];
            }
            queue[tail++] = p;
        }
        if (n == 0) proof[np++] = t.nodes[0];
        assembly ("memory-safe") {
            mstore(proof, np)
            mstore(flags, nf)
        }
        m.proof = proof;
        m.flags = flags;
    }

    /// The proven score leaves in proof order.
    function leavesOf(MultiProof memory m, ITournament.ScoreLeaf[] memory all)
        internal
        pure
        returns (ITournament.ScoreLeaf[] memory out)
    {
        out = new ITournament.ScoreLeaf[](m.order.length);
        for (uint256 i; i < out.length; ++i) {
            out[i] = all[m.order[i]];
        }
    }

    /// The root a multiproof gives (the library's processMultiProof), to check a proof here.
    function processMultiProof(bytes32[] memory leafHashes, bytes32[] memory proof, bool[] memory flags)
        internal
        pure
        returns (bytes32)
    {
        require(leafHashes.length + proof.length == flags.length + 1, "Merkle: bad multiproof");
        bytes32[] memory queue = new bytes32[](leafHashes.length + flags.length);
        uint256 head;
        uint256 tail;
        uint256 pi;
        for (uint256 i; i < leafHashes.length; ++i) {
            queue[tail++] = leafHashes[i];
        }
        for (uint256 i; i < flags.length; ++i) {
            bytes32 a = queue[head++];
            bytes32 b = flags[i] ? queue[head++] : proof[pi++];
            queue[tail++] = hashPair(a, b);
        }
        if (tail > 0) return queue[tail - 1];
        return proof[0];
    }

    function _sortByHash(uint256[] memory a, bytes32[] memory key, int256 lo, int256 hi) private pure {
        while (lo < hi) {
            bytes32 pivot = key[a[uint256(lo + (hi - lo) / 2)]];
            int256 i = lo;
            int256 j = hi;
            while (i <= j) {
                while (key[a[uint256(i)]] < pivot) ++i;
                while (key[a[uint256(j)]] > pivot) --j;
                if (i <= j) {
                    (a[uint256(i)], a[uint256(j)]) = (a[uint256(j)], a[uint256(i)]);
                    ++i;
                    --j;
                }
            }
            // Recurse into the smaller side, loop on the larger (bounded depth).
            if (j - lo < hi - i) {
                _sortByHash(a, key, lo, j);
                lo = i;
            } else {
                _sortByHash(a, key, i, hi);
                hi = j;
            }
        }
    }

    function _sortDesc(uint256[] memory a, int256 lo, int256 hi) private pure {
        while (lo < hi) {
            uint256 pivot = a[uint256(lo + (hi - lo) / 2)];
            int256 i = lo;
            int256 j = hi;
            while (i <= j) {
                while (a[uint256(i)] > pivot) ++i;
                while (a[uint256(j)] < pivot) --j;
                if (i <= j) {
                    (a[uint256(i)], a[uint256(j)]) = (a[uint256(j)], a[uint256(i)]);
                    ++i;
                    --j;
                }
            }
            if (j - lo < hi - i) {
                _sortDesc(a, lo, j);
                lo = i;
            } else {
                _sortDesc(a, i, hi);
                hi = j;
            }
        }
    }
}
