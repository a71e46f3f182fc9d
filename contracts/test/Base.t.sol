// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StakeToken} from "../src/StakeToken.sol";
import {ITournament} from "../src/ITournament.sol";
import {Tournament} from "../src/Tournament.sol";
import {Test} from "./utils/Test.sol";

/// @notice Shared setup: a token, the tournament, named actors with tokens and approvals.
abstract contract BaseTest is Test {
    StakeToken internal token;
    Tournament internal tournament;
    address internal admin;
    address internal alice;
    address internal bob;
    address internal carol;
    bytes32 internal constant MODEL_A = keccak256("model-a");
    bytes32 internal constant MODEL_B = keccak256("model-b");
    uint256 internal constant WAD = 1e18;
    uint256 internal constant POOL = 1_000_000e18;

    function setUp() public virtual {
        admin = makeAddr("admin");
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        carol = makeAddr("carol");
        token = new StakeToken(admin);
        tournament = new Tournament(token, admin);
        address[4] memory everyone = [admin, alice, bob, carol];
        for (uint256 i; i < everyone.length; ++i) {
            vm.prank(admin);
            token.mint(everyone[i], 10_000_000e18);
            vm.prank(everyone[i]);
            token.approve(address(tournament), type(uint256).max);
        }
        vm.prank(admin);
        tournament.fundRewards(POOL);
    }

    function params() internal pure returns (ITournament.RoundParams memory) {
        return ITournament.RoundParams({
            closesAt: 1,
            resolvesAt: 2,
            payoutCap: 0.05e18,
            corrMultiplier: 0.5e18,
            mmcMultiplier: 2e18,
            stakeThreshold: 72_000e18
        });
    }

    function stakeAs(address who, bytes32 model, uint256 amount) internal {
        vm.prank(who);
        tournament.stake(model, amount);
    }

    function openRound(uint256 id) internal {
        vm.prank(admin);
        tournament.openRound(id, keccak256(abi.encode("live", id)), params());
    }

    function closeRound(uint256 id) internal {
        vm.prank(admin);
        tournament.closeRound(id, keccak256(abi.encode("subs", id)));
    }

    function resolveRound(uint256 id, uint256 totalPositive) internal {
        vm.prank(admin);
        tournament.resolveRound(id, keccak256(abi.encode("targets", id)), keccak256(abi.encode("scores", id)), totalPositive);
    }

    function settleOne(uint256 id, bytes32 model, int256 ratio) internal {
        bytes32[] memory ids = new bytes32[](1);
        int256[] memory ratios = new int256[](1);
        ids[0] = model;
        ratios[0] = ratio;
        vm.prank(admin);
        tournament.settle(id, ids, ratios);
    }

    function finalize(uint256 id) internal {
        vm.prank(admin);
        tournament.finalizeRound(id);
    }

    function assets(bytes32 model) internal view returns (uint256 a) {
        (a,,) = tournament.modelStake(model);
    }
}
