// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StakeToken} from "../../src/StakeToken.sol";
import {Tournament} from "../../src/Tournament.sol";
import {InvariantTest} from "../utils/Test.sol";
import {Handler} from "./Handler.sol";

contract TournamentInvariantTest is InvariantTest {
    StakeToken internal token;
    Tournament internal tournament;
    Handler internal handler;

    function setUp() public {
        address admin = makeAddr("admin");
        token = new StakeToken(admin);
        tournament = new Tournament(token, admin);
        handler = new Handler(token, tournament, admin);
        vm.startPrank(admin);
        token.grantRole(token.MINTER_ROLE(), address(handler));
        tournament.grantRole(tournament.OPERATOR_ROLE(), address(handler));
        tournament.grantRole(tournament.PAUSER_ROLE(), address(handler));
        vm.stopPrank();
        targetContract(address(handler));
    }

    /// Every token the contract holds is a model's, owed to a released request, in the pool or
    /// reserved for a round.
    function invariant_balanceMatchesAccounting() public view {
        uint256 models;
        for (uint256 i; i < 3; ++i) {
            (uint256 a,,) = tournament.modelStake(handler.model(i));
            models += a;
        }
        uint256 expected = models + tournament.releasedAssets() + tournament.rewardPool() + tournament.reservedRewards();
        assertEq(token.balanceOf(address(tournament)), expected, "balance == models + released + pool + reserved");
    }

    /// Stake is conserved: deposits + payouts - burns == what is still staked or owed + withdrawn.
    function invariant_stakeConserved() public view {
        (uint256 paid, uint256 burnt) = handler.totalPaidAndBurnt();
        uint256 models;
        for (uint256 i; i < 3; ++i) {
            (uint256 a,,) = tournament.modelStake(handler.model(i));
            models += a;
        }
        assertEq(
            handler.totalDeposited() + paid - burnt,
            models + tournament.releasedAssets() + handler.totalWithdrawn(),
            "deposits + paid - burnt"
        );
    }

    /// No staker takes out more than they put in plus everything ever paid to models.
    function invariant_noStakerWithdrawsMoreThanDepositedPlusPaid() public view {
        (uint256 paid,) = handler.totalPaidAndBurnt();
        for (uint256 i; i < 3; ++i) {
            address a = handler.actor(i);
            assertLe(handler.withdrawnBy(a), handler.deposited(a) + paid, "withdrawn <= deposited + paid");
        }
    }

    /// Nothing that must revert (double settle, settle after finalize, paused stake moves) went through.
    function invariant_nothingForbiddenSucceeded() public view {
        assertTrue(!handler.broken(), handler.brokenWhy());
    }

    /// The reward pool never pays more than was funded.
    function invariant_rewardsBounded() public view {
        (uint256 paid,) = handler.totalPaidAndBurnt();
        assertLe(paid + tournament.rewardPool() + tournament.reservedRewards(), handler.funded(), "paid <= funded");
    }
}
