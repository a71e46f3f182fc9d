// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ITournament} from "../src/ITournament.sol";
import {Tournament} from "../src/Tournament.sol";
import {BaseTest} from "./Base.t.sol";
import {FeeToken} from "./utils/Tokens.sol";

/// @notice Every custom error of ITournament reached, and access control. Errors that a rule is
/// made of are reached in TournamentRules.t.sol instead (not repeated here): RoundIdNotIncreasing,
/// OutOfOrder, TooManyUnfinalized (R3); InvalidParams for the cap, PayoutFactorTooHigh,
/// InvalidProof, NoStakeAtRisk, AlreadySettled (R4); PayoutsExceedDeclared (R5); TooManyModels,
/// NotFullySettled (R7); TooEarlyToCancel, InvalidParams for resolvesAt, WrongRoundStatus on
/// cancel (R8); EnforcedPause on stake and the round functions, PauseCooldown (R9);
/// ModelStakeLimit (R10); StakeAtRiskUnavailable (R2).
contract TournamentRevertsTest is BaseTest {
    /* STAKING */

    function test_stake_revertsOnZeroAmount() public {
        vm.expectRevert(ITournament.ZeroAmount.selector);
        stakeAs(alice, MODEL_A, 0);
    }

    function test_stake_revertsWhenTheDepositBuysNoShare() public {
        stakeAs(alice, MODEL_A, 1000e18);
        runRound(1, MODEL_A, 0.05e18); // price 1.05: one wei buys no share
        vm.expectRevert(abi.encodeWithSelector(ITournament.ZeroShares.selector, 1));
        stakeAs(bob, MODEL_A, 1);
    }

    function test_stake_revertsWhenNothingArrived() public {
        FeeToken fee = new FeeToken(10_000); // the whole amount goes to the fee sink
        tournament = new Tournament(fee, admin);
        fee.mint(alice, 100e18);
        vm.prank(alice);
        fee.approve(address(tournament), type(uint256).max);
        vm.expectRevert(ITournament.NothingReceived.selector);
        stakeAs(alice, MODEL_A, 100e18);
        vm.expectRevert(ITournament.NothingReceived.selector);
        vm.prank(alice);
        tournament.fundRewards(100e18);
    }

    function test_fundRewards_revertsOnZeroAmount() public {
        vm.expectRevert(ITournament.ZeroAmount.selector);
        vm.prank(alice);
        tournament.fundRewards(0);
    }

    function test_requestUnstake_revertsOnZeroAmount() public {
        stakeAs(alice, MODEL_A, 1000e18);
        vm.expectRevert(ITournament.ZeroAmount.selector);
        requestAs(alice, MODEL_A, 0);
    }

    function test_requestUnstake_revertsWithoutShares() public {
        vm.expectRevert(abi.encodeWithSelector(ITournament.ZeroShares.selector, type(uint256).max));
        requestAs(alice, MODEL_A, type(uint256).max);
    }

    function test_requestUnstake_revertsAboveTheOwnedShares() public {
        stakeAs(alice, MODEL_A, 1000e18);
        vm.expectRevert(abi.encodeWithSelector(ITournament.InsufficientShares.selector, 1000e18 + 1, 1000e18));
        requestAs(alice, MODEL_A, 1000e18 + 1);
    }

    function test_requestUnstake_revertsOnWaitingDeposits() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        stakeAs(bob, MODEL_A, 500e18); // waits: not requestable
        vm.expectRevert(abi.encodeWithSelector(ITournament.InsufficientShares.selector, 100e18, 0));
        requestAs(bob, MODEL_A, 100e18);
    }

    function test_withdraw_revertsOnUnknownRequest() public {
        vm.expectRevert(abi.encodeWithSelector(ITournament.UnknownRequest.selector, 42));
        vm.prank(alice);
        tournament.withdraw(42);
    }

    function test_withdraw_revertsForAnotherStaker() public {
        stakeAs(alice, MODEL_A, 1000e18);
        uint256 id = requestAs(alice, MODEL_A, 100e18);
        vm.expectRevert(abi.encodeWithSelector(ITournament.NotRequester.selector, id, bob));
        vm.prank(bob);
        tournament.withdraw(id);
    }

    function test_withdraw_revertsTheSecondTime() public {
        stakeAs(alice, MODEL_A, 1000e18);
        uint256 id = requestAs(alice, MODEL_A, 100e18);
        withdrawAs(alice, id);
        vm.expectRevert(abi.encodeWithSelector(ITournament.AlreadyWithdrawn.selector, id));
        vm.prank(alice);
        tournament.withdraw(id);
    }

    function test_withdraw_revertsBeforeRelease() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(3);
        uint256 id = requestAs(alice, MODEL_A, 100e18);
        vm.expectRevert(abi.encodeWithSelector(ITournament.NotReleased.selector, id, 3));
        vm.prank(alice);
        tournament.withdraw(id);
    }

    /* ROUNDS */

    function test_openRound_revertsOnMultipliersAboveMax() public {
        ITournament.RoundParams memory p = params();
        p.corrMultiplier = 100e18 + 1;
        vm.expectRevert(ITournament.InvalidParams.selector);
        openRound(1, p);
        p.corrMultiplier = 100e18;
        p.mmcMultiplier = 100e18 + 1;
        vm.expectRevert(ITournament.InvalidParams.selector);
        openRound(1, p);
        p.mmcMultiplier = 100e18;
        openRound(1, p);
        assertEq(tournament.round(1).params.mmcMultiplier, tournament.MAX_MULTIPLIER(), "at the maximum");
    }

    function test_openRound_revertsWhenClosingAfterResolving() public {
        ITournament.RoundParams memory p = params();
        p.closesAt = p.resolvesAt + 1;
        vm.expectRevert(ITournament.InvalidParams.selector);
        openRound(1, p);
    }

    function test_closeRound_revertsUnlessOpen() public {
        vm.expectRevert(abi.encodeWithSelector(ITournament.WrongRoundStatus.selector, 1, ITournament.RoundStatus.None));
        closeRound(1);
        openAndClose(1);
        vm.expectRevert(
            abi.encodeWithSelector(ITournament.WrongRoundStatus.selector, 1, ITournament.RoundStatus.Closed)
        );
        closeRound(1);
    }

    function test_resolveRound_revertsUnlessClosed() public {
        openRound(1);
        vm.expectRevert(abi.encodeWithSelector(ITournament.WrongRoundStatus.selector, 1, ITournament.RoundStatus.Open));
        resolve(1, WAD, 0, 0);
        closeRound(1);
        resolve(1, WAD, 0, 0);
        vm.expectRevert(
            abi.encodeWithSelector(ITournament.WrongRoundStatus.selector, 1, ITournament.RoundStatus.Resolved)
        );
        resolve(1, WAD, 0, 0);
    }

    function test_settle_revertsUnlessResolved() public {
        stakeAs(alice, MODEL_A, 1000e18);
        openAndClose(1);
        scoreRatio(1, MODEL_A, 0.01e18);
        vm.expectRevert(
            abi.encodeWithSelector(ITournament.WrongRoundStatus.selector, 1, ITournament.RoundStatus.Closed)
        );
        settleOne(1, 0);
        complete(1);
        vm.expectRevert(
            abi.encodeWithSelector(ITournament.WrongRoundStatus.selector, 1, ITournament.RoundStatus.Settled)
        );
        settleOne(1, 0);
    }

    function test_finalizeRound_revertsUnlessResolved() public {
        openAndClose(1);
        vm.expectRevert(
            abi.encodeWithSelector(ITournament.WrongRoundStatus.selector, 1, ITournament.RoundStatus.Closed)
        );
        finalize(1);
        resolve(1, WAD, 0, 0);
        finalize(1);
        vm.expectRevert(
            abi.encodeWithSelector(ITournament.WrongRoundStatus.selector, 1, ITournament.RoundStatus.Settled)
        );
        finalize(1);
    }

    function test_cancelRound_revertsOnceFinalized() public {
        openAndClose(1);
        resolve(1, WAD, 0, 0);
        finalize(1);
        vm.warp(tournament.cancellableAt(1));
        vm.expectRevert(
            abi.encodeWithSelector(ITournament.WrongRoundStatus.selector, 1, ITournament.RoundStatus.Settled)
        );
        vm.prank(carol);
        tournament.cancelRound(1);
    }

    function test_payoutRatio_revertsForUnknownRound() public {
        vm.expectRevert(abi.encodeWithSelector(ITournament.WrongRoundStatus.selector, 9, ITournament.RoundStatus.None));
        tournament.payoutRatio(9, 0, 0);
    }

    /* PAUSE */

    function test_pause_revertsWhilePaused() public {
        vm.prank(admin);
        tournament.pause();
        vm.expectRevert(ITournament.EnforcedPause.selector);
        vm.prank(admin);
        tournament.pause();
    }

    function test_unpause_revertsWhenNotPaused() public {
        vm.expectRevert(ITournament.ExpectedPause.selector);
        vm.prank(admin);
        tournament.unpause();
        vm.prank(admin);
        tournament.pause();
        vm.warp(START + 7 days); // the pause ran out
        vm.expectRevert(ITournament.ExpectedPause.selector);
        vm.prank(admin);
        tournament.unpause();
    }

    /* ACCESS CONTROL */

    function test_roundFunctions_onlyOperator() public {
        bytes32 role = tournament.OPERATOR_ROLE();
        ITournament.RoundParams memory p = params();
        bytes memory denied = abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role);
        vm.expectRevert(denied);
        vm.prank(bob);
        tournament.openRound(1, bytes32(0), p);
        openRound(1);
        vm.expectRevert(denied);
        vm.prank(bob);
        tournament.closeRound(1, bytes32(0));
        closeRound(1);
        vm.expectRevert(denied);
        vm.prank(bob);
        tournament.resolveRound(1, bytes32(0), bytes32(0), WAD, 0, 0);
        resolve(1, WAD, 0, 0);
        vm.expectRevert(denied);
        vm.prank(bob);
        tournament.settle(1, new ITournament.ScoreLeaf[](0), new bytes32[](0), new bool[](0));
    }

    function test_pause_onlyPauser() public {
        bytes32 role = tournament.PAUSER_ROLE();
        bytes memory denied = abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role);
        vm.expectRevert(denied);
        vm.prank(bob);
        tournament.pause();
        vm.prank(admin);
        tournament.pause();
        vm.expectRevert(denied);
        vm.prank(bob);
        tournament.unpause();
    }

    function test_roles_grantedByTheAdminOnly() public {
        bytes32 operator = tournament.OPERATOR_ROLE();
        assertTrue(tournament.hasRole(tournament.DEFAULT_ADMIN_ROLE(), admin), "admin");
        assertTrue(tournament.hasRole(operator, admin), "operator");
        assertTrue(tournament.hasRole(tournament.PAUSER_ROLE(), admin), "pauser");
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, tournament.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(bob);
        tournament.grantRole(operator, bob);
        vm.prank(admin);
        tournament.grantRole(operator, bob);
        vm.prank(bob);
        tournament.openRound(1, bytes32(0), params());
        assertEq(tournament.latestRound(), 1, "a granted operator opens rounds");
    }
}
