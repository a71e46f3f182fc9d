// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StakeToken} from "../../src/StakeToken.sol";
import {ITournament} from "../../src/ITournament.sol";
import {Tournament} from "../../src/Tournament.sol";
import {InvariantTest} from "../utils/Test.sol";
import {Handler} from "./Handler.sol";

/// @notice Accounting invariants over random sequences of stakes, unstakes, withdrawals, rounds,
/// settlements (random ratios within the cap, random model subsets), funding and pauses.
contract TournamentInvariantTest is InvariantTest {
    Handler internal handler;
    Tournament internal tournament;
    StakeToken internal token;

    function setUp() public {
        handler = new Handler();
        tournament = handler.tournament();
        token = handler.token();
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](11);
        selectors[0] = Handler.stake.selector;
        selectors[1] = Handler.requestUnstake.selector;
        selectors[2] = Handler.withdraw.selector;
        selectors[3] = Handler.fundRewards.selector;
        selectors[4] = Handler.togglePause.selector;
        selectors[5] = Handler.openRound.selector;
        selectors[6] = Handler.closeRound.selector;
        selectors[7] = Handler.resolveRound.selector;
        selectors[8] = Handler.settle.selector;
        selectors[9] = Handler.finalizeRound.selector;
        // Staking twice as often as pausing.
        selectors[10] = Handler.stake.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// The contract's tokens are exactly the models' assets, the reward pool, rewards reserved
    /// for unfinalized rounds and released unstakes not withdrawn yet.
    function invariant_tokenBalanceMatchesBooks() public view {
        uint256 models;
        for (uint256 m; m < handler.modelCount(); ++m) {
            (uint256 a,,) = tournament.modelStake(handler.model(m));
            models += a;
        }
        assertEq(
            token.balanceOf(address(tournament)),
            models + tournament.rewardPool() + tournament.reservedRewards() + tournament.releasedAssets(),
            "balance == models + pool + reserved + released"
        );
    }

    /// Stake is conserved: in the pools, released or withdrawn, it is what was deposited plus
    /// payouts minus burns; rewards are what was funded minus payouts.
    function invariant_conservation() public view {
        uint256 models;
        for (uint256 m; m < handler.modelCount(); ++m) {
            (uint256 a,,) = tournament.modelStake(handler.model(m));
            models += a;
        }
        assertEq(
            models + tournament.releasedAssets() + handler.totalWithdrawn(),
            handler.totalDeposited() + handler.totalPaid() - handler.totalBurnt(),
            "staked + released + withdrawn == deposited + paid - burnt"
        );
        assertEq(
            tournament.rewardPool() + tournament.reservedRewards(),
            handler.funded() - handler.totalPaid(),
            "rewards == funded - paid"
        );
    }

    /// No staker takes out more than deposited plus its share of payouts minus its share of
    /// burns; rounding only ever favours the protocol (slack: one wei per call for the dust that
    /// other stakers' releases leave in the pool).
    function invariant_noStakerTakesMoreThanEntitled() public view {
        for (uint256 a; a < handler.actorCount(); ++a) {
            uint256 value;
            for (uint256 m; m < handler.modelCount(); ++m) {
                (, uint256 v) = tournament.positionOf(handler.model(m), handler.actor(a));
                value += v;
            }
            int256 take = int256(handler.withdrawn(a) + value);
            int256 bound_ = handler.entitled(a) + int256(handler.calls());
            assertTrue(take <= bound_, string.concat("actor takes more than entitled: ", vm.toString(a)));
        }
    }

    /// Shares add up per model: every staker's shares plus pending shares are the total.
    function invariant_sharesAddUp() public view {
        for (uint256 m; m < handler.modelCount(); ++m) {
            bytes32 id = handler.model(m);
            uint256 sum = tournament.pendingShares(id);
            for (uint256 a; a < handler.actorCount(); ++a) {
                (uint256 s,) = tournament.positionOf(id, handler.actor(a));
                sum += s;
            }
            (,uint256 total,) = tournament.modelStake(id);
            assertEq(sum, total, "positions + pending == totalShares");
        }
    }

    /// Each model settles at most once per round; finalized rounds and paused calls move nothing
    /// (the handler tries them and records any success).
    function invariant_settlementAndPauseRules() public view {
        assertEq(bytes(handler.violation()).length, 0, handler.violation());
        uint256 n = handler.roundCount();
        for (uint256 i; i < n; ++i) {
            uint256 id = handler.rounds(i);
            for (uint256 m; m < handler.modelCount(); ++m) {
                uint256 c = handler.settleCount(id, m);
                assertLe(c, 1, "settled at most once");
                bool settled = tournament.isSettled(id, handler.model(m));
                if (c == 1) assertTrue(settled, "isSettled after settlement");
                // Unfinalized rounds are exact; a model skipped in a finalized round reads as
                // settled once it settles in a later round (see ITournament.isSettled).
                if (i >= handler.finalizedCount()) assertTrue(settled == (c == 1), "isSettled matches");
            }
            ITournament.Round memory r = tournament.round(id);
            assertTrue(
                (i < handler.finalizedCount()) == (r.status == ITournament.RoundStatus.Settled),
                "finalized in opening order"
            );
            assertLe(r.paid, r.reserved, "paid within reserve");
            assertLe(r.declared, r.totalPositivePayout, "declared within total");
        }
    }
}
