// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StakeToken} from "../src/StakeToken.sol";
import {ITournament} from "../src/ITournament.sol";
import {Tournament} from "../src/Tournament.sol";
import {Test} from "../test/utils/Test.sol";

contract Smoke is Test {
    StakeToken token;
    Tournament t;
    address admin = address(0xA11);
    address alice = address(0xA1);
    address bob = address(0xB0);
    address carol = address(0xC0);
    bytes32 constant A = keccak256("a");

    function setUp() public {
        token = new StakeToken(admin);
        t = new Tournament(token, admin);
        address[4] memory all = [admin, alice, bob, carol];
        for (uint256 i; i < 4; ++i) {
            vm.prank(admin);
            token.mint(all[i], 1e30);
            vm.prank(all[i]);
            token.approve(address(t), type(uint256).max);
        }
        vm.prank(admin);
        t.fundRewards(1e24);
    }

    function p() internal view returns (ITournament.RoundParams memory) {
        return ITournament.RoundParams(uint64(block.timestamp), uint64(block.timestamp + 30 days), 0.05e18, 0.5e18, 2e18, 72_000e18);
    }

    function open(uint256 id) internal { vm.prank(admin); t.openRound(id, bytes32(id), p()); }
    function close(uint256 id) internal { vm.prank(admin); t.closeRound(id, bytes32(id)); }
    function leafHash(bytes32 m, int256 c, int256 mm) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(m, c, mm))));
    }
    function resolveSettle(uint256 id, bytes32 m, int256 corr, uint256 pos) internal {
        vm.startPrank(admin);
        t.resolveRound(id, bytes32(0), leafHash(m, corr, 0), 1e18, pos, 1);
        ITournament.ScoreLeaf[] memory l = new ITournament.ScoreLeaf[](1);
        l[0] = ITournament.ScoreLeaf(m, corr, 0);
        t.settle(id, l, new bytes32[](0), new bool[](0));
        t.finalizeRound(id);
        vm.stopPrank();
    }
    function assetsOf(bytes32 m) internal view returns (uint256) { return t.modelStake(m).totalAssets; }

    function test_lateStakeTakesNoPart() public {
        vm.prank(alice); t.stake(A, 1000e18);
        open(1); close(1);
        vm.prank(bob); t.stake(A, 99_000e18);
        assertEq(t.stakeAtRisk(1, A), 1000e18, "r1 at risk");
        open(2); close(2);
        assertEq(t.stakeAtRisk(2, A), 100_000e18, "r2 estimate");
        resolveSettle(1, A, 0.1e18, 50e18);
        assertEq(assetsOf(A), 100_050e18, "after r1 + join");
        (, uint256 aliceAssets) = t.positionOf(A, alice);
        assertApproxEq(aliceAssets, 1050e18, 1e6, "alice got the payout");
        (, uint256 bobAssets) = t.positionOf(A, bob);
        assertApproxEq(bobAssets, 99_000e18, 1e6, "bob none");
        assertEq(t.stakeAtRisk(2, A), 100_050e18, "r2 exact");
        resolveSettle(2, A, -0.1e18, 0);
        (, aliceAssets) = t.positionOf(A, alice);
        assertApproxEq(aliceAssets, 1050e18 * 95 / 100, 1e6, "alice -5%");
        vm.prank(bob); t.poke(A, bob);
        vm.prank(bob); uint256 id = t.requestUnstake(A, type(uint256).max);
        assertTrue(t.isWithdrawable(id), "immediate");
        uint256 before = token.balanceOf(bob);
        vm.prank(bob); t.withdraw(id);
        assertApproxEq(token.balanceOf(bob) - before, 99_000e18 * 95 / 100, 1e6, "bob -5%");
    }

    function test_unstakeBeforeCloseNotAtRisk() public {
        vm.prank(alice); t.stake(A, 1000e18);
        vm.prank(carol); t.stake(A, 1000e18);
        open(1); close(1); open(2);
        vm.prank(carol); uint256 id = t.requestUnstake(A, type(uint256).max);
        assertTrue(!t.isWithdrawable(id), "waits");
        close(2);
        resolveSettle(1, A, -0.1e18, 0);
        assertTrue(t.isWithdrawable(id), "released");
        assertEq(t.stakeAtRisk(2, A), 950e18, "r2 alice only");
        resolveSettle(2, A, -0.1e18, 0);
        uint256 before = token.balanceOf(carol);
        vm.prank(carol); t.withdraw(id);
        assertApproxEq(token.balanceOf(carol) - before, 950e18, 1e6, "carol -5% once");
        (, uint256 a) = t.positionOf(A, alice);
        assertApproxEq(a, 902.5e18, 1e6, "alice twice");
    }

    function test_manyOverlapping() public {
        for (uint256 r = 1; r <= 25; ++r) {
            vm.prank(alice); t.stake(A, 100e18);
            open(r); close(r);
        }
        for (uint256 r = 1; r <= 25; ++r) {
            vm.prank(bob); t.stake(A, 10e18);
            vm.prank(alice); t.requestUnstake(A, 1e18);
            open(25 + r); close(25 + r);
            resolveSettle(r, A, -0.1e18, 0);
        }
        Tournament.Position memory pos = t.positionDetails(A, alice);
        assertTrue(pos.shares > 0, "alice has shares");
        t.poke(A, alice);
        uint256 bal = token.balanceOf(address(t));
        (uint256 sumA) = assetsOf(A);
        assertEq(bal, sumA + t.waitingAssets() + t.releasedAssets() + t.rewardPool() + t.reservedRewards(), "books");
    }
}
