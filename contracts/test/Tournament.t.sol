// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ITournament} from "../src/ITournament.sol";
import {BaseTest} from "./Base.t.sol";

contract TournamentStakeTest is BaseTest {
    function test_stake_mintsSharesAndMovesTokens() public {
        uint256 before = token.balanceOf(alice);
        vm.expectEmit(true, true, false, true);
        emit ITournament.Staked(MODEL_A, alice, 1000e18, 1000e18);
        stakeAs(alice, MODEL_A, 1000e18);
        (uint256 shares, uint256 value) = tournament.positionOf(MODEL_A, alice);
        assertEq(shares, 1000e18, "shares");
        assertEq(value, 1000e18, "value");
        assertEq(before - token.balanceOf(alice), 1000e18, "tokens moved");
        (uint256 total, uint256 totalShares, uint256 active) = tournament.modelStake(MODEL_A);
        assertEq(total, 1000e18, "total");
        assertEq(totalShares, 1000e18, "total shares");
        assertEq(active, 1000e18, "active");
    }

    function test_stake_revertsOnZero() public {
        vm.expectRevert(ITournament.ZeroAmount.selector);
        stakeAs(alice, MODEL_A, 0);
    }

    function test_stake_revertsWhenPaused() public {
        vm.prank(admin);
        tournament.pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        stakeAs(alice, MODEL_A, 1e18);
    }

    function test_stakeWithPermit_needsNoApproval() public {
        uint256 key = 0xA11CE;
        address signer = vm.addr(key);
        vm.prank(admin);
        token.mint(signer, 500e18);
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                signer,
                address(tournament),
                500e18,
                token.nonces(signer),
                block.timestamp + 1
            )
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        vm.prank(signer);
        tournament.stakeWithPermit(MODEL_A, 500e18, block.timestamp + 1, v, r, s);
        (, uint256 value) = tournament.positionOf(MODEL_A, signer);
        assertEq(value, 500e18, "staked with permit");
    }

    function testFuzz_stake_manyStakersShareProRata(uint256 a, uint256 b) public {
        a = bound(a, 1, 1_000_000e18);
        b = bound(b, 1, 1_000_000e18);
        stakeAs(alice, MODEL_A, a);
        stakeAs(bob, MODEL_A, b);
        (, uint256 va) = tournament.positionOf(MODEL_A, alice);
        (, uint256 vb) = tournament.positionOf(MODEL_A, bob);
        assertLe(va, a, "alice never gains from staking");
        assertLe(vb, b, "bob never gains from staking");
        assertApproxEq(va + vb, a + b, 2, "values add up");
    }
}

contract TournamentRoundTest is BaseTest {
    function test_round_paysAndBurnsByRatio() public {
        openRound(1);
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(bob, MODEL_B, 2000e18);
        closeRound(1);
        assertEq(tournament.stakeAtRisk(1, MODEL_A), 1000e18, "A at risk");
        assertEq(tournament.stakeAtRisk(1, MODEL_B), 2000e18, "B at risk");
        uint256 supply = token.totalSupply();
        resolveRound(1, 30e18);
        bytes32[] memory ids = new bytes32[](2);
        int256[] memory ratios = new int256[](2);
        (ids[0], ids[1]) = (MODEL_A, MODEL_B);
        (ratios[0], ratios[1]) = (int256(0.03e18), -0.02e18);
        vm.expectEmit(true, true, false, true);
        emit ITournament.ModelSettled(1, MODEL_A, 1000e18, 0.03e18, 30e18);
        vm.prank(admin);
        tournament.settle(1, ids, ratios);
        assertEq(assets(MODEL_A), 1030e18, "A paid 3%");
        assertEq(assets(MODEL_B), 1960e18, "B burnt 2%");
        assertEq(supply - token.totalSupply(), 40e18, "burn reduced supply");
        assertEq(tournament.rewardPool(), POOL - 30e18, "pool paid");
        finalize(1);
        assertTrue(tournament.round(1).status == ITournament.RoundStatus.Settled, "settled");
    }

    function test_stakeAtRisk_fixedAtClose() public {
        openRound(1);
        stakeAs(alice, MODEL_A, 1000e18);
        closeRound(1);
        stakeAs(alice, MODEL_A, 5000e18);
        assertEq(tournament.stakeAtRisk(1, MODEL_A), 1000e18, "later stake not at risk");
        openRound(2);
        closeRound(2);
        assertEq(tournament.stakeAtRisk(2, MODEL_A), 6000e18, "next round sees it");
        assertEq(tournament.stakeAtRisk(3, MODEL_A), 0, "unknown round");
    }

    function test_settle_revertsTwiceForAModel() public {
        openRound(1);
        stakeAs(alice, MODEL_A, 1000e18);
        closeRound(1);
        resolveRound(1, 10e18);
        settleOne(1, MODEL_A, 0.01e18);
        vm.expectRevert(abi.encodeWithSelector(ITournament.AlreadySettled.selector, 1, MODEL_A));
        settleOne(1, MODEL_A, 0.01e18);
    }

    function test_settle_revertsAboveCap() public {
        openRound(1);
        stakeAs(alice, MODEL_A, 1000e18);
        closeRound(1);
        resolveRound(1, 0);
        vm.expectRevert(abi.encodeWithSelector(ITournament.RatioAboveCap.selector, MODEL_A, int256(0.05e18 + 1), 0.05e18));
        settleOne(1, MODEL_A, 0.05e18 + 1);
    }

    function test_settle_revertsAfterFinalize() public {
        openRound(1);
        closeRound(1);
        resolveRound(1, 0);
        finalize(1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITournament.WrongRoundStatus.selector, 1, ITournament.RoundStatus.Settled, ITournament.RoundStatus.Resolved
            )
        );
        settleOne(1, MODEL_A, 0);
    }

    function test_settle_revertsBeyondDeclaredTotal() public {
        openRound(1);
        stakeAs(alice, MODEL_A, 1000e18);
        closeRound(1);
        resolveRound(1, 5e18);
        vm.expectRevert(abi.encodeWithSelector(ITournament.PayoutsExceedDeclared.selector, 1, 10e18, 5e18));
        settleOne(1, MODEL_A, 0.01e18);
    }

    function test_settle_scalesDownProRataWhenPoolShort() public {
        // Drain the pool to 30 tokens: payouts owed 60 -> each paid half.
        openRound(1);
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(bob, MODEL_B, 1000e18);
        closeRound(1);
        resolveRound(1, POOL - 30e18 + 0);
        settleOne(1, MODEL_A, 0);
        vm.prank(admin);
        tournament.finalizeRound(1);
        // Now the pool has 1,000,000 - 0 (dust returned). Use a round with a huge declared total.
        openRound(2);
        closeRound(2);
        uint256 pool = tournament.rewardPool();
        resolveRound(2, pool * 2);
        bytes32[] memory ids = new bytes32[](2);
        int256[] memory ratios = new int256[](2);
        (ids[0], ids[1]) = (MODEL_A, MODEL_B);
        (ratios[0], ratios[1]) = (int256(0.05e18), 0.05e18);
        vm.prank(admin);
        tournament.settle(2, ids, ratios);
        // Each owed 50, paid 50 * pool / (2 * pool) = 25.
        assertEq(assets(MODEL_A), 1025e18, "A paid half");
        assertEq(assets(MODEL_B), 1025e18, "B paid half");
        finalize(2);
        assertEq(tournament.rewardPool(), pool - 50e18, "unused reserve returned");
    }

    function test_rounds_onlyOperator() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, alice, tournament.OPERATOR_ROLE())
        );
        vm.prank(alice);
        tournament.openRound(1, bytes32(0), params());
    }

    function test_openRound_revertsWhenIdNotIncreasing() public {
        openRound(5);
        vm.expectRevert(abi.encodeWithSelector(ITournament.RoundIdNotIncreasing.selector, 5, 5));
        openRound(5);
    }

    function test_closeRound_revertsWhenNotOpen() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ITournament.WrongRoundStatus.selector, 1, ITournament.RoundStatus.None, ITournament.RoundStatus.Open
            )
        );
        closeRound(1);
    }

    function testFuzz_settle_matchesPayoutFormula(uint256 stake, int256 ratio) public {
        stake = bound(stake, 1, 1_000_000e18);
        ratio = boundInt(ratio, -0.05e18, 0.05e18);
        openRound(1);
        stakeAs(alice, MODEL_A, stake);
        closeRound(1);
        int256 expected = (int256(stake) * ratio) / 1e18;
        resolveRound(1, expected > 0 ? uint256(expected) : 0);
        settleOne(1, MODEL_A, ratio);
        assertEq(int256(assets(MODEL_A)) - int256(stake), expected, "payout");
    }
}

contract TournamentUnstakeTest is BaseTest {
    function test_unstake_immediateWhenNoRoundActive() public {
        stakeAs(alice, MODEL_A, 1000e18);
        vm.prank(alice);
        uint256 id = tournament.requestUnstake(MODEL_A, 400e18);
        uint256 before = token.balanceOf(alice);
        vm.prank(alice);
        tournament.withdraw(id);
        assertEq(token.balanceOf(alice) - before, 400e18, "withdrawn");
        (, uint256 value) = tournament.positionOf(MODEL_A, alice);
        assertEq(value, 600e18, "rest stays");
    }

    function test_unstake_waitsForActiveRoundAndStaysAtRisk() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openRound(1);
        closeRound(1);
        vm.prank(alice);
        uint256 id = tournament.requestUnstake(MODEL_A, type(uint256).max);
        (,, uint256 active) = tournament.modelStake(MODEL_A);
        assertEq(active, 0, "no longer active");
        assertEq(tournament.stakeAtRisk(1, MODEL_A), 1000e18, "still at risk in round 1");
        vm.expectRevert(abi.encodeWithSelector(ITournament.NotReleased.selector, id, 1));
        vm.prank(alice);
        tournament.withdraw(id);
        resolveRound(1, 0);
        settleOne(1, MODEL_A, -0.05e18);
        finalize(1);
        uint256 before = token.balanceOf(alice);
        vm.prank(alice);
        tournament.withdraw(id);
        assertEq(token.balanceOf(alice) - before, 950e18, "burn applied before release");
        vm.expectRevert(abi.encodeWithSelector(ITournament.AlreadyWithdrawn.selector, id));
        vm.prank(alice);
        tournament.withdraw(id);
    }

    function test_withdraw_worksWhilePaused() public {
        stakeAs(alice, MODEL_A, 1000e18);
        vm.prank(alice);
        uint256 id = tournament.requestUnstake(MODEL_A, 1000e18);
        vm.prank(admin);
        tournament.pause();
        vm.prank(alice);
        tournament.withdraw(id);
        assertEq(assets(MODEL_A), 0, "withdrawn while paused");
    }

    function test_withdraw_onlyRequester() public {
        stakeAs(alice, MODEL_A, 1000e18);
        vm.prank(alice);
        uint256 id = tournament.requestUnstake(MODEL_A, 1000e18);
        vm.expectRevert(abi.encodeWithSelector(ITournament.NotRequester.selector, id, bob));
        vm.prank(bob);
        tournament.withdraw(id);
    }

    function test_requestUnstake_revertsAboveOwned() public {
        stakeAs(alice, MODEL_A, 100e18);
        vm.expectRevert(abi.encodeWithSelector(ITournament.InsufficientShares.selector, 101e18, 100e18));
        vm.prank(alice);
        tournament.requestUnstake(MODEL_A, 101e18);
    }
}
