// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ITournament} from "../src/ITournament.sol";
import {Tournament} from "../src/Tournament.sol";
import {BaseTest} from "./Base.t.sol";
import {FeeToken, PlainToken} from "./utils/Tokens.sol";
import {Vm} from "./utils/Vm.sol";

/// @notice One or more named tests per rule R1..R12 of ITournament.sol. Expected figures are
/// computed here, from the rules, with the share arithmetic of Base (one virtual share and
/// asset) and the ratio formula of R4. Errors a rule is made of are tested here; the others are
/// in TournamentReverts.t.sol.
contract TournamentRulesTest is BaseTest {
    /* R1 AT-RISK EXACTNESS */

    function test_R1_stakeWithNoRoundPendingJoinsAtOnce() public {
        openRound(1); // open, not closed: nothing is pending
        vm.expectEmit(true, true, false, true, address(tournament));
        emit ITournament.Staked(MODEL_A, alice, 1000e18, 1000e18, 0);
        stakeAs(alice, MODEL_A, 1000e18);
        assertEq(sharesOf(MODEL_A, alice), 1000e18, "shares minted at once");
        assertEq(tournament.positionDetails(MODEL_A, alice).waitingAssets, 0, "nothing waits");
        closeRound(1);
        assertEq(tournament.stakeAtRisk(1, MODEL_A), 1000e18, "at risk in the round closed after it");
    }

    function test_R1_stakeAfterCloseTakesNoPartInThatRound() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        vm.expectEmit(true, true, false, true, address(tournament));
        emit ITournament.Staked(MODEL_A, bob, 3000e18, 0, 1);
        stakeAs(bob, MODEL_A, 3000e18);
        ITournament.Position memory p = tournament.positionDetails(MODEL_A, bob);
        assertEq(p.waitingAssets, 3000e18, "bob's deposit waits");
        assertEq(p.waitingUntilRound, 1, "for round 1");
        assertEq(p.shares, 0, "no shares yet");
        assertEq(tournament.modelStake(MODEL_A).waitingAssets, 3000e18, "model's waiting deposits");
        assertEq(tournament.stakeAtRisk(1, MODEL_A), 1000e18, "only alice at risk");

        scoreRatio(1, MODEL_A, 0.04e18);
        resolve(1);
        Settled memory s = settleAllFor(1, MODEL_A);
        assertEq(s.stakeAtRisk, 1000e18, "settled stake at risk");
        assertEq(s.payout, 40e18, "4% of alice's 1000");
        finalize(1);

        uint256 sb = toShares(3000e18, 1040e18, 1000e18);
        assertEq(sharesOf(MODEL_A, bob), sb, "bob joined after the result, at its price");
        assertEq(valueOf(MODEL_A, alice), toAssets(1000e18, 4040e18, 1000e18 + sb), "alice has the payout");
        assertApproxEq(valueOf(MODEL_A, alice), 1040e18, 1, "alice ~1040");
        assertApproxEq(valueOf(MODEL_A, bob), 3000e18, 1, "bob ~3000: no part of round 1");
    }

    /// Deposits of the live key (the last closed round's) add up in the model's queue; the first
    /// deposit of the next key moves them to their bucket. Either way they join together, after
    /// their round's result, each depositor pro rata, and the views agree before and after.
    function test_R1_liveKeyDepositsJoinTogetherAfterTheNextKeyMovesThem() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        stakeAs(bob, MODEL_A, 300e18); // key 1, live
        stakeAs(carol, MODEL_A, 100e18); // key 1, live
        openRound(2);
        closeRound(2);
        stakeAs(dave, MODEL_A, 200e18); // key 2: key 1's deposits move to their bucket
        assertEq(tournament.modelStake(MODEL_A).waitingAssets, 600e18, "every waiting deposit");
        assertEq(tournament.positionDetails(MODEL_A, bob).waitingAssets, 300e18, "bob waits");
        assertEq(tournament.positionDetails(MODEL_A, bob).waitingUntilRound, 1, "for round 1");
        assertEq(tournament.positionDetails(MODEL_A, dave).waitingUntilRound, 2, "dave for round 2");
        assertEq(tournament.stakeAtRisk(1, MODEL_A), 1000e18, "only alice at risk in 1");

        runResult(1, MODEL_A, 0.02e18);
        uint256 joined = toShares(400e18, 1020e18, 1000e18);
        assertEq(tournament.stakeAtRisk(2, MODEL_A), 1420e18, "alice's 1020, bob's and carol's 400");
        // Views before any write: the bucket of key 1 is applied only in the preview.
        uint256 bobViewed = sharesOf(MODEL_A, bob);
        assertEq(bobViewed, joined * 300e18 / 400e18, "bob: 3/4 of the bucket's shares");
        assertEq(sharesOf(MODEL_A, carol), joined * 100e18 / 400e18, "carol: 1/4");
        tournament.poke(MODEL_A, bob);
        assertEq(sharesOf(MODEL_A, bob), bobViewed, "the same once applied and credited");
        assertEq(tournament.modelStake(MODEL_A).waitingAssets, 200e18, "dave's deposit still waits");

        runResult(2, MODEL_A, -0.01e18);
        uint256 pool = 1420e18 - 14.2e18;
        uint256 shares = 1000e18 + joined;
        assertEq(sharesOf(MODEL_A, dave), toShares(200e18, pool, shares), "dave joined after round 2");
        assertEq(tournament.modelStake(MODEL_A).waitingAssets, 0, "nothing waits");
        assertEq(books(), token.balanceOf(address(tournament)), "books balance");
    }

    function test_R1_stakeAfterCloseIsAtRiskInTheNextRound() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        openRound(2);
        stakeAs(bob, MODEL_A, 1000e18); // key 1: waits for round 1, at risk in round 2
        closeRound(2);
        runResult(1, MODEL_A, 0.02e18);
        uint256 sb = toShares(1000e18, 1020e18, 1000e18);
        assertEq(tournament.stakeAtRisk(2, MODEL_A), 2020e18, "alice's 1020 and bob's 1000");
        scoreRatio(2, MODEL_A, -0.04e18);
        resolve(2);
        Settled memory s = settleAllFor(2, MODEL_A);
        assertEq(s.stakeAtRisk, 2020e18, "settled at risk");
        assertEq(s.payout, -80.8e18, "4% of 2020 burnt");
        finalize(2);
        uint256 a = 2020e18 - 80.8e18;
        assertEq(valueOf(MODEL_A, alice), toAssets(1000e18, a, 1000e18 + sb), "alice");
        assertEq(valueOf(MODEL_A, bob), toAssets(sb, a, 1000e18 + sb), "bob");
        assertApproxEq(valueOf(MODEL_A, alice), 979.2e18, 1, "alice ~1020 - 4%");
        assertApproxEq(valueOf(MODEL_A, bob), 960e18, 1, "bob ~1000 - 4%");
    }

    function test_R1_unstakeBeforeCloseNotAtRisk() public {
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(bob, MODEL_A, 1000e18);
        openRound(1);
        uint256 id = requestAs(bob, MODEL_A, type(uint256).max);
        ITournament.UnstakeRequest memory r = tournament.unstakeRequest(id);
        assertEq(r.releaseRound, 0, "released at request");
        assertEq(r.assets, 1000e18, "bob's 1000");
        closeRound(1);
        assertEq(tournament.stakeAtRisk(1, MODEL_A), 1000e18, "only alice at risk");
        scoreRatio(1, MODEL_A, -0.05e18);
        complete(1);
        assertEq(assets(MODEL_A), 950e18, "alice's 1000 - 5%");
        assertEq(withdrawAs(bob, id), 1000e18, "bob not hit");
    }

    function test_R1_unstakeRequestedBetweenClosesIsOutOfTheNextRound() public {
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(bob, MODEL_A, 1000e18);
        openAndClose(1);
        openRound(2);
        uint256 id = requestAs(bob, MODEL_A, type(uint256).max);
        assertEq(tournament.unstakeRequest(id).releaseRound, 1, "leaves once round 1 is finalized");
        assertEq(tournament.pendingShares(MODEL_A), 1000e18, "still in the pool");
        assertTrue(!tournament.isWithdrawable(id), "not yet");
        closeRound(2);
        assertEq(tournament.stakeAtRisk(1, MODEL_A), 2000e18, "both at risk in round 1");
        runResult(1, MODEL_A, 0.03e18); // +60
        uint256 bobAssets = toAssets(1000e18, 2060e18, 2000e18);
        assertEq(tournament.stakeAtRisk(2, MODEL_A), 2060e18 - bobAssets, "round 2: alice only");
        scoreRatio(2, MODEL_A, -0.05e18);
        resolve(2);
        Settled memory s = settleAllFor(2, MODEL_A);
        assertEq(s.payout, -int256((2060e18 - bobAssets) * 5 / 100), "5% of alice's stake burnt");
        finalize(2);
        assertApproxEq(bobAssets, 1030e18, 1, "bob: his part of round 1");
        assertEq(withdrawAs(bob, id), bobAssets, "bob untouched by round 2");
    }

    function test_R1_sharesAtRiskAbsorbResultEvenIfUnstakeRequestedAfter() public {
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(bob, MODEL_A, 1000e18);
        openAndClose(1);
        uint256 id = requestAs(bob, MODEL_A, type(uint256).max);
        assertEq(tournament.unstakeRequest(id).releaseRound, 1, "waits for round 1");
        assertEq(tournament.stakeAtRisk(1, MODEL_A), 2000e18, "requested shares still at risk");
        scoreRatio(1, MODEL_A, -0.05e18);
        resolve(1);
        Settled memory s = settleAllFor(1, MODEL_A);
        assertEq(s.payout, -100e18, "5% of 2000");
        finalize(1);
        uint256 bobAssets = toAssets(1000e18, 1900e18, 2000e18);
        assertEq(tournament.unstakeRequest(id).assets, bobAssets, "released after the result");
        assertApproxEq(bobAssets, 950e18, 1, "bob bore 5%");
        assertEq(withdrawAs(bob, id), bobAssets, "withdrawn");
        assertEq(valueOf(MODEL_A, alice), toAssets(1000e18, 1900e18 - bobAssets, 1000e18), "alice bore 5%");
        assertApproxEq(valueOf(MODEL_A, alice), 950e18, 1, "alice ~950");
    }

    function test_R1_waitingDepositsUntouchedByResults() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        stakeAs(bob, MODEL_A, 500e18);
        scoreRatio(1, MODEL_A, -0.05e18);
        resolve(1);
        assertEq(tournament.modelStake(MODEL_A).waitingAssets, 500e18, "bob's deposit waits");
        Settled memory s = settleAllFor(1, MODEL_A);
        assertEq(s.payout, -50e18, "only the pool burnt");
        // The result landed, then bob's deposit joined: whole.
        assertEq(assets(MODEL_A), 950e18 + 500e18, "pool after the join");
        assertEq(tournament.modelStake(MODEL_A).waitingAssets, 0, "joined");
        finalize(1);
        uint256 sb = toShares(500e18, 950e18, 1000e18);
        assertEq(sharesOf(MODEL_A, bob), sb, "joined at the price after the burn");
        assertEq(valueOf(MODEL_A, bob), toAssets(sb, 1450e18, 1000e18 + sb), "worth his deposit");
        assertApproxEq(valueOf(MODEL_A, bob), 500e18, 1, "~500");
        assertEq(tournament.positionDetails(MODEL_A, bob).waitingAssets, 0, "nothing waits any more");
    }

    function test_R1_exitsBeforeJoinsOfTheSameKey() public {
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(bob, MODEL_A, 1000e18);
        openAndClose(1);
        uint256 id = requestAs(bob, MODEL_A, type(uint256).max);
        stakeAs(carol, MODEL_A, 500e18);
        scoreRatio(1, MODEL_A, 0.04e18); // +80
        resolve(1);
        vm.recordLogs();
        settleAll(1); // the model's result, then what waited for round 1's key
        finalize(1);
        tournament.poke(MODEL_A, carol);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 released = logIndex(logs, keccak256("UnstakeReleased(bytes32,uint256,uint256,uint256)"));
        uint256 joined = logIndex(logs, keccak256("StakesJoined(bytes32,uint256,uint256,uint256)"));
        assertTrue(released != type(uint256).max && joined != type(uint256).max, "both applied");
        assertTrue(released < joined, "the exit is applied before the join");
        uint256 bobAssets = toAssets(1000e18, 2080e18, 2000e18);
        uint256 sc = toShares(500e18, 2080e18 - bobAssets, 1000e18);
        assertEq(tournament.unstakeRequest(id).assets, bobAssets, "bob left at the price after the result");
        assertEq(sharesOf(MODEL_A, carol), sc, "carol joined after bob left");
        assertEq(shares(MODEL_A), 1000e18 + sc, "pool shares");
    }

    /// 25 overlapping rounds: a deposit between every two closes, each round's result on the
    /// shares at risk in it, checked against a model of the pool kept here.
    function test_R1_exactWithTwentyFiveOverlappingRounds() public {
        stakeAs(alice, MODEL_A, 1000e18);
        for (uint256 k = 1; k <= 25; ++k) {
            openAndClose(k);
            stakeAs(bob, MODEL_A, 100e18 * k); // key k: joins once round k is finalized
        }
        assertEq(tournament.positionDetails(MODEL_A, bob).waitingAssets, 100e18 * 325, "all waiting");
        uint256 a = 1000e18;
        uint256 s = 1000e18;
        uint256 bobShares;
        for (uint256 k = 1; k <= 25; ++k) {
            if (k > 1) {
                // bob's deposit keyed k - 1 joined when round k - 1 was finalized
                uint256 add = toShares(100e18 * (k - 1), a, s);
                a += 100e18 * (k - 1);
                s += add;
                bobShares += add;
            }
            assertEq(tournament.stakeAtRisk(k, MODEL_A), a, string.concat("stake at risk ", vm.toString(k)));
            int256 ratio = k % 3 == 0 ? -0.05e18 : int256(0.02e18);
            scoreRatio(k, MODEL_A, ratio);
            resolve(k);
            Settled memory st = settleAllFor(k, MODEL_A);
            int256 pay = int256(a) * ratio / 1e18;
            assertEq(st.payout, pay, "payout on the stake at risk");
            a = pay >= 0 ? a + uint256(pay) : a - uint256(-pay);
            finalize(k);
        }
        bobShares += toShares(100e18 * 25, a, s);
        s = 1000e18 + bobShares;
        a += 100e18 * 25;
        assertEq(sharesOf(MODEL_A, bob), bobShares, "bob's shares");
        assertEq(valueOf(MODEL_A, alice), toAssets(1000e18, a, s), "alice's value");
        assertEq(valueOf(MODEL_A, bob), toAssets(bobShares, a, s), "bob's value");
    }

    /* R2 VALUATION */

    function test_R2_stakeAtRiskValuedAfterEarlierResults() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        openAndClose(2);
        assertEq(tournament.stakeAtRisk(2, MODEL_A), 1000e18, "estimate at the current price");
        runResult(1, MODEL_A, -0.05e18);
        assertEq(tournament.stakeAtRisk(2, MODEL_A), 950e18, "exact: after round 1's result");
        scoreRatio(2, MODEL_A, 0.02e18);
        resolve(2);
        Settled memory s = settleAllFor(2, MODEL_A);
        assertEq(s.stakeAtRisk, 950e18, "settled figure");
        assertEq(s.payout, 19e18, "2% of 950");
    }

    function test_R2_stakeAtRiskUnavailableOnceSettledOrFinalized() public {
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(alice, MODEL_B, 1000e18);
        openAndClose(1);
        scoreRatio(1, MODEL_A, 0.02e18);
        scoreRatio(1, MODEL_B, 0.02e18);
        resolve(1);
        settleOne(1, 0);
        vm.expectRevert(abi.encodeWithSelector(ITournament.StakeAtRiskUnavailable.selector, 1, MODEL_A));
        tournament.stakeAtRisk(1, MODEL_A);
        assertEq(tournament.stakeAtRisk(1, MODEL_B), 1000e18, "B not settled yet");
        settleOne(1, 1);
        finalize(1);
        vm.expectRevert(abi.encodeWithSelector(ITournament.StakeAtRiskUnavailable.selector, 1, MODEL_B));
        tournament.stakeAtRisk(1, MODEL_B);
    }

    function test_R2_stakeAtRiskZeroForRoundNotClosed() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openRound(1);
        assertEq(tournament.stakeAtRisk(1, MODEL_A), 0, "open round");
        assertEq(tournament.stakeAtRisk(7, MODEL_A), 0, "unknown round");
        bytes32[] memory ids = new bytes32[](2);
        ids[0] = MODEL_A;
        ids[1] = MODEL_B;
        closeRound(1);
        uint256[] memory got = tournament.stakesAtRisk(1, ids);
        assertEq(got[0], 1000e18, "A at risk");
        assertEq(got[1], 0, "B has no stake");
    }

    /* R3 ORDER */

    function test_R3_roundsCloseInOpeningOrder() public {
        openRound(1);
        openRound(2);
        vm.expectRevert(abi.encodeWithSelector(ITournament.OutOfOrder.selector, 2, 1));
        closeRound(2);
        closeRound(1);
        closeRound(2);
        assertEq(tournament.lastClosedRound(), 2, "both closed");
        assertEq(tournament.round(2).seq, 2, "seq");
    }

    function test_R3_resolveOnlyOnceThePreviousRoundIsFinalized() public {
        openAndClose(1);
        openAndClose(2);
        vm.expectRevert(abi.encodeWithSelector(ITournament.OutOfOrder.selector, 2, 1));
        resolve(2);
        resolve(1);
        vm.expectRevert(abi.encodeWithSelector(ITournament.OutOfOrder.selector, 2, 1));
        resolve(2);
        finalize(1);
        resolve(2);
        finalize(2);
        assertEq(tournament.lastFinalizedRound(), 2, "finalized in order");
    }

    function test_R3_atMostMaxOverlapRoundsClosedAndUnfinalized() public {
        uint256 max = tournament.MAX_OVERLAP();
        assertEq(max, 32, "MAX_OVERLAP");
        for (uint256 k = 1; k <= max; ++k) {
            openAndClose(k);
        }
        openRound(max + 1);
        vm.expectRevert(abi.encodeWithSelector(ITournament.TooManyUnfinalized.selector, max));
        closeRound(max + 1);
        complete(1);
        closeRound(max + 1);
        assertEq(tournament.lastClosedRound(), max + 1, "closes once one is finalized");
    }

    function test_R3_roundIdsIncreaseWithSeq() public {
        openRound(5);
        vm.expectRevert(abi.encodeWithSelector(ITournament.RoundIdNotIncreasing.selector, 5, 5));
        openRound(5);
        vm.expectRevert(abi.encodeWithSelector(ITournament.RoundIdNotIncreasing.selector, 3, 5));
        openRound(3);
        openRound(9);
        assertEq(tournament.round(5).seq, 1, "first");
        assertEq(tournament.round(9).seq, 2, "second");
        assertEq(tournament.latestRound(), 9, "latest");
    }

    /// Ids with gaps: keys, release rounds and waiting rounds name round ids, not seqs.
    function test_R3_roundIdsWithGapsNameReleasesAndWaits() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(10);
        stakeAs(bob, MODEL_A, 100e18);
        uint256 id = requestAs(alice, MODEL_A, 100e18);
        assertEq(tournament.unstakeRequest(id).releaseRound, 10, "release round is the id");
        assertEq(tournament.positionDetails(MODEL_A, bob).waitingUntilRound, 10, "waits for round id 10");
        openAndClose(20);
        scoreRatio(10, MODEL_A, 0);
        complete(10);
        assertTrue(tournament.isWithdrawable(id), "released by round 10");
        assertEq(tournament.stakeAtRisk(20, MODEL_A), 1000e18, "900 + bob's 100");
    }

    /* R4 SETTLEMENT FROM PUBLISHED SCORES */

    function test_R4_settleComputesTheRatioFromThePublishedLeaf() public {
        stakeAs(alice, MODEL_A, 10_000e18);
        openAndClose(1);
        int256 corr = 0.031e18;
        int256 mmc = -0.0047e18;
        score(1, MODEL_A, corr, mmc);
        // 0.5 x 0.031 + 2 x -0.0047 = 0.0061; before resolution the factor is 1
        assertEq(tournament.payoutRatio(1, corr, mmc), 0.0061e18, "ratio before resolution");
        resolve(1, 0.6e18);
        assertEq(tournament.round(1).payoutFactor, 0.6e18, "factor posted at resolution");
        assertEq(tournament.payoutRatio(1, corr, mmc), 0.00366e18, "0.6 x 0.0061");
        Settled memory s = settleAllFor(1, MODEL_A);
        assertEq(s.ratio, 0.00366e18, "settled ratio");
        assertEq(s.payout, 36.6e18, "0.366% of 10,000");
        assertEq(assets(MODEL_A), 10_036.6e18, "paid");
    }

    function test_R4_ratioIsClampedToTheCap() public {
        openRound(1);
        assertEq(tournament.payoutRatio(1, 0, 0.2e18), 0.05e18, "+cap");
        assertEq(tournament.payoutRatio(1, -1e18, 0), -0.05e18, "-cap");
        assertEq(tournament.payoutRatio(1, 0.1e18, -0.025e18), 0, "0.05 - 0.05");
        assertEq(tournament.payoutRatio(1, 0.02e18, 0.01e18), 0.03e18, "payout.ts example");
    }

    function test_R4_settleRejectsALeafThatWasNotPublished() public {
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(alice, MODEL_B, 1000e18);
        openAndClose(1);
        scoreRatio(1, MODEL_A, -0.02e18);
        scoreRatio(1, MODEL_B, 0.02e18);
        resolve(1);
        uint256[] memory which = new uint256[](1);
        (ITournament.ScoreLeaf[] memory ls, bytes32[] memory proof, bool[] memory flags) = proofFor(1, which);
        ls[0].mmc = -0.025e18; // a larger burn than published
        vm.expectRevert(abi.encodeWithSelector(ITournament.InvalidProof.selector, 1));
        vm.prank(admin);
        tournament.settle(1, ls, proof, flags);
        ls[0].mmc = -0.01e18;
        ls[0].modelId = MODEL_B; // a published score under another model's id
        vm.expectRevert(abi.encodeWithSelector(ITournament.InvalidProof.selector, 1));
        vm.prank(admin);
        tournament.settle(1, ls, proof, flags);
    }

    function test_R4_modelWithoutStakeAtRiskCannotBeSettled() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        stakeAs(bob, MODEL_B, 1000e18); // after the close: not at risk in round 1
        scoreRatio(1, MODEL_A, 0.02e18);
        scoreRatio(1, MODEL_B, -0.04e18);
        scoreRatio(1, MODEL_C, -0.04e18); // never staked
        resolve(1);
        assertEq(tournament.round(1).modelsAtRisk, 1, "only A declared");
        vm.expectRevert(abi.encodeWithSelector(ITournament.NoStakeAtRisk.selector, 1, MODEL_B));
        settleOne(1, 1);
        vm.expectRevert(abi.encodeWithSelector(ITournament.NoStakeAtRisk.selector, 1, MODEL_C));
        settleOne(1, 2);
        settleOne(1, 0);
        finalize(1);
        assertEq(tournament.modelStake(MODEL_B).waitingAssets + assets(MODEL_B), 1000e18, "B untouched");
    }

    function test_R4_modelSettlesOncePerRound() public {
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(alice, MODEL_B, 1000e18);
        openAndClose(1);
        scoreRatio(1, MODEL_A, -0.02e18);
        scoreRatio(1, MODEL_B, -0.02e18);
        resolve(1);
        settleOne(1, 0);
        assertTrue(tournament.isSettled(1, MODEL_A), "settled");
        vm.expectRevert(abi.encodeWithSelector(ITournament.AlreadySettled.selector, 1, MODEL_A));
        settleOne(1, 0);
        assertEq(assets(MODEL_A), 980e18, "burnt once");
    }

    function test_R4_payoutRoundsTowardZero() public {
        stakeAs(alice, MODEL_A, 12_345);
        stakeAs(alice, MODEL_B, 12_345);
        openAndClose(1);
        scoreRatio(1, MODEL_A, -0.03e18);
        scoreRatio(1, MODEL_B, 0.03e18);
        resolve(1);
        vm.recordLogs();
        settleAll(1);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(settledIn(logs, 1, MODEL_A).payout, -370, "-370.35 -> -370");
        assertEq(settledIn(logs, 1, MODEL_B).payout, 370, "370.35 -> 370");
        assertEq(assets(MODEL_A), 12_345 - 370, "burnt");
        assertEq(assets(MODEL_B), 12_345 + 370, "paid");
    }

    function test_R4_settlesInBatchesWithMultiproofs() public {
        bytes32[5] memory ms;
        for (uint256 i; i < 5; ++i) {
            ms[i] = keccak256(abi.encode("batch", i));
            stakeAs(alice, ms[i], 1000e18 * (i + 1));
        }
        openAndClose(1);
        for (uint256 i; i < 5; ++i) {
            scoreRatio(1, ms[i], i % 2 == 0 ? int256(0.01e18) : -0.02e18);
        }
        resolve(1);
        uint256[] memory first = new uint256[](2);
        first[0] = 3;
        first[1] = 0;
        settleSome(1, first);
        uint256[] memory rest = new uint256[](3);
        rest[0] = 1;
        rest[1] = 2;
        rest[2] = 4;
        settleSome(1, rest);
        assertEq(tournament.round(1).modelsSettled, 5, "all settled");
        finalize(1);
        assertEq(tournament.modelStake(ms[0]).totalAssets, 1010e18, "model 0 +1%");
        assertEq(tournament.modelStake(ms[1]).totalAssets, 1960e18, "model 1 -2%");
        assertEq(tournament.modelStake(ms[4]).totalAssets, 5050e18, "model 4 +1%");
        assertEq(tournament.round(1).burnt, 40e18 + 80e18, "burnt");
        assertEq(tournament.round(1).paid, 10e18 + 30e18 + 50e18, "paid");
    }

    function test_R4_payoutFactorAtMostOneAndCapAtMostMaxPayoutCap() public {
        ITournament.RoundParams memory p = params();
        p.payoutCap = tournament.MAX_PAYOUT_CAP();
        assertEq(p.payoutCap, 0.25e18, "ceiling");
        openRound(1, p);
        p.payoutCap = 0.25e18 + 1;
        vm.expectRevert(ITournament.InvalidParams.selector);
        openRound(2, p);
        closeRound(1);
        vm.expectRevert(abi.encodeWithSelector(ITournament.PayoutFactorTooHigh.selector, 1e18 + 1));
        resolve(1, 1e18 + 1, 0, 0);
        resolve(1, 1e18, 0, 0);
        assertEq(tournament.round(1).payoutFactor, 1e18, "factor 1 accepted");
    }

    /* R5 REWARDS */

    function test_R5_reservesTheDeclaredTotalFromThePool() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        scoreRatio(1, MODEL_A, 0.03e18);
        resolve(1);
        assertEq(tournament.round(1).reserved, 30e18, "reserved");
        assertEq(tournament.reservedRewards(), 30e18, "reservedRewards");
        assertEq(tournament.rewardPool(), POOL - 30e18, "pool");
        settleAll(1);
        assertEq(tournament.reservedRewards(), 0, "paid out of the reserve");
        assertEq(assets(MODEL_A), 1030e18, "paid in full");
    }

    function test_R5_proRataWhenThePoolIsShort() public {
        redeploy(30e18);
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(bob, MODEL_B, 3000e18);
        openAndClose(1);
        scoreRatio(1, MODEL_A, 0.03e18); // 30
        scoreRatio(1, MODEL_B, 0.01e18); // 30
        resolve(1);
        assertEq(tournament.round(1).totalPositivePayout, 60e18, "declared");
        assertEq(tournament.round(1).reserved, 30e18, "all the pool");
        assertEq(tournament.rewardPool(), 0, "pool empty");
        vm.recordLogs();
        settleAll(1);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(settledIn(logs, 1, MODEL_A).payout, 15e18, "30 x 30/60");
        assertEq(settledIn(logs, 1, MODEL_B).payout, 15e18, "30 x 30/60");
        finalize(1);
        assertEq(assets(MODEL_A), 1015e18, "A");
        assertEq(assets(MODEL_B), 3015e18, "B");
        assertEq(tournament.round(1).paid, 30e18, "paid");
    }

    function test_R5_settledPayoutsCannotExceedTheDeclaredTotal() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        scoreRatio(1, MODEL_A, 0.03e18);
        resolve(1, WAD, 29e18, 1);
        (ITournament.ScoreLeaf[] memory ls, bytes32[] memory proof, bool[] memory flags) = settleAllArgs(1);
        vm.expectRevert(abi.encodeWithSelector(ITournament.PayoutsExceedDeclared.selector, 1, 30e18, 29e18));
        vm.prank(admin);
        tournament.settle(1, ls, proof, flags);
    }

    function test_R5_unpaidReserveReturnsToThePoolAtFinalization() public {
        redeploy(20e18);
        bytes32[3] memory ms = [MODEL_A, MODEL_B, MODEL_C];
        for (uint256 i; i < 3; ++i) {
            stakeAs(alice, ms[i], 1000e18);
        }
        openAndClose(1);
        for (uint256 i; i < 3; ++i) {
            scoreRatio(1, ms[i], 0.01e18); // 10 each, 30 declared, 20 reserved
        }
        resolve(1);
        settleAll(1);
        uint256 each = uint256(10e18) * 20e18 / 30e18; // rounded down
        assertEq(assets(MODEL_A), 1000e18 + each, "pro rata");
        uint256 returned = 20e18 - 3 * each;
        assertTrue(returned > 0, "rounding left some reserve");
        vm.expectEmit(true, false, false, true, address(tournament));
        emit ITournament.RoundFinalized(1, 3 * each, 0, returned);
        finalize(1);
        assertEq(tournament.rewardPool(), returned, "back to the pool");
        assertEq(tournament.reservedRewards(), 0, "nothing reserved");
    }

    /* R6 BURNS */

    function test_R6_burnsWithTheTokensBurn() public {
        stakeAs(alice, MODEL_A, 1000e18);
        uint256 supply = token.totalSupply();
        runRound(1, MODEL_A, -0.05e18);
        assertEq(token.totalSupply(), supply - 50e18, "supply burnt");
        assertEq(token.balanceOf(DEAD), 0, "nothing sent to dead");
        assertEq(tournament.round(1).burnt, 50e18, "round's burnt");
    }

    function test_R6_burnsToTheDeadAddressWithoutBurn() public {
        PlainToken plain = new PlainToken();
        tournament = new Tournament(plain, admin);
        plain.mint(alice, 1000e18);
        vm.prank(alice);
        plain.approve(address(tournament), type(uint256).max);
        stakeAs(alice, MODEL_A, 1000e18);
        runRound(1, MODEL_A, -0.04e18);
        assertEq(plain.balanceOf(DEAD), 40e18, "sent to dead");
        assertEq(plain.balanceOf(address(tournament)), 960e18, "rest held");
        assertEq(assets(MODEL_A), 960e18, "model");
    }

    function test_R6_burnAtMostAQuarterOfTheStakeAtRisk() public {
        stakeAs(alice, MODEL_A, 1000e18);
        ITournament.RoundParams memory p = params();
        p.payoutCap = 0.25e18;
        openRound(1, p);
        closeRound(1);
        score(1, MODEL_A, -10e18, -10e18);
        resolve(1);
        Settled memory s = settleAllFor(1, MODEL_A);
        assertEq(s.ratio, -0.25e18, "capped");
        assertEq(s.payout, -250e18, "a quarter");
        assertEq(assets(MODEL_A), 750e18, "assets left");
    }

    /* R7 COMPLETE SETTLEMENT */

    function test_R7_finalizeNeedsEveryDeclaredModelSettled() public {
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(alice, MODEL_B, 1000e18);
        openAndClose(1);
        scoreRatio(1, MODEL_A, -0.05e18);
        scoreRatio(1, MODEL_B, -0.05e18);
        resolve(1);
        assertEq(tournament.round(1).modelsAtRisk, 2, "declared");
        settleOne(1, 0);
        vm.expectRevert(abi.encodeWithSelector(ITournament.NotFullySettled.selector, 1, 1, 2));
        finalize(1);
        settleOne(1, 1);
        finalize(1);
        assertEq(assets(MODEL_B), 950e18, "the skipped burn could not be lost");
        assertTrue(tournament.round(1).status == ITournament.RoundStatus.Settled, "finalized");
    }

    function test_R7_noSettlementBeyondTheDeclaredCount() public {
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(alice, MODEL_B, 1000e18);
        openAndClose(1);
        scoreRatio(1, MODEL_A, -0.05e18);
        scoreRatio(1, MODEL_B, -0.05e18);
        resolve(1, WAD, 0, 1);
        settleOne(1, 0);
        vm.expectRevert(abi.encodeWithSelector(ITournament.TooManyModels.selector, 1, 1));
        settleOne(1, 1);
    }

    function test_R7_finalizeNeedsTheDeclaredTotalElseTheRoundIsCancelled() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        scoreRatio(1, MODEL_A, 0.03e18);
        resolve(1, WAD, 100e18, 1); // declares 100, the leaves pay 30
        settleAll(1);
        vm.expectRevert(abi.encodeWithSelector(ITournament.DeclaredTotalMismatch.selector, 1, 30e18, 100e18));
        finalize(1);
        cancel(1);
        assertEq(assets(MODEL_A), 1030e18, "the settled payout stays");
        assertEq(tournament.rewardPool(), POOL - 30e18, "the unpaid 70 back");
        assertEq(tournament.reservedRewards(), 0, "nothing reserved");
    }

    function test_R7_roundWithoutModelsAtRiskFinalizesAtOnce() public {
        openAndClose(1);
        resolve(1, WAD, 0, 0);
        finalize(1);
        assertTrue(tournament.round(1).status == ITournament.RoundStatus.Settled, "finalized");
        assertEq(tournament.lastFinalizedRound(), 1, "last finalized");
    }

    /* R8 LIVENESS */

    function test_R8_anyoneFinalizesASettledRound() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        scoreRatio(1, MODEL_A, 0.02e18);
        resolve(1);
        settleAll(1);
        vm.prank(makeAddr("stranger"));
        tournament.finalizeRound(1);
        assertEq(tournament.round(1).finalizedAt, now_(), "finalized by a stranger");
    }

    function test_R8_anyoneCancelsOverdueRound() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        uint256 resolvesAt = tournament.round(1).params.resolvesAt;
        assertEq(tournament.cancellableAt(1), resolvesAt + tournament.GRACE_PERIOD(), "resolvesAt + grace");
        assertEq(tournament.GRACE_PERIOD(), 7 days, "grace");
        vm.warp(resolvesAt + 7 days - 1);
        vm.expectRevert(abi.encodeWithSelector(ITournament.TooEarlyToCancel.selector, 1, resolvesAt + 7 days));
        vm.prank(makeAddr("stranger"));
        tournament.cancelRound(1);
        vm.warp(resolvesAt + 7 days);
        address stranger = makeAddr("stranger");
        vm.expectEmit(true, true, false, true, address(tournament));
        emit ITournament.RoundCancelled(1, stranger, 0);
        vm.prank(stranger);
        tournament.cancelRound(1);
        assertTrue(tournament.round(1).status == ITournament.RoundStatus.Cancelled, "cancelled");
        assertEq(tournament.lastFinalizedRound(), 1, "counts as finalized");
        assertEq(assets(MODEL_A), 1000e18, "no burn");
    }

    function test_R8_cancelledResolvedRoundKeepsSettlementsAndReturnsTheReserve() public {
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(alice, MODEL_B, 1000e18);
        openAndClose(1);
        scoreRatio(1, MODEL_A, 0.03e18);
        scoreRatio(1, MODEL_B, 0.04e18);
        resolve(1);
        assertEq(tournament.reservedRewards(), 70e18, "reserved");
        settleOne(1, 0);
        cancel(1);
        assertEq(assets(MODEL_A), 1030e18, "settled payout stays");
        assertEq(assets(MODEL_B), 1000e18, "no payout after cancellation");
        assertEq(tournament.reservedRewards(), 0, "reserve released");
        assertEq(tournament.rewardPool(), POOL - 30e18, "unpaid 40 back");
        vm.expectRevert(abi.encodeWithSelector(ITournament.WrongRoundStatus.selector, 1, ITournament.RoundStatus.Cancelled));
        settleOne(1, 1);
    }

    function test_R8_cancellationReleasesWaitingJoinsAndExits() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        stakeAs(bob, MODEL_A, 500e18);
        uint256 id = requestAs(alice, MODEL_A, 400e18);
        assertTrue(!tournament.isWithdrawable(id), "waits");
        cancel(1);
        assertTrue(tournament.isWithdrawable(id), "released by the cancellation");
        assertEq(withdrawAs(alice, id), 400e18, "full value, no result");
        assertEq(sharesOf(MODEL_A, bob), 500e18, "bob joined at 1:1");
        assertEq(assets(MODEL_A), 1100e18, "600 + 500");
    }

    function test_R8_aPauseDelaysCancellation() public {
        openAndClose(1);
        uint256 resolvesAt = tournament.round(1).params.resolvesAt;
        vm.warp(resolvesAt + 2 days);
        vm.prank(admin);
        tournament.pause();
        uint256 until = tournament.pausedUntil();
        assertEq(until, resolvesAt + 2 days + 7 days, "pause for MAX_PAUSE");
        assertEq(tournament.cancellableAt(1), until + 7 days, "grace after the pause");
        vm.warp(resolvesAt + 3 days);
        vm.prank(admin);
        tournament.unpause();
        assertEq(tournament.pausedUntil(), resolvesAt + 3 days, "the pause ended early");
        assertEq(tournament.cancellableAt(1), resolvesAt + 10 days, "grace from the pause's end");
        vm.warp(resolvesAt + 10 days);
        cancel(1);
        assertEq(tournament.lastFinalizedRound(), 1, "cancelled");
    }

    function test_R8_resolvesAtAtMostMaxRoundLengthAhead() public {
        ITournament.RoundParams memory p = params();
        p.resolvesAt = uint64(now_() + tournament.MAX_ROUND_LENGTH());
        openRound(1, p);
        p.resolvesAt = uint64(now_() + 120 days + 1);
        vm.expectRevert(ITournament.InvalidParams.selector);
        openRound(2, p);
    }

    function test_R8_onlyTheNextRoundToFinalizeCanBeCancelled() public {
        openAndClose(1);
        openAndClose(2);
        openRound(3);
        vm.warp(tournament.cancellableAt(2));
        vm.expectRevert(abi.encodeWithSelector(ITournament.OutOfOrder.selector, 2, 1));
        vm.prank(carol);
        tournament.cancelRound(2);
        vm.expectRevert(abi.encodeWithSelector(ITournament.WrongRoundStatus.selector, 3, ITournament.RoundStatus.Open));
        vm.prank(carol);
        tournament.cancelRound(3);
        cancel(1);
        cancel(2);
        assertEq(tournament.lastFinalizedRound(), 2, "both cancelled in order");
    }

    /* R9 BOUNDED PAUSE */

    function test_R9_pauseNeverBlocksWithdraw() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        uint256 pending = requestAs(alice, MODEL_A, 300e18);
        scoreRatio(1, MODEL_A, 0);
        complete(1);
        uint256 immediate = requestAs(alice, MODEL_A, 200e18);
        vm.prank(admin);
        tournament.pause();
        assertTrue(tournament.paused(), "paused");
        assertEq(withdrawAs(alice, pending), 300e18, "released request");
        assertEq(withdrawAs(alice, immediate), 200e18, "immediate request");
    }

    function test_R9_pauseNeverBlocksUnstakeFinalizePokeOrFunding() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        stakeAs(bob, MODEL_A, 100e18);
        scoreRatio(1, MODEL_A, -0.02e18);
        resolve(1);
        settleAll(1);
        vm.prank(admin);
        tournament.pause();
        uint256 id = requestAs(alice, MODEL_A, 500e18);
        uint256 sh = toSharesUp(500e18, 980e18, 1000e18);
        assertEq(tournament.unstakeRequest(id).shares, sh, "requested while paused");
        finalize(1);
        tournament.poke(MODEL_A, bob);
        vm.prank(carol);
        tournament.fundRewards(5e18);
        assertEq(tournament.rewardPool(), POOL + 5e18, "funded while paused");
        uint256 out = toAssets(sh, 980e18, 1000e18);
        assertEq(sharesOf(MODEL_A, bob), toShares(100e18, 980e18 - out, 1000e18 - sh), "joined while paused");
        assertEq(withdrawAs(alice, id), out, "unstaked while paused");
    }

    function test_R9_pauseStopsStakingAndTheOperatorsRoundFunctions() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openRound(1);
        openRound(2);
        closeRound(1);
        scoreRatio(1, MODEL_A, 0.02e18);
        resolve(1);
        vm.prank(admin);
        tournament.pause();
        vm.expectRevert(ITournament.EnforcedPause.selector);
        stakeAs(alice, MODEL_A, 1e18);
        vm.expectRevert(ITournament.EnforcedPause.selector);
        vm.prank(alice);
        tournament.stakeWithPermit(MODEL_A, 1e18, now_() + 1, 0, bytes32(0), bytes32(0));
        vm.expectRevert(ITournament.EnforcedPause.selector);
        openRound(3);
        vm.expectRevert(ITournament.EnforcedPause.selector);
        closeRound(2);
        (ITournament.ScoreLeaf[] memory ls, bytes32[] memory proof, bool[] memory flags) = settleAllArgs(1);
        vm.expectRevert(ITournament.EnforcedPause.selector);
        vm.prank(admin);
        tournament.settle(1, ls, proof, flags);
        vm.prank(admin);
        tournament.unpause();
        settleAll(1);
        finalize(1);
        closeRound(2);
        assertEq(tournament.lastClosedRound(), 2, "round functions work again");
    }

    function test_R9_resolveIsStoppedByAPause() public {
        openAndClose(1);
        vm.prank(admin);
        tournament.pause();
        vm.expectRevert(ITournament.EnforcedPause.selector);
        resolve(1, WAD, 0, 0);
    }

    function test_R9_aPauseEndsByItselfAfterMaxPause() public {
        vm.prank(admin);
        tournament.pause();
        assertEq(tournament.MAX_PAUSE(), 7 days, "MAX_PAUSE");
        assertEq(tournament.pausedUntil(), START + 7 days, "until");
        vm.warp(START + 7 days - 1);
        assertTrue(tournament.paused(), "still paused");
        vm.warp(START + 7 days);
        assertTrue(!tournament.paused(), "over");
        stakeAs(alice, MODEL_A, 1000e18);
        assertEq(sharesOf(MODEL_A, alice), 1000e18, "staking again");
    }

    function test_R9_aNewPauseOnlyAfterTheCooldown() public {
        vm.prank(admin);
        tournament.pause();
        vm.warp(START + 1 days);
        vm.prank(admin);
        tournament.unpause();
        vm.expectRevert(abi.encodeWithSelector(ITournament.PauseCooldown.selector, START + 8 days));
        vm.prank(admin);
        tournament.pause();
        vm.warp(START + 8 days);
        vm.prank(admin);
        tournament.pause();
        assertEq(tournament.pausedUntil(), START + 15 days, "second pause");
        // A pause that ran its course: cooldown from its end.
        vm.warp(START + 15 days + 7 days - 1);
        vm.expectRevert(abi.encodeWithSelector(ITournament.PauseCooldown.selector, START + 22 days));
        vm.prank(admin);
        tournament.pause();
    }

    /* R10 NO DEAD POOLS AND HEADROOM */

    function test_R10_aBurntPoolCanBeStakedAgain() public {
        stakeAs(alice, MODEL_A, 1000e18);
        uint256 a = 1000e18;
        for (uint256 k = 1; k <= 25; ++k) {
            maxBurn(k, MODEL_A);
            a -= a / 4;
        }
        assertEq(assets(MODEL_A), a, "25 quarter burns");
        uint256 sb = toShares(1000e18, a, 1000e18);
        stakeAs(bob, MODEL_A, 1000e18);
        assertEq(sharesOf(MODEL_A, bob), sb, "bob's shares");
        assertApproxEq(valueOf(MODEL_A, bob), 1000e18, 1, "worth his stake");
        assertEq(exitAll(bob, MODEL_A), toAssets(sb, a + 1000e18, 1000e18 + sb), "and out again");
    }

    function test_R10_headroomForMaximalBurnsAtTheMaximalStake() public {
        uint256 max = tournament.MAX_MODEL_STAKE();
        assertEq(max, 2 ** 88 - 1, "MAX_MODEL_STAKE");
        vm.prank(admin);
        token.mint(alice, 2 * max);
        stakeAs(alice, MODEL_A, max);
        uint256 a = max;
        // The issue's headroom: 25 maximal burns in a row, then the pool is filled up again.
        for (uint256 k = 1; k <= 25; ++k) {
            maxBurn(k, MODEL_A);
            a -= a / 4;
        }
        assertEq(assets(MODEL_A), a, "25 quarter burns");
        stakeAs(alice, MODEL_A, max - a);
        assertEq(assets(MODEL_A), max, "full again");
        assertTrue(shares(MODEL_A) <= 2 ** 100, "shares within the stake-time limit (112-bit field)");
        assertApproxEq(valueOf(MODEL_A, alice), max, 4, "value");
    }

    function test_R10_shareLimitRefusesAStakeBeyondTheHeadroom() public {
        uint256 max = tournament.MAX_MODEL_STAKE();
        vm.prank(admin);
        token.mint(alice, 2 * max);
        stakeAs(alice, MODEL_A, max);
        for (uint256 k = 1; k <= 30; ++k) {
            maxBurn(k, MODEL_A);
        }
        // 30 maximal burns: refilling to the maximum would pass 2^100 shares at today's price.
        uint256 refill = max - assets(MODEL_A);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ITournament.ShareLimit.selector, MODEL_A, 2 ** 100));
        tournament.stake(MODEL_A, refill);
        // A smaller stake still joins: the pool is never dead.
        stakeAs(alice, MODEL_A, refill / 4);
        assertTrue(shares(MODEL_A) <= 2 ** 100, "within the limit");
    }

    function test_R10_modelStakeCappedAtMaxModelStakeWaitingDepositsIncluded() public {
        uint256 max = tournament.MAX_MODEL_STAKE();
        vm.prank(admin);
        token.mint(alice, max);
        stakeAs(alice, MODEL_A, max - 100);
        openAndClose(1);
        stakeAs(alice, MODEL_A, 60); // waits
        vm.expectRevert(abi.encodeWithSelector(ITournament.ModelStakeLimit.selector, MODEL_A, max + 1, max));
        stakeAs(alice, MODEL_A, 41);
        stakeAs(alice, MODEL_A, 40);
        assertEq(assets(MODEL_A) + tournament.modelStake(MODEL_A).waitingAssets, max, "at the limit");
    }

    function test_R10_dustGoesToTheRewardPoolWhenTheLastSharesLeave() public {
        stakeAs(alice, MODEL_A, 1000e18);
        runRound(1, MODEL_A, 0.03e18);
        uint256 out = toAssets(1000e18, 1030e18, 1000e18);
        uint256 dust = 1030e18 - out;
        assertTrue(dust > 0, "rounding leaves dust");
        uint256 pool = tournament.rewardPool();
        vm.expectEmit(true, false, false, true, address(tournament));
        emit ITournament.DustSwept(MODEL_A, dust);
        uint256 id = requestAs(alice, MODEL_A, type(uint256).max);
        assertEq(tournament.unstakeRequest(id).assets, out, "assets rounded down");
        assertEq(tournament.rewardPool(), pool + dust, "dust to the pool");
        assertEq(assets(MODEL_A), 0, "empty");
        assertEq(shares(MODEL_A), 0, "no shares");
        stakeAs(bob, MODEL_A, 500e18);
        assertEq(sharesOf(MODEL_A, bob), 500e18, "restarts at 1:1");
    }

    function test_R10_roundingIsAgainstTheCaller() public {
        stakeAs(alice, MODEL_A, 1000e18);
        runRound(1, MODEL_A, 0.03e18); // price 1.03
        uint256 a = 1030e18;
        uint256 s = 1000e18;
        stakeAs(bob, MODEL_A, 100e18 + 7);
        uint256 sb = toShares(100e18 + 7, a, s);
        assertEq(sharesOf(MODEL_A, bob), sb, "stake: shares down");
        a += 100e18 + 7;
        s += sb;
        uint256 id = requestAs(bob, MODEL_A, 50e18 + 3);
        uint256 burnt = toSharesUp(50e18 + 3, a, s);
        assertEq(tournament.unstakeRequest(id).shares, burnt, "unstake: shares up");
        assertEq(tournament.unstakeRequest(id).assets, toAssets(burnt, a, s), "release: assets down");
        assertTrue(tournament.unstakeRequest(id).assets >= 50e18 + 3, "at least the amount asked for");
    }

    /* R11 TOKENS */

    function test_R11_tokenBalanceEqualsTheBooksThroughAMixedHistory() public {
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(bob, MODEL_B, 2000e18);
        openAndClose(1);
        stakeAs(carol, MODEL_A, 700e18); // waiting
        uint256 r1 = requestAs(bob, MODEL_B, 500e18); // exit keyed 1
        openAndClose(2);
        scoreRatio(1, MODEL_A, 0.05e18);
        scoreRatio(1, MODEL_B, -0.03e18);
        resolve(1);
        assertEq(token.balanceOf(address(tournament)), books(), "resolved");
        settleAll(1);
        assertEq(token.balanceOf(address(tournament)), books(), "settled");
        finalize(1);
        assertEq(token.balanceOf(address(tournament)), books(), "finalized");
        withdrawAs(bob, r1);
        assertEq(token.balanceOf(address(tournament)), books(), "withdrawn");
        scoreRatio(2, MODEL_A, -0.05e18);
        scoreRatio(2, MODEL_B, 0.05e18);
        complete(2);
        assertEq(token.balanceOf(address(tournament)), books(), "round 2");
        exitAll(alice, MODEL_A);
        exitAll(bob, MODEL_B);
        exitAll(carol, MODEL_A);
        assertEq(token.balanceOf(address(tournament)), books(), "all out");
        assertEq(token.balanceOf(address(tournament)), tournament.rewardPool(), "only the reward pool");
    }

    function test_R11_depositsAndRewardsCreditWhatArrived() public {
        FeeToken fee = new FeeToken(100); // 1%
        tournament = new Tournament(fee, admin);
        fee.mint(alice, 10_000e18);
        vm.prank(alice);
        fee.approve(address(tournament), type(uint256).max);
        vm.expectEmit(true, true, false, true, address(tournament));
        emit ITournament.Staked(MODEL_A, alice, 990e18, 990e18, 0);
        stakeAs(alice, MODEL_A, 1000e18);
        assertEq(assets(MODEL_A), 990e18, "credited what arrived");
        vm.prank(alice);
        tournament.fundRewards(100e18);
        assertEq(tournament.rewardPool(), 99e18, "rewards: what arrived");
        assertEq(fee.balanceOf(address(tournament)), 990e18 + 99e18, "held");
    }

    /* R12 BOUNDED STORAGE */

    function test_R12_recordsClearedOnceClaimed() public {
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(bob, MODEL_A, 1000e18);
        openAndClose(1);
        stakeAs(carol, MODEL_A, 300e18);
        uint256 ra = requestAs(alice, MODEL_A, type(uint256).max);
        uint256 rb = requestAs(bob, MODEL_A, 400e18);
        scoreRatio(1, MODEL_A, -0.01e18);
        complete(1);
        tournament.poke(MODEL_A, carol);
        withdrawAs(alice, ra);
        withdrawAs(bob, rb);
        ITournament.ModelStake memory m = tournament.modelStake(MODEL_A);
        assertEq(m.waitingAssets, 0, "no waiting deposits");
        assertEq(m.exitingShares, 0, "no exiting shares");
        assertEq(tournament.pendingShares(MODEL_A), 0, "no pending shares");
        assertEq(tournament.releasedAssets(), 0, "nothing released unwithdrawn");
        assertEq(tournament.modelStake(MODEL_A).waitingAssets, 0, "nothing waits");
        ITournament.Position memory p = tournament.positionDetails(MODEL_A, carol);
        assertEq(p.waitingAssets, 0, "carol's deposit credited");
        assertEq(p.waitingUntilRound, 0, "no wait key left");
        assertTrue(tournament.unstakeRequest(ra).withdrawn, "alice's request claimed");
    }

    /// R12: of the slots a waiting deposit writes, once it joined, was credited and every share
    /// left, only the model's pool and queue, the staker's slot and the two reusable ring slots
    /// (the staker's deposit slot, the model's join bucket) may stay non-zero.
    function test_R12_aClaimedDepositLeavesOnlyItsReusableSlots() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        vm.record();
        stakeAs(bob, MODEL_A, 500e18); // waits: a deposit record, a join bucket
        (, bytes32[] memory written) = vm.accesses(address(tournament));
        scoreRatio(1, MODEL_A, 0.02e18);
        complete(1);
        exitAll(bob, MODEL_A); // credits bob's deposit, then every share of his leaves
        exitAll(alice, MODEL_A);
        uint256 left;
        for (uint256 i; i < written.length; ++i) {
            bool seen;
            for (uint256 j; j < i; ++j) {
                if (written[j] == written[i]) seen = true;
            }
            if (!seen && vm.load(address(tournament), written[i]) != bytes32(0)) ++left;
        }
        assertLe(left, 5, "slots left by a claimed deposit (pool, queue, staker, two ring slots)");
        assertTrue(left >= 3, "the pool, queue and staker slots are counted");
    }

    /* HELPERS */

    /// Resolves, settles and finalizes round `id` with `ratio` on `model` (already closed).
    function runResult(uint256 id, bytes32 model, int256 ratio) internal {
        scoreRatio(id, model, ratio);
        complete(id);
    }

    /// A round with cap 25% and a maximal burn on `model`.
    function maxBurn(uint256 id, bytes32 model) internal {
        ITournament.RoundParams memory p = params();
        p.payoutCap = 0.25e18;
        openRound(id, p);
        closeRound(id);
        score(id, model, -1e18, -1e18);
        complete(id);
    }
}
