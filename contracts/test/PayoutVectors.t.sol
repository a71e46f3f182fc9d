// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PayoutMath} from "../src/libraries/PayoutMath.sol";
import {Test} from "./utils/Test.sol";

/// @notice The payout vectors shared with the off-chain scorer (test/scoring checks the same file).
contract PayoutVectorsTest is Test {
    function test_payoutMath_matchesSharedVectors() public view {
        string memory json = vm.readFile("test/vectors/payouts.json");
        uint256 n = vm.parseJsonUint(json, ".count");
        assertTrue(n > 0, "vectors present");
        for (uint256 i; i < n; ++i) {
            string memory at = string.concat(".vectors[", vm.toString(i), "]");
            uint256 stake = vm.parseJsonUint(json, string.concat(at, ".stakeAtRisk"));
            int256 ratio = vm.parseJsonInt(json, string.concat(at, ".ratio"));
            int256 expected = vm.parseJsonInt(json, string.concat(at, ".payout"));
            assertEq(PayoutMath.payout(stake, ratio), expected, string.concat("vector ", vm.toString(i)));
        }
    }
}
