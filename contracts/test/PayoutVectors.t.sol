// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ITournament} from "../src/ITournament.sol";
import {PayoutMath} from "../src/libraries/PayoutMath.sol";
import {BaseTest} from "./Base.t.sol";

/// @notice The payout vectors shared with the off-chain scorer. ratios.json (written by
/// script/ratio-vectors.ts from scoring/payout.ts; test/contracts/ratio-vectors.test.ts checks
/// the same file) goes through the contract: `payoutRatio` and a real settle per vector.
/// payouts.json (test/scoring/payout.test.ts checks it too) goes through PayoutMath.
contract PayoutVectorsTest is BaseTest {
    string internal constant RATIOS = "test/vectors/ratios.json";

    struct Vector {
        int256 corr;
        int256 mmc;
        ITournament.RoundParams params;
        uint256 factor;
        uint256 stake;
        int256 ratio;
        int256 payout;
    }

    function vectorAt(string memory json, uint256 i) internal view returns (Vector memory v) {
        string memory at = string.concat(".vectors[", vm.toString(i), "]");
        v.corr = vm.parseJsonInt(json, string.concat(at, ".corrWad"));
        v.mmc = vm.parseJsonInt(json, string.concat(at, ".mmcWad"));
        v.params = params();
        v.params.corrMultiplier = vm.parseJsonUint(json, string.concat(at, ".corrMultiplier"));
        v.params.mmcMultiplier = vm.parseJsonUint(json, string.concat(at, ".mmcMultiplier"));
        v.params.payoutCap = vm.parseJsonUint(json, string.concat(at, ".payoutCap"));
        v.params.stakeThreshold = vm.parseJsonUint(json, string.concat(at, ".stakeThreshold"));
        v.factor = vm.parseJsonUint(json, string.concat(at, ".payoutFactor"));
        v.stake = vm.parseJsonUint(json, string.concat(at, ".stakeAtRisk"));
        v.ratio = vm.parseJsonInt(json, string.concat(at, ".ratio"));
        v.payout = vm.parseJsonInt(json, string.concat(at, ".payout"));
    }

    function test_ratioVectors_matchPayoutRatio() public {
        string memory json = vm.readFile(RATIOS);
        uint256 n = vm.parseJsonUint(json, ".count");
        assertTrue(n > 40, "vectors present");
        for (uint256 i; i < n; ++i) {
            Vector memory v = vectorAt(json, i);
            openRound(i + 1, v.params);
            closeRound(i + 1);
            resolve(i + 1, v.factor, 0, 0);
            assertEq(tournament.payoutRatio(i + 1, v.corr, v.mmc), v.ratio, string.concat("vector ", vm.toString(i)));
            finalize(i + 1);
        }
    }

    function test_ratioVectors_matchRealSettles() public {
        vm.prank(admin);
        token.mint(carol, 2 ** 90);
        vm.prank(carol);
        tournament.fundRewards(2 ** 90);
        string memory json = vm.readFile(RATIOS);
        uint256 n = vm.parseJsonUint(json, ".count");
        for (uint256 i; i < n; ++i) {
            Vector memory v = vectorAt(json, i);
            uint256 id = i + 1;
            bytes32 model = keccak256(abi.encode("vector", i));
            vm.prank(admin);
            token.mint(alice, v.stake);
            stakeAs(alice, model, v.stake);
            openRound(id, v.params);
            closeRound(id);
            score(id, model, v.corr, v.mmc);
            resolve(id, v.factor, v.payout > 0 ? uint256(v.payout) : 0, 1);
            Settled memory s = settleAllFor(id, model);
            string memory what = string.concat("vector ", vm.toString(i));
            assertEq(s.stakeAtRisk, v.stake, what);
            assertEq(s.ratio, v.ratio, what);
            assertEq(s.payout, v.payout, what);
            finalize(id);
            uint256 left = uint256(int256(v.stake) + v.payout);
            assertEq(exitAll(alice, model), toAssets(v.stake, left, v.stake), string.concat(what, " withdrawn"));
        }
    }

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
