// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ITournament} from "../src/ITournament.sol";
import {Tournament} from "../src/Tournament.sol";
import {BaseTest} from "./Base.t.sol";

/// A plain ERC-20 without `burn`: burns must go to the dead address.
contract PlainToken is ERC20 {
    constructor() ERC20("Plain", "PLN") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

contract TournamentOrderTest is BaseTest {
    function test_settle_revertsWhenPreviousRoundNotSettled() public {
        openRound(1);
        openRound(2);
        closeRound(1);
        closeRound(2);
        resolveRound(2, 0);
        vm.expectRevert(abi.encodeWithSelector(ITournament.PreviousRoundNotSettled.selector, 2, 1));
        settleOne(2, MODEL_A, 0);
        vm.expectRevert(abi.encodeWithSelector(ITournament.PreviousRoundNotSettled.selector, 2, 1));
        finalize(2);
        resolveRound(1, 0);
        finalize(1);
        settleOne(2, MODEL_A, 0);
        finalize(2);
        assertEq(tournament.lastFinalizedRound(), 2, "both finalized in order");
    }

    function test_settle_revertsOnLengthMismatch() public {
        openRound(1);
        closeRound(1);
        resolveRound(1, 0);
        vm.expectRevert(abi.encodeWithSelector(ITournament.LengthMismatch.selector, 2, 1));
        vm.prank(admin);
        tournament.settle(1, new bytes32[](2), new int256[](1));
    }

    function test_settle_revertsWhenNotResolved() public {
        openRound(1);
        closeRound(1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITournament.WrongRoundStatus.selector, 1, ITournament.RoundStatus.Closed, ITournament.RoundStatus.Resolved
            )
        );
        settleOne(1, MODEL_A, 0);
    }

    function test_openRound_revertsOnCapAboveOne() public {
        ITournament.RoundParams memory p = params();
        p.payoutCap = 1e18 + 1;
        vm.expectRevert(abi.encodeWithSelector(ITournament.PayoutCapTooHigh.selector, 1e18 + 1));
        vm.prank(admin);
        tournament.openRound(1, bytes32(0), p);
    }

    function test_rounds_revertWhenPaused() public {
        openRound(1);
        vm.prank(admin);
        tournament.pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        closeRound(1);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        openRound(2);
    }

    function test_roundLifecycle_emitsEvents() public {
        ITournament.RoundParams memory p = params();
        vm.expectEmit(true, false, false, true);
        emit ITournament.RoundOpened(7, keccak256(abi.encode("live", uint256(7))), p);
        openRound(7);
        vm.expectEmit(true, false, false, true);
        emit ITournament.RoundClosed(7, keccak256(abi.encode("subs", uint256(7))), 1);
        closeRound(7);
        vm.expectEmit(true, false, false, true);
        emit ITournament.RoundResolved(
            7, keccak256(abi.encode("targets", uint256(7))), keccak256(abi.encode("scores", uint256(7))), 5e18, 5e18
        );
        resolveRound(7, 5e18);
        vm.expectEmit(true, false, false, true);
        emit ITournament.RoundFinalized(7, 0, 0, 5e18);
        finalize(7);
        ITournament.Round memory r = tournament.round(7);
        assertTrue(r.status == ITournament.RoundStatus.Settled, "settled");
        assertEq(r.seq, 1, "seq");
        assertEq(tournament.rewardPool(), POOL, "reserve returned");
        assertEq(tournament.latestRound(), 7, "latest");
    }

    function test_fundRewards_emitsAndAdds() public {
        vm.expectEmit(true, false, false, true);
        emit ITournament.RewardsFunded(bob, 7e18);
        vm.prank(bob);
        tournament.fundRewards(7e18);
        assertEq(tournament.rewardPool(), POOL + 7e18, "pool");
    }
}

contract TournamentStakeAtRiskTest is BaseTest {
    /// Round 2 closes while round 1 is unsettled: round 1's payout, settled after round 2's
    /// close, must not leak into round 2's stake at risk; round 3 (closed later) sees it.
    function test_stakeAtRisk_overlappingRoundsKeepTheirCloseValue() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openRound(1);
        closeRound(1);
        openRound(2);
        stakeAs(bob, MODEL_A, 500e18);
        closeRound(2);
        assertEq(tournament.stakeAtRisk(1, MODEL_A), 1000e18, "round 1");
        assertEq(tournament.stakeAtRisk(2, MODEL_A), 1500e18, "round 2");
        resolveRound(1, 50e18);
        settleOne(1, MODEL_A, 0.05e18);
        finalize(1);
        assertEq(assets(MODEL_A), 1550e18, "paid 50");
        assertEq(tournament.stakeAtRisk(2, MODEL_A), 1500e18, "round 2 unchanged by round 1's payout");
        openRound(3);
        closeRound(3);
        assertApproxEq(tournament.stakeAtRisk(3, MODEL_A), 1550e18, 1, "round 3 sees it");
        resolveRound(2, 0);
        vm.expectEmit(true, true, false, true);
        emit ITournament.ModelSettled(2, MODEL_A, 1500e18, -0.02e18, -30e18);
        settleOne(2, MODEL_A, -0.02e18);
        assertApproxEq(tournament.stakeAtRisk(3, MODEL_A), 1550e18, 1, "round 3 unchanged by round 2's burn");
    }

    function test_stakeAtRisk_revertsOnceSettled() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openRound(1);
        closeRound(1);
        resolveRound(1, 0);
        settleOne(1, MODEL_A, -0.01e18);
        vm.expectRevert(abi.encodeWithSelector(ITournament.StakeAtRiskUnavailable.selector, 1, MODEL_A));
        tournament.stakeAtRisk(1, MODEL_A);
        assertTrue(tournament.isSettled(1, MODEL_A), "settled");
        assertTrue(!tournament.isSettled(1, MODEL_B), "B not settled");
    }

    function test_stakeAtRisk_zeroBeforeClose() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openRound(1);
        assertEq(tournament.stakeAtRisk(1, MODEL_A), 0, "open round");
    }

    function test_stakeAtRisk_excludesPendingUnstake() public {
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(bob, MODEL_A, 1000e18);
        openRound(1);
        vm.prank(bob);
        tournament.requestUnstake(MODEL_A, 400e18);
        closeRound(1);
        assertEq(tournament.stakeAtRisk(1, MODEL_A), 1600e18, "pending excluded");
    }

    function testFuzz_settle_burnsAndPaysExactly(uint256 stake, int256 ratio, uint256 poolShort) public {
        stake = bound(stake, 1, 10_000_000e18);
        ratio = boundInt(ratio, -0.05e18, 0.05e18);
        openRound(1);
        stakeAs(alice, MODEL_A, stake);
        closeRound(1);
        int256 owed = (int256(stake) * ratio) / 1e18;
        uint256 total = owed > 0 ? uint256(owed) : 0;
        // Declare up to 4x what is owed: the pool pays pro rata when it is short.
        uint256 declared = total * (1 + bound(poolShort, 0, 3));
        if (declared > POOL) declared = POOL;
        if (declared < total) declared = total;
        resolveRound(1, declared);
        uint256 supply = token.totalSupply();
        settleOne(1, MODEL_A, ratio);
        if (owed >= 0) {
            uint256 paid = declared == 0 ? 0 : (uint256(owed) * declared) / declared;
            assertEq(assets(MODEL_A), stake + paid, "paid");
        } else {
            assertEq(assets(MODEL_A), stake - uint256(-owed), "burnt");
            assertEq(supply - token.totalSupply(), uint256(-owed), "supply burnt");
        }
    }
}

contract TournamentReleaseTest is BaseTest {
    /// Pending shares share the open rounds' results, then leave the pool at release for a fixed
    /// amount: a later round's burn does not touch them.
    function test_unstake_releasedAtFinalizeForAFixedAmount() public {
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(bob, MODEL_A, 1000e18);
        openRound(1);
        closeRound(1);
        vm.prank(alice);
        uint256 id = tournament.requestUnstake(MODEL_A, type(uint256).max);
        assertEq(tournament.unstakeRequest(id).releaseRound, 1, "waits for round 1");
        assertTrue(!tournament.isWithdrawable(id), "not yet");
        openRound(2);
        closeRound(2);
        assertEq(tournament.stakeAtRisk(2, MODEL_A), 1000e18, "only bob at risk in round 2");
        resolveRound(1, 100e18);
        settleOne(1, MODEL_A, 0.05e18); // +100 on 2000 at risk
        finalize(1);
        assertTrue(tournament.isWithdrawable(id), "released");
        resolveRound(2, 0);
        vm.expectEmit(true, true, false, true);
        emit ITournament.UnstakeReleased(MODEL_A, 1, 1000e18, 1050e18 - 1);
        settleOne(2, MODEL_A, -0.05e18); // -50, bob's alone
        finalize(2);
        uint256 before = token.balanceOf(alice);
        vm.expectEmit(true, true, true, true);
        emit ITournament.Withdrawn(id, MODEL_A, alice, 1050e18 - 1);
        vm.prank(alice);
        tournament.withdraw(id);
        assertEq(token.balanceOf(alice) - before, 1050e18 - 1, "half of round 1's payout, none of round 2's burn");
        assertApproxEq(assets(MODEL_A), 1000e18, 2, "bob: +50 -50");
    }

    function test_unstake_requestsOfOneReleaseShareABucket() public {
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(bob, MODEL_A, 1000e18);
        stakeAs(carol, MODEL_A, 1000e18);
        openRound(1);
        vm.prank(alice);
        uint256 a = tournament.requestUnstake(MODEL_A, 1000e18);
        vm.prank(bob);
        uint256 b = tournament.requestUnstake(MODEL_A, 500e18);
        closeRound(1);
        resolveRound(1, 0);
        settleOne(1, MODEL_A, -0.05e18); // 1500 active at risk (carol, half of bob): -75 over the pool of 3000
        finalize(1);
        uint256 balA = token.balanceOf(alice);
        uint256 balB = token.balanceOf(bob);
        vm.prank(bob);
        tournament.withdraw(b);
        vm.prank(alice);
        tournament.withdraw(a);
        uint256 gotA = token.balanceOf(alice) - balA;
        uint256 gotB = token.balanceOf(bob) - balB;
        assertApproxEq(gotA, 2 * gotB, 2, "pro rata within the bucket");
        assertApproxEq(gotA + gotB, 1500e18 - 37.5e18, 2, "pending shares shared the open round's burn");
        assertEq(tournament.releasedAssets(), 0, "nothing left owed");
    }

    function test_withdraw_revertsForUnknownRequest() public {
        vm.expectRevert(abi.encodeWithSelector(ITournament.UnknownRequest.selector, 42));
        vm.prank(alice);
        tournament.withdraw(42);
    }

    function test_withdraw_releasedWorksWhilePaused() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openRound(1);
        vm.prank(alice);
        uint256 id = tournament.requestUnstake(MODEL_A, 1000e18);
        closeRound(1);
        resolveRound(1, 0);
        finalize(1);
        vm.prank(admin);
        tournament.pause();
        vm.prank(alice);
        tournament.withdraw(id);
        assertEq(tournament.unstakeRequest(id).assets, 1000e18, "paid in full");
    }

    function test_requestUnstake_revertsWhenPaused() public {
        stakeAs(alice, MODEL_A, 1000e18);
        vm.prank(admin);
        tournament.pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vm.prank(alice);
        tournament.requestUnstake(MODEL_A, 1);
    }

    function test_requestUnstake_revertsOnZero() public {
        vm.expectRevert(ITournament.ZeroAmount.selector);
        vm.prank(alice);
        tournament.requestUnstake(MODEL_A, 0);
        vm.expectRevert(abi.encodeWithSelector(ITournament.ZeroShares.selector, type(uint256).max));
        vm.prank(alice);
        tournament.requestUnstake(MODEL_A, type(uint256).max);
    }

    function testFuzz_unstake_neverReturnsMoreThanStaked(uint256 stake, uint256 part) public {
        stake = bound(stake, 1, 10_000_000e18);
        part = bound(part, 1, stake);
        stakeAs(bob, MODEL_A, 777e18);
        stakeAs(alice, MODEL_A, stake);
        (, uint256 value) = tournament.positionOf(MODEL_A, alice);
        if (part > value) part = value;
        vm.assume(part > 0);
        vm.prank(alice);
        uint256 id = tournament.requestUnstake(MODEL_A, part);
        uint256 before = token.balanceOf(alice);
        vm.prank(alice);
        tournament.withdraw(id);
        uint256 got = token.balanceOf(alice) - before;
        (, uint256 rest) = tournament.positionOf(MODEL_A, alice);
        assertLe(got + rest, stake, "never more than staked");
        assertTrue(got + 2 >= part, "gets what was asked, within rounding");
    }
}

contract TournamentBurnFallbackTest is BaseTest {
    function test_settle_burnsToDeadWithoutBurnableToken() public {
        PlainToken plain = new PlainToken();
        Tournament t = new Tournament(plain, admin);
        plain.mint(alice, 1000e18);
        vm.startPrank(alice);
        plain.approve(address(t), type(uint256).max);
        t.stake(MODEL_A, 1000e18);
        vm.stopPrank();
        vm.startPrank(admin);
        t.openRound(1, bytes32(0), params());
        t.closeRound(1, bytes32(0));
        t.resolveRound(1, bytes32(0), bytes32(0), 0);
        bytes32[] memory ids = new bytes32[](1);
        int256[] memory ratios = new int256[](1);
        ids[0] = MODEL_A;
        ratios[0] = -0.05e18;
        t.settle(1, ids, ratios);
        vm.stopPrank();
        assertEq(plain.balanceOf(0x000000000000000000000000000000000000dEaD), 50e18, "sent to dead");
        assertEq(plain.balanceOf(address(t)), 950e18, "rest stays");
    }
}
