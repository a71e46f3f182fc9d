// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ITournament} from "../src/ITournament.sol";
import {BaseTest} from "./Base.t.sol";
import {Merkle} from "./utils/Merkle.sol";

/// @notice test/utils/Merkle.sol against @openzeppelin/merkle-tree: trees, leaf hashes and
/// multiproofs written by script/merkle-vectors.mjs (test/vectors/merkle.json), and the
/// contract's settle accepting the library's own proofs.
contract MerkleVectorsTest is BaseTest {
    string internal constant FILE = "test/vectors/merkle.json";

    function leavesOf(string memory json, string memory at) internal pure returns (ITournament.ScoreLeaf[] memory ls) {
        bytes32[] memory ids = vm.parseJsonBytes32Array(json, string.concat(at, ".modelIds"));
        int256[] memory corrs = vm.parseJsonIntArray(json, string.concat(at, ".corrs"));
        int256[] memory mmcs = vm.parseJsonIntArray(json, string.concat(at, ".mmcs"));
        ls = new ITournament.ScoreLeaf[](ids.length);
        for (uint256 i; i < ids.length; ++i) {
            ls[i] = ITournament.ScoreLeaf(ids[i], corrs[i], mmcs[i]);
        }
    }

    function test_merkle_builderMatchesTheLibrary() public view {
        string memory json = vm.readFile(FILE);
        uint256 trees = vm.parseJsonUint(json, ".treeCount");
        assertTrue(trees > 0, "trees present");
        for (uint256 t; t < trees; ++t) {
            string memory at = string.concat(".trees[", vm.toString(t), "]");
            ITournament.ScoreLeaf[] memory ls = leavesOf(json, at);
            bytes32[] memory hashes = vm.parseJsonBytes32Array(json, string.concat(at, ".leafHashes"));
            for (uint256 i; i < ls.length; ++i) {
                assertEq(Merkle.scoreLeafHash(ls[i]), hashes[i], "leaf hash");
            }
            Merkle.Tree memory tree = Merkle.scoreTree(ls);
            assertEq(Merkle.root(tree), vm.parseJsonBytes32(json, string.concat(at, ".root")), "root");
            uint256 proofs = vm.parseJsonUint(json, string.concat(at, ".proofCount"));
            for (uint256 k; k < proofs; ++k) {
                string memory pk = string.concat(at, ".proofs[", vm.toString(k), "]");
                Merkle.MultiProof memory m =
                    Merkle.multiProof(tree, vm.parseJsonUintArray(json, string.concat(pk, ".indices")));
                uint256[] memory order = vm.parseJsonUintArray(json, string.concat(pk, ".order"));
                bytes32[] memory proof = vm.parseJsonBytes32Array(json, string.concat(pk, ".proof"));
                bool[] memory flags = vm.parseJsonBoolArray(json, string.concat(pk, ".proofFlags"));
                assertEq(m.order.length, order.length, "leaf count");
                for (uint256 i; i < order.length; ++i) {
                    assertEq(m.order[i], order[i], "leaf order");
                }
                assertEq(m.proof.length, proof.length, "proof length");
                for (uint256 i; i < proof.length; ++i) {
                    assertEq(m.proof[i], proof[i], "proof node");
                }
                assertEq(m.flags.length, flags.length, "flag count");
                for (uint256 i; i < flags.length; ++i) {
                    assertTrue(m.flags[i] == flags[i], "flag");
                }
            }
        }
    }

    /// The contract settles the library's leaves and multiproofs as written.
    function test_merkle_contractAcceptsTheLibrarysProofs() public {
        string memory json = vm.readFile(FILE);
        uint256 trees = vm.parseJsonUint(json, ".treeCount");
        for (uint256 t; t < trees; ++t) {
            uint256 id = t + 1;
            string memory at = string.concat(".trees[", vm.toString(t), "]");
            ITournament.ScoreLeaf[] memory ls = leavesOf(json, at);
            for (uint256 i; i < ls.length; ++i) {
                stakeAs(alice, ls[i].modelId, 1000e18);
            }
            openAndClose(id);
            for (uint256 i; i < ls.length; ++i) {
                scores[id].push(ls[i]);
            }
            resolve(id);
            assertEq(tournament.round(id).scoresRoot, vm.parseJsonBytes32(json, string.concat(at, ".root")), "root");
            // The library's proof of every leaf at once.
            string memory pk;
            uint256[] memory order;
            uint256 proofs = vm.parseJsonUint(json, string.concat(at, ".proofCount"));
            for (uint256 k; k < proofs && order.length != ls.length; ++k) {
                pk = string.concat(at, ".proofs[", vm.toString(k), "]");
                order = vm.parseJsonUintArray(json, string.concat(pk, ".order"));
            }
            assertEq(order.length, ls.length, "the whole tree");
            ITournament.ScoreLeaf[] memory inOrder = new ITournament.ScoreLeaf[](order.length);
            for (uint256 i; i < order.length; ++i) {
                inOrder[i] = ls[order[i]];
            }
            vm.prank(admin);
            tournament.settle(
                id,
                inOrder,
                vm.parseJsonBytes32Array(json, string.concat(pk, ".proof")),
                vm.parseJsonBoolArray(json, string.concat(pk, ".proofFlags"))
            );
            assertEq(tournament.round(id).modelsSettled, ls.length, "all settled");
            finalize(id);
        }
    }
}
