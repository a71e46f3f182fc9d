// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ITournament} from "../src/ITournament.sol";
import {BaseTest} from "./Base.t.sol";

/// @notice Revert paths, pause rules and events not covered by Tournament.t.sol.
contract TournamentRevertsTest is BaseTest {
    function _wrong(uint256 id, ITournament.RoundStatus got, ITournament.RoundStatus want)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(ITournament.WrongRoundStatus.selector, id, got, want);
    }

    function test_settle_revertsOnLengthMismatch() public {
        openRound(1);
        closeRound(1);
        resolveRound(1, 0);
        vm.expectRevert(abi.encodeWithSelector(ITournament.LengthMismatch.selector, 2, 1));
        vm.prank(admin);
        tournament.settle(1, new bytes32[](2), new int256[](1));
    }

    function test_stake_revertsWhenAmountBuysNoShare() public {
        openRound(1);
        stakeAs(alice, MODEL_A, 100);
        closeRound(1);
        resolveRound(1, 5);
        settleOne(1, MODEL_A, 0.05e18);
        // 105 assets for 100 shares: one wei buys 101/106 of a share, rounded down to none.
        vm.expectRevert(abi.encodeWithSelector(ITournament.ZeroShares.selector, 1));
        stakeAs(bob, MODEL_A, 1);
    }

    function test_requestUnstake_revertsWithNoPosition() public {
        vm.expectRevert(abi.encodeWithSelector(ITournament.ZeroShares.selector, type(uint256).max));
        vm.prank(alice);
        tournament.requestUnstake(MODEL_A, type(uint256).max);
        vm.expectRevert(ITournament.ZeroAmount.selector);
        vm.prank(alice);
        tournament.requestUnstake(MODEL_A, 0);
    }

    function test_openRound_revertsOnInvalidParams() public {
        ITournament.RoundParams memory p = params();
        p.payoutCap = 1e18 + 1;
        vm.expectRevert(abi.encodeWithSelector(ITournament.PayoutCapTooHigh.selector, 1e18 + 1));
        vm.prank(admin);
        tournament.openRound(1, bytes32(0), p);
    }

    function test_resolveRound_revertsUnlessClosed() public {
        vm.expectRevert(_wrong(1, ITournament.RoundStatus.None, ITournament.RoundStatus.Closed));
        resolveRound(1, 0);
        openRound(1);
        vm.expectRevert(_wrong(1, ITournament.RoundStatus.Open, ITournament.RoundStatus.Closed));
        resolveRound(1, 0);
        closeRound(1);
        resolveRound(1, 0);
        vm.expectRevert(_wrong(1, ITournament.RoundStatus.Resolved, ITournament.RoundStatus.Closed));
        resolveRound(1, 0);
    }

    function test_finalizeRound_revertsUnlessResolvedAndNext() public {
        openRound(1);
        openRound(2);
        vm.expectRevert(_wrong(1, ITournament.RoundStatus.Open, ITournament.RoundStatus.Resolved));
        finalize(1);
        closeRound(1);
        closeRound(2);
        vm.expectRevert(_wrong(2, ITournament.RoundStatus.Closed, ITournament.RoundStatus.Resolved));
        finalize(2);
        resolveRound(2, 0);
        vm.expectRevert(abi.encodeWithSelector(ITournament.PreviousRoundNotSettled.selector, 2, 1));
        finalize(2);
        vm.expectRevert(abi.encodeWithSelector(ITournament.PreviousRoundNotSettled.selector, 2, 1));
        settleOne(2, MODEL_A, 0);
        resolveRound(1, 0);
        finalize(1);
        finalize(2);
        vm.expectRevert(_wrong(2, ITournament.RoundStatus.Settled, ITournament.RoundStatus.Resolved));
        finalize(2);
    }

    function test_withdraw_revertsOnUnknownRequest() public {
        vm.expectRevert(abi.encodeWithSelector(ITournament.UnknownRequest.selector, 7));
        vm.prank(alice);
        tournament.withdraw(7);
    }

    function test_pause_blocksRoundOpsAndUnstakeRequests() public {
        stakeAs(alice, MODEL_A, 100e18);
        openRound(1);
        openRound(2);
        closeRound(2);
        vm.expectEmit(false, false, false, true);
        emit ITournament.Paused(admin);
        vm.prank(admin);
        tournament.pause();
        assertTrue(tournament.paused(), "paused");
        vm.startPrank(admin);
        vm.expectRevert(ITournament.EnforcedPause.selector);
        tournament.openRound(3, bytes32(0), params());
        vm.expectRevert(ITournament.EnforcedPause.selector);
        tournament.closeRound(1, bytes32(0));
        vm.expectRevert(ITournament.EnforcedPause.selector);
        tournament.resolveRound(2, bytes32(0), bytes32(0), 0);
        vm.expectRevert(ITournament.EnforcedPause.selector);
        tournament.settle(2, new bytes32[](0), new int256[](0));
        vm.expectRevert(ITournament.EnforcedPause.selector);
        tournament.finalizeRound(2);
        vm.expectRevert(ITournament.EnforcedPause.selector);
        tournament.pause();
        vm.stopPrank();
        vm.expectRevert(ITournament.EnforcedPause.selector);
        vm.prank(alice);
        tournament.requestUnstake(MODEL_A, 1e18);
        vm.expectRevert(ITournament.EnforcedPause.selector);
        vm.prank(alice);
        tournament.stakeWithPermit(MODEL_A, 1e18, 0, 0, bytes32(0), bytes32(0));
        // Funding still works while paused.
        vm.prank(bob);
        tournament.fundRewards(1e18);

        vm.expectEmit(false, false, false, true);
        emit ITournament.Unpaused(admin);
        vm.prank(admin);
        tournament.unpause();
        assertTrue(!tournament.paused(), "unpaused");
        closeRound(1);
        vm.prank(alice);
        tournament.requestUnstake(MODEL_A, 1e18);
        vm.expectRevert(ITournament.ExpectedPause.selector);
        vm.prank(admin);
        tournament.unpause();
    }

    function test_pause_onlyPauser() public {
        bytes32 role = tournament.PAUSER_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, alice, role));
        vm.prank(alice);
        tournament.pause();
        vm.prank(admin);
        tournament.pause();
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role));
        vm.prank(bob);
        tournament.unpause();
    }

    function test_roundOps_onlyOperator() public {
        openRound(1);
        bytes32 role = tournament.OPERATOR_ROLE();
        bytes memory denied = abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role);
        vm.startPrank(bob);
        vm.expectRevert(denied);
        tournament.closeRound(1, bytes32(0));
        vm.expectRevert(denied);
        tournament.resolveRound(1, bytes32(0), bytes32(0), 0);
        vm.expectRevert(denied);
        tournament.settle(1, new bytes32[](0), new int256[](0));
        vm.expectRevert(denied);
        tournament.finalizeRound(1);
        vm.stopPrank();
    }

    function test_events_roundLifecycle() public {
        stakeAs(alice, MODEL_A, 1000e18);
        vm.expectEmit(true, false, false, true);
        emit ITournament.RoundOpened(1, keccak256(abi.encode("live", uint256(1))), params());
        openRound(1);
        vm.expectEmit(true, true, true, true);
        emit ITournament.UnstakeRequested(1, MODEL_A, alice, 400e18, 1);
        vm.prank(alice);
        tournament.requestUnstake(MODEL_A, 400e18);
        vm.expectEmit(true, false, false, true);
        emit ITournament.RoundClosed(1, keccak256(abi.encode("subs", uint256(1))), 1);
        closeRound(1);
        vm.expectEmit(true, false, false, true);
        emit ITournament.RoundResolved(
            1, keccak256(abi.encode("targets", uint256(1))), keccak256(abi.encode("scores", uint256(1))), 50e18, 50e18
        );
        resolveRound(1, 50e18);
        settleOne(1, MODEL_A, 0.02e18);
        vm.expectEmit(true, false, false, true);
        // The 400 pending shares were not at risk: 2% of 600 paid, the rest of the reserve returns.
        emit ITournament.RoundFinalized(1, 12e18, 0, 38e18);
        finalize(1);
        // Released at the next touch of the model (the withdrawal), at the price after the payout
        // the pending shares shared: 1012 assets for 1000 shares, rounded down.
        uint256 out = uint256(400e18) * (1012e18 + 1) / (1000e18 + 1);
        vm.expectEmit(true, true, false, true);
        emit ITournament.UnstakeReleased(MODEL_A, 1, 400e18, out);
        vm.expectEmit(true, true, true, true);
        emit ITournament.Withdrawn(1, MODEL_A, alice, out);
        vm.prank(alice);
        tournament.withdraw(1);
        vm.expectEmit(true, false, false, true);
        emit ITournament.RewardsFunded(bob, 5e18);
        vm.prank(bob);
        tournament.fundRewards(5e18);
    }

    /// Unstaking rounds against the caller: the shares taken cover the amount asked, and the
    /// staker never ends with more than staked.
    function testFuzz_unstake_roundsAgainstCaller(uint256 stake_, uint256 other, uint256 amount, int256 ratio)
        public
    {
        stake_ = bound(stake_, 1, 1_000_000e18);
        other = bound(other, 1, 1_000_000e18);
        ratio = boundInt(ratio, -0.05e18, 0.05e18);
        stakeAs(alice, MODEL_A, stake_);
        stakeAs(bob, MODEL_A, other);
        openRound(1);
        closeRound(1);
        resolveRound(1, POOL);
        settleOne(1, MODEL_A, ratio);
        finalize(1);
        (uint256 shares, uint256 value) = tournament.positionOf(MODEL_A, alice);
        vm.assume(value > 0);
        amount = bound(amount, 1, value);
        (uint256 totalAssets, uint256 totalShares,) = tournament.modelStake(MODEL_A);
        uint256 before = token.balanceOf(alice);
        vm.prank(alice);
        uint256 id = tournament.requestUnstake(MODEL_A, amount);
        vm.prank(alice);
        tournament.withdraw(id);
        uint256 got = token.balanceOf(alice) - before;
        (uint256 sharesAfter, uint256 valueAfter) = tournament.positionOf(MODEL_A, alice);
        uint256 taken = shares - sharesAfter;
        // The shares taken are worth at least the amount at the pre-request price.
        assertTrue(taken * (totalAssets + 1) >= amount * (totalShares + 1), "shares cover amount");
        assertLe(got, value, "paid within the position's value");
        assertLe(got + valueAfter, value, "no value created");
        assertApproxEq(got, amount, 1, "paid about what was asked");
    }
}
