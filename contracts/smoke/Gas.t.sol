// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StakeToken} from "../src/StakeToken.sol";
import {ITournament} from "../src/ITournament.sol";
import {Tournament} from "../src/Tournament.sol";
import {Test} from "../test/utils/Test.sol";

contract GasSmoke is Test {
    StakeToken token;
    Tournament t;
    address admin = address(0xA11);
    address alice = address(0xA1);
    uint256 nextRound = 1;
    uint256 nextResolve = 1;

    function setUp() public {
        token = new StakeToken(admin);
        t = new Tournament(token, admin);
        vm.prank(admin);
        token.mint(alice, 1e30);
        vm.prank(admin);
        token.mint(admin, 1e30);
        vm.prank(alice);
        token.approve(address(t), type(uint256).max);
        vm.prank(admin);
        token.approve(address(t), type(uint256).max);
        vm.prank(admin);
        t.fundRewards(1e27);
    }

    function p() internal view returns (ITournament.RoundParams memory) {
        return ITournament.RoundParams(uint64(block.timestamp), uint64(block.timestamp + 30 days), 0.05e18, 0.5e18, 2e18, 72_000e18);
    }

    function cycle(bytes32 m) internal {
        vm.startPrank(admin);
        t.openRound(nextRound, bytes32(0), p());
        t.closeRound(nextRound, bytes32(0));
        nextRound++;
        uint256 id = nextResolve++;
        uint256 owed = t.stakeAtRisk(id, m) * uint256(t.payoutRatio(id, 0.01e18, 0)) / 1e18;
        t.resolveRound(id, bytes32(0), keccak256(bytes.concat(keccak256(abi.encode(m, int256(0.01e18), int256(0))))), 1e18, owed, 1);
        ITournament.ScoreLeaf[] memory l = new ITournament.ScoreLeaf[](1);
        l[0] = ITournament.ScoreLeaf(m, 0.01e18, 0);
        t.settle(id, l, new bytes32[](0), new bool[](0));
        t.finalizeRound(id);
        vm.stopPrank();
    }

    function test_gas() public {
        bytes32 m = keccak256("m");
        vm.prank(alice);
        t.stake(m, 1000e18);
        vm.startPrank(admin);
        for (uint256 i; i < 4; ++i) {
            t.openRound(nextRound, bytes32(0), p());
            t.closeRound(nextRound, bytes32(0));
            nextRound++;
        }
        vm.stopPrank();
        for (uint256 k; k < 40; ++k) {
            vm.prank(alice);
            t.stake(m, 10e18);
            if (k == 39) vm.snapshotGasLastCall("stake/overlap-4");
            if (k == 39) { vm.prank(alice); t.stake(m, 10e18); vm.snapshotGasLastCall("stake/again"); }
            vm.prank(alice);
            t.requestUnstake(m, 1e18);
            if (k == 39) vm.snapshotGasLastCall("requestUnstake/overlap-4");
            cycle(m);
            if (k == 39) vm.snapshotGasLastCall("finalize");
        }
    }
}
