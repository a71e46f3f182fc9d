// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ITournament} from "../src/ITournament.sol";
import {Tournament} from "../src/Tournament.sol";
import {BaseTest} from "./Base.t.sol";
import {FeeToken} from "./utils/Tokens.sol";

/// @notice One scenario per finding of the v1 audit (issue 13), asserting the v2 behaviour.
contract AuditFindingsTest is BaseTest {
    /// v1: a staker adding 99,000 after the close to a model with 1,000 at risk took ~99% of
    /// the round's payout.
    function test_finding_lateStakerAfterCloseGetsNoPartOfThePayout() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        stakeAs(bob, MODEL_A, 99_000e18); // scores are public before settlement
        scoreRatio(1, MODEL_A, 0.05e18);
        resolve(1);
        Settled memory s = settleAllFor(1, MODEL_A);
        assertEq(s.stakeAtRisk, 1000e18, "only alice's 1000 at risk");
        assertEq(s.payout, 50e18, "5% of 1000");
        finalize(1);
        uint256 bobOut = exitAll(bob, MODEL_A);
        uint256 aliceOut = exitAll(alice, MODEL_A);
        assertTrue(bobOut <= 99_000e18, "bob gains nothing");
        assertApproxEq(bobOut, 99_000e18, 2, "bob gets his deposit back");
        assertApproxEq(aliceOut, 1050e18, 2, "alice gets the whole payout");
    }

    /// v1: shares requested for unstake were left out of the stake at risk yet absorbed the
    /// result: the active staker's -5% became -2.5% and the unstaker lost 2.5%.
    function test_finding_unstakerBeforeCloseIsNotHit() public {
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(bob, MODEL_A, 1000e18);
        openAndClose(1); // an earlier round pending, as at Numerai's cadence
        openRound(2);
        uint256 id = requestAs(bob, MODEL_A, type(uint256).max);
        closeRound(2);
        scoreRatio(1, MODEL_A, 0);
        complete(1);
        uint256 bobAssets = tournament.unstakeRequest(id).assets;
        assertEq(bobAssets, 1000e18, "bob released at his value");
        assertEq(tournament.stakeAtRisk(2, MODEL_A), 1000e18, "round 2: alice only");
        scoreRatio(2, MODEL_A, -0.05e18);
        complete(2);
        assertEq(valueOf(MODEL_A, alice), toAssets(1000e18, 950e18, 1000e18), "alice: -5%");
        assertApproxEq(valueOf(MODEL_A, alice), 950e18, 1, "a full 5%, not 2.5%");
        assertEq(withdrawAs(bob, id), 1000e18, "bob: nothing lost");
    }

    /// v1: twenty overlapping -5% rounds burnt a model's assets to 0 while its shares remained;
    /// every later stake overflowed.
    function test_finding_twentyOverlappingBurnsDoNotBrickAModel() public {
        stakeAs(alice, MODEL_A, 1000e18);
        for (uint256 k = 1; k <= 20; ++k) {
            openAndClose(k);
            scoreRatio(k, MODEL_A, -0.05e18);
        }
        uint256 a = 1000e18;
        for (uint256 k = 1; k <= 20; ++k) {
            assertEq(tournament.stakeAtRisk(k, MODEL_A), a, "each round on what is left");
            complete(k);
            a -= a / 20;
        }
        assertEq(assets(MODEL_A), a, "0.95^20 of 1000");
        assertTrue(a > 358e18, "far from zero");
        uint256 sb = toShares(1000e18, a, 1000e18);
        stakeAs(bob, MODEL_A, 1000e18);
        assertEq(sharesOf(MODEL_A, bob), sb, "staked again");
        assertApproxEq(exitAll(bob, MODEL_A), 1000e18, 1, "and out again");
        assertApproxEq(exitAll(alice, MODEL_A), a, 1, "alice keeps what is left");
    }

    /// v1: the operator could burn a model that never submitted (any ratio, any model).
    function test_finding_operatorCannotBurnAModelThatNeverSubmitted() public {
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(bob, MODEL_B, 1000e18); // staked, but no submission: no leaf
        openAndClose(1);
        scoreRatio(1, MODEL_A, 0.02e18);
        resolve(1);
        ITournament.ScoreLeaf[] memory forged = new ITournament.ScoreLeaf[](1);
        forged[0] = ITournament.ScoreLeaf(MODEL_B, -1e18, -1e18);
        vm.expectRevert(abi.encodeWithSelector(ITournament.InvalidProof.selector, 1));
        vm.prank(admin);
        tournament.settle(1, forged, new bytes32[](0), new bool[](0));
        settleAll(1);
        finalize(1);
        assertEq(assets(MODEL_B), 1000e18, "B untouched");
    }

    /// A model without stake at risk cannot be burnt or paid, even with a published leaf.
    function test_finding_operatorCannotSettleAModelWithoutStake() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        scoreRatio(1, MODEL_A, 0.02e18);
        scoreRatio(1, MODEL_B, 0.04e18); // submitted, never staked
        resolve(1, WAD, 100e18, 2); // the operator declares B at risk
        settleOne(1, 0);
        vm.expectRevert(abi.encodeWithSelector(ITournament.NoStakeAtRisk.selector, 1, MODEL_B));
        settleOne(1, 1);
        assertEq(assets(MODEL_B), 0, "nothing paid to B");
    }

    /// v1: `settle` took any ratio up to the operator's own cap: it could pay the reward pool
    /// to a model it backs.
    function test_finding_operatorCannotSettleARatioNotDerivedFromThePublishedLeaf() public {
        stakeAs(bob, MODEL_B, 1000e18); // a model the operator backs
        openAndClose(1);
        scoreRatio(1, MODEL_B, -0.01e18);
        scoreRatio(1, MODEL_A, 0.04e18);
        resolve(1, WAD, 0, 1);
        uint256[] memory which = new uint256[](1);
        (ITournament.ScoreLeaf[] memory ls, bytes32[] memory proof, bool[] memory flags) = proofFor(1, which);
        ls[0].mmc = 0.125e18; // a 25% payout instead of the published -1%
        vm.expectRevert(abi.encodeWithSelector(ITournament.InvalidProof.selector, 1));
        vm.prank(admin);
        tournament.settle(1, ls, proof, flags);
        settleAll(1);
        assertEq(assets(MODEL_B), 990e18, "the published -1%");
        assertEq(tournament.rewardPool(), POOL, "the pool untouched");
    }

    /// v1: the cap was the operator's choice, up to 100%.
    function test_finding_payoutCapHasAContractCeiling() public {
        ITournament.RoundParams memory p = params();
        p.payoutCap = 1e18;
        vm.expectRevert(ITournament.InvalidParams.selector);
        openRound(1, p);
        p.payoutCap = 0.25e18;
        openRound(1, p);
        assertEq(tournament.payoutRatio(1, 100e18, 100e18), 0.25e18, "never above 25%");
        assertEq(tournament.payoutRatio(1, -100e18, -100e18), -0.25e18, "never below -25%");
    }

    /// v1: finalizeRound did not require every model at risk to be settled: a skipped burn was
    /// lost.
    function test_finding_finalizeRequiresEveryModelAtRiskSettled() public {
        stakeAs(alice, MODEL_A, 1000e18);
        stakeAs(bob, MODEL_B, 1000e18);
        openAndClose(1);
        scoreRatio(1, MODEL_A, 0.02e18);
        scoreRatio(1, MODEL_B, -0.05e18);
        resolve(1);
        settleOne(1, 0); // the operator skips B's burn
        vm.expectRevert(abi.encodeWithSelector(ITournament.NotFullySettled.selector, 1, 1, 2));
        finalize(1);
        settleOne(1, 1);
        finalize(1);
        assertEq(assets(MODEL_B), 950e18, "the burn landed");
    }

    /// v1: while paused, unstake requests and finalization reverted, so stakes could be trapped
    /// for ever. v2: they never pause, a pause ends by itself, and a round the operator abandons
    /// is cancelled by anyone.
    function test_finding_pauseCannotTrapStakes() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        vm.prank(admin);
        tournament.pause();
        uint256 id = requestAs(alice, MODEL_A, type(uint256).max); // works while paused
        // The operator never resolves round 1 and pauses again once it is due.
        uint256 resolvesAt = tournament.round(1).params.resolvesAt;
        vm.warp(resolvesAt + 1 days);
        vm.prank(admin);
        tournament.pause();
        uint256 at = tournament.cancellableAt(1);
        assertEq(at, resolvesAt + 1 days + 7 days + 7 days, "grace from the pause's end");
        vm.warp(at);
        assertTrue(!tournament.paused(), "pauses are bounded");
        vm.prank(dave);
        tournament.cancelRound(1);
        vm.prank(admin);
        tournament.pause(); // even paused again:
        assertEq(withdrawAs(alice, id), 1000e18, "alice gets everything");
    }

    /// v1: scaleDown multiplied without mulDiv: a large reserve overflowed.
    function test_finding_proRataScalingUsesMulDiv() public {
        redeploy(0);
        uint256 huge = 2 ** 200;
        vm.prank(admin);
        token.mint(carol, huge);
        vm.prank(carol);
        tournament.fundRewards(huge);
        uint256 stake = 2 ** 87;
        vm.prank(admin);
        token.mint(alice, stake);
        stakeAs(alice, MODEL_A, stake);
        ITournament.RoundParams memory p = params();
        p.payoutCap = 0.25e18;
        openRound(1, p);
        closeRound(1);
        score(1, MODEL_A, 1e18, 1e18);
        resolve(1, WAD, 2 ** 201, 1); // reserve 2^200 < declared 2^201: pro rata, p x R > 2^256
        Settled memory s = settleAllFor(1, MODEL_A);
        uint256 full = stake / 4; // 2^85
        assertEq(s.payout, int256(full / 2), "p x 2^200 / 2^201");
        assertEq(assets(MODEL_A), stake + full / 2, "paid");
        assertEq(token.balanceOf(address(tournament)), books(), "books");
    }

    /// v1: a fee-on-transfer token credited what was sent, not what arrived: insolvent books.
    function test_finding_feeOnTransferTokenKeepsTheBooksSolvent() public {
        FeeToken fee = new FeeToken(250); // 2.5%
        tournament = new Tournament(fee, admin);
        address[3] memory who = [alice, bob, carol];
        for (uint256 i; i < 3; ++i) {
            fee.mint(who[i], 100_000e18);
            vm.prank(who[i]);
            fee.approve(address(tournament), type(uint256).max);
        }
        vm.prank(carol);
        tournament.fundRewards(10_000e18);
        assertEq(tournament.rewardPool(), 9750e18, "rewards: what arrived");
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        stakeAs(bob, MODEL_A, 2000e18);
        uint256 r = requestAs(alice, MODEL_A, 500e18);
        assertEq(tournament.modelStake(MODEL_A).waitingAssets, 1950e18, "bob's deposit: what arrived");
        scoreRatio(1, MODEL_A, 0.04e18);
        complete(1);
        assertEq(fee.balanceOf(address(tournament)), books(), "balance == books");
        withdrawAs(alice, r);
        exitAll(alice, MODEL_A);
        exitAll(bob, MODEL_A);
        assertEq(fee.balanceOf(address(tournament)), tournament.rewardPool(), "everyone out, the pool left");
        assertEq(books(), tournament.rewardPool(), "books agree");
    }

    /// v1: a new checkpoint slot per model per settle, never pruned. v2: with 32 models staked,
    /// unstaked and settled every round, storage grows only by the rounds' own records (the
    /// Round struct and its seq entry, about 21 slots) and one unstake request per round (3).
    function test_finding_storagePerModelBoundedNotGrowingWithHistory() public {
        uint256 m = 32;
        bytes32[] memory ms = new bytes32[](m);
        for (uint256 i; i < m; ++i) {
            ms[i] = keccak256(abi.encode("storage", i));
            stakeAs(alice, ms[i], 1000e18);
            stakeAs(bob, ms[i], 1000e18);
        }
        vm.pauseGasMetering(); // a long history: the test's own gas is no figure
        vm.record();
        // Phase 1: every ring slot of every model is used (more rounds than MAX_OVERLAP).
        for (uint256 k = 1; k <= 34; ++k) {
            storageRound(k, ms, true);
        }
        (, bytes32[] memory w1) = vm.accesses(address(tournament));
        uint256 before = nonzero(w1, new bytes32[](0));
        vm.record();
        for (uint256 k = 35; k <= 44; ++k) {
            storageRound(k, ms, false);
        }
        (, bytes32[] memory w2) = vm.accesses(address(tournament));
        uint256 grown = nonzero(w1, w2) - before;
        assertLe(grown, 10 * 24, "growth over 10 rounds");
        assertTrue(grown >= 10 * 20, "the rounds' own records are counted");
        // And the books still balance.
        assertEq(token.balanceOf(address(tournament)), booksOf(ms), "books");
    }

    /* HELPERS */

    /// A round in steady state: it closes while the previous one is pending, alice adds to
    /// every model (a waiting deposit), bob unstakes from every model (`allExit`) or from one,
    /// the previous round is settled on every model and finalized, bob withdraws.
    function storageRound(uint256 k, bytes32[] memory ms, bool allExit) internal {
        openAndClose(k);
        uint256[] memory ids = new uint256[](ms.length);
        for (uint256 i; i < ms.length; ++i) {
            stakeAs(alice, ms[i], 10e18);
            if (allExit || i == k % ms.length) ids[i] = requestAs(bob, ms[i], 1e18);
            scoreRatio(k, ms[i], (k + i) % 2 == 0 ? int256(0.01e18) : -0.01e18);
        }
        if (k > 1) complete(k - 1);
        if (k > 1) {
            // requests of round k wait for it; withdraw those of round k - 1 (made last call)
            for (uint256 i; i < lastIds.length; ++i) {
                if (lastIds[i] != 0) withdrawAs(bob, lastIds[i]);
            }
        }
        lastIds = ids;
    }

    uint256[] internal lastIds;

    /// Distinct tournament slots among `a` and `b` that are not zero now.
    function nonzero(bytes32[] memory a, bytes32[] memory b) internal view returns (uint256 n) {
        bytes32[] memory writes = new bytes32[](a.length + b.length);
        for (uint256 i; i < a.length; ++i) {
            writes[i] = a[i];
        }
        for (uint256 i; i < b.length; ++i) {
            writes[a.length + i] = b[i];
        }
        _sort(writes, 0, int256(writes.length) - 1);
        for (uint256 i; i < writes.length; ++i) {
            if (i > 0 && writes[i] == writes[i - 1]) continue;
            if (vm.load(address(tournament), writes[i]) != bytes32(0)) ++n;
        }
    }

    function booksOf(bytes32[] memory ms) internal returns (uint256 total) {
        for (uint256 i; i < ms.length; ++i) {
            tournament.poke(ms[i], address(0));
            ITournament.ModelStake memory m = tournament.modelStake(ms[i]);
            total += m.totalAssets + m.waitingAssets;
        }
        total += tournament.rewardPool() + tournament.reservedRewards() + tournament.releasedAssets();
    }

    function _sort(bytes32[] memory a, int256 lo, int256 hi) private pure {
        while (lo < hi) {
            bytes32 pivot = a[uint256(lo + (hi - lo) / 2)];
            int256 i = lo;
            int256 j = hi;
            while (i <= j) {
                while (a[uint256(i)] < pivot) ++i;
                while (a[uint256(j)] > pivot) --j;
                if (i <= j) {
                    (a[uint256(i)], a[uint256(j)]) = (a[uint256(j)], a[uint256(i)]);
                    ++i;
                    --j;
                }
            }
            if (j - lo < hi - i) {
                _sort(a, lo, j);
                lo = i;
            } else {
                _sort(a, i, hi);
                hi = j;
            }
        }
    }
}
