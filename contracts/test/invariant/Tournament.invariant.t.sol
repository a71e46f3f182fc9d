// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ITournament} from "../../src/ITournament.sol";
import {StakeToken} from "../../src/StakeToken.sol";
import {Tournament} from "../../src/Tournament.sol";
import {InvariantTest} from "../utils/Test.sol";
import {Handler} from "./Handler.sol";

/// @notice Invariants over random sequences driven by Handler (up to 25 overlapping rounds;
/// foundry.toml sets runs, depth and fail_on_revert). Invariant functions may change state
/// (pokes, a trial stake): the runner discards it after each check.
contract TournamentInvariantTest is InvariantTest {
    Handler internal handler;
    Tournament internal tournament;

    function setUp() public {
        handler = new Handler();
        tournament = handler.tournament();
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](11);
        selectors[0] = Handler.stake.selector;
        selectors[1] = Handler.requestUnstake.selector;
        selectors[2] = Handler.withdraw.selector;
        selectors[3] = Handler.poke.selector;
        selectors[4] = Handler.fundRewards.selector;
        selectors[5] = Handler.togglePause.selector;
        selectors[6] = Handler.openAndClose.selector;
        selectors[7] = Handler.resolve.selector;
        selectors[8] = Handler.settle.selector;
        selectors[9] = Handler.finalize.selector;
        selectors[10] = Handler.cancel.selector;
        targetSelector(FuzzSelector(address(handler), selectors));
    }

    /// R11: token balance == model assets + waiting deposits + released unwithdrawn + reward
    /// pool + reserved, once the due joins and exits are applied (pokes).
    function invariant_tokenBalanceEqualsTheBooks() public {
        uint256 total;
        for (uint256 m; m < handler.modelCount(); ++m) {
            tournament.poke(handler.model(m), address(0));
            ITournament.ModelStake memory s = tournament.modelStake(handler.model(m));
            total += s.totalAssets + s.waitingAssets;
        }
        total += tournament.releasedAssets() + tournament.rewardPool() + tournament.reservedRewards();
        assertEq(handler.token().balanceOf(address(tournament)), total, "balance == books");
    }

    /// R1/R2: at every settle each pool's shares were exactly the shares at risk in the round
    /// (so each staker's part of the result is its part of the stake at risk), the stake at
    /// risk read before settling equals the figure in ModelSettled, and no model settled twice.
    function invariant_resultsLandOnTheSharesAtRiskOnlyAndOnce() public view {
        assertEq(bytes(handler.violation()).length, 0, handler.violation());
        for (uint256 i; i < handler.roundCount(); ++i) {
            for (uint256 m; m < handler.modelCount(); ++m) {
                assertLe(handler.settleCount(handler.rounds(i), m), 1, "settled at most once");
            }
        }
    }

    /// R10: a pool without assets can be staked again (the trial stake is discarded).
    function invariant_anEmptyPoolCanBeReentered() public {
        if (tournament.paused()) return;
        for (uint256 m; m < handler.modelCount(); ++m) {
            bytes32 id = handler.model(m);
            if (tournament.modelStake(id).totalAssets != 0) continue;
            address who = handler.actor(0);
            StakeToken token = handler.token();
            vm.prank(address(handler));
            token.mint(who, 1e18);
            vm.prank(who);
            tournament.stake(id, 1e18);
            ITournament.Position memory p = tournament.positionDetails(id, who);
            assertTrue(p.waitingAssets >= 1e18 || p.shares > 0, "staked");
        }
    }

    /// R3/R12: at most MAX_OVERLAP rounds closed and unfinalized (the queues' span), and each
    /// model's waiting deposits are exactly its stakers' waiting deposits.
    function invariant_queuesBoundedAndConsistent() public view {
        assertLe(handler.overlap(), tournament.MAX_OVERLAP(), "overlap");
        for (uint256 m; m < handler.modelCount(); ++m) {
            bytes32 id = handler.model(m);
            uint256 waiting;
            for (uint256 a; a < handler.actorCount(); ++a) {
                waiting += tournament.positionDetails(id, handler.actor(a)).waitingAssets;
            }
            assertEq(tournament.modelStake(id).waitingAssets, waiting, "waiting deposits");
        }
    }

    /// End state of every run: the fill phase reached 25 overlapping rounds; once every round is
    /// finalized every staker withdraws everything, and only the reward pool remains.
    function afterInvariant() public {
        if (handler.calls() > handler.FILL_TARGET()) {
            assertTrue(handler.maxOverlap() >= handler.FILL_TARGET(), "reached 25 overlapping rounds");
        }
        handler.drainAll();
        for (uint256 m; m < handler.modelCount(); ++m) {
            ITournament.ModelStake memory s = tournament.modelStake(handler.model(m));
            assertEq(s.totalAssets, 0, "model assets");
            assertEq(s.totalShares, 0, "model shares");
            assertEq(s.waitingAssets, 0, "waiting");
        }
        assertEq(tournament.releasedAssets(), 0, "released unwithdrawn");
        assertEq(tournament.reservedRewards(), 0, "reserved");
        assertEq(handler.token().balanceOf(address(tournament)), tournament.rewardPool(), "only the reward pool");
    }
}
