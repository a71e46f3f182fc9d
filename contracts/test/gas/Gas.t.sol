// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ITournament} from "../../src/ITournament.sol";
import {BaseTest} from "../Base.t.sol";

/// @notice Gas bench: each operation in a realistic state, recorded with forge's gas snapshots.
/// Run through `npm run bench:gas` (contracts/script/gas.mjs), which uses `--isolate` so every
/// call is its own transaction (cold storage, 21,000 base and calldata included, as on chain).
/// Under a plain `forge test` the figures are warm and meaningless; the test then only checks
/// that the scenario runs.
contract GasTest is BaseTest {
    uint256 internal constant BATCH_MODELS = 1101;
    uint256 internal constant PERMIT_KEY = 0xB0B5;

    function model(uint256 i) internal pure returns (bytes32) {
        return keccak256(abi.encode("gas-model", i));
    }

    /// Alternating pay and burn ratios within the 5% cap, of 1..5 percent tenths.
    function ratio(uint256 i) internal pure returns (int256) {
        int256 r = int256(0.01e18 * (1 + (i % 5))) / 5;
        return i % 2 == 0 ? r : -r;
    }

    function test_gas_stakingAndRounds() public {
        // First-ever stake on a model, then a new staker on it (the common case), then a top-up.
        stakeAs(alice, MODEL_A, 1000e18);
        vm.snapshotGasLastCall("stake/first-on-new-model");
        stakeAs(bob, MODEL_A, 1000e18);
        vm.snapshotGasLastCall("stake");
        stakeAs(bob, MODEL_A, 500e18);
        vm.snapshotGasLastCall("stake/top-up");

        // A new staker through a permit, on an existing model.
        address signer = vm.addr(PERMIT_KEY);
        vm.prank(admin);
        token.mint(signer, 500e18);
        (uint8 v, bytes32 r, bytes32 s) = _permit(signer, 500e18, block.timestamp + 1);
        vm.prank(signer);
        tournament.stakeWithPermit(MODEL_A, 500e18, block.timestamp + 1, v, r, s);
        vm.snapshotGasLastCall("stakeWithPermit");

        vm.prank(carol);
        tournament.fundRewards(1000e18);
        vm.snapshotGasLastCall("fundRewards");

        // No round yet: converted at once, withdrawable at once.
        vm.prank(alice);
        uint256 now_ = tournament.requestUnstake(MODEL_A, 100e18);
        vm.snapshotGasLastCall("requestUnstake/immediate");
        vm.prank(alice);
        tournament.withdraw(now_);
        vm.snapshotGasLastCall("withdraw/immediate");

        openRound(1);
        vm.snapshotGasLastCall("openRound");
        // A round is open: the request waits for it (the usual case, rounds overlap).
        vm.prank(bob);
        uint256 pending = tournament.requestUnstake(MODEL_A, 200e18);
        vm.snapshotGasLastCall("requestUnstake");
        closeRound(1);
        vm.snapshotGasLastCall("closeRound");
        resolveRound(1, 1000e18);
        vm.snapshotGasLastCall("resolveRound");
        settleOne(1, MODEL_A, 0.01e18);
        finalize(1);
        vm.snapshotGasLastCall("finalizeRound");
        vm.prank(bob);
        tournament.withdraw(pending);
        vm.snapshotGasLastCall("withdraw");
        (, uint256 total,) = tournament.modelStake(MODEL_A);
        assertTrue(total > 0, "model still staked");
    }

    function test_gas_settleBatches() public {
        for (uint256 i; i < BATCH_MODELS; ++i) {
            stakeAs(i % 2 == 0 ? alice : bob, model(i), 1000e18 + i * 1e18);
        }
        uint256[3] memory sizes = [uint256(1), 100, 1000];
        string[3] memory names = ["settle/model@1", "settle/model@100", "settle/model@1000"];
        uint256 next;
        for (uint256 k; k < sizes.length; ++k) {
            uint256 id = k + 1;
            uint256 n = sizes[k];
            bytes32[] memory ids = new bytes32[](n);
            int256[] memory ratios = new int256[](n);
            openRound(id);
            closeRound(id);
            uint256 totalPositive;
            for (uint256 i; i < n; ++i) {
                ids[i] = model(next + i);
                ratios[i] = ratio(next + i);
                int256 p = int256(tournament.stakeAtRisk(id, ids[i])) * ratios[i] / 1e18;
                if (p > 0) totalPositive += uint256(p);
            }
            resolveRound(id, totalPositive);
            vm.prank(admin);
            tournament.settle(id, ids, ratios);
            uint256 gas = vm.snapshotGasLastCall(string.concat(names[k], "/total"));
            vm.snapshotValue(names[k], gas / n);
            assertTrue(tournament.isSettled(id, ids[n - 1]), "settled");
            finalize(id);
            next += n;
        }
    }

    /// Rounds overlap in production (one closes while earlier ones await resolution): a
    /// model's first change after a close then keeps its previous checkpoint in the history.
    function test_gas_overlappingRounds() public {
        uint256 n = 100;
        bytes32[] memory ids = new bytes32[](n);
        int256[] memory ratios = new int256[](n);
        for (uint256 i; i < n; ++i) {
            ids[i] = model(i);
            ratios[i] = ratio(i);
            stakeAs(alice, ids[i], 1000e18);
        }
        openRound(1);
        closeRound(1);
        openRound(2);
        stakeAs(bob, ids[0], 1000e18);
        vm.snapshotGasLastCall("stake/first-change-after-a-close");
        closeRound(2);
        resolveRound(1, 1000e18);
        vm.prank(admin);
        tournament.settle(1, ids, ratios);
        vm.snapshotValue("settle/model@100/another-round-closed", vm.snapshotGasLastCall("settle@100/overlap/total") / n);
        finalize(1);
        resolveRound(2, 1000e18);
        vm.prank(admin);
        tournament.settle(2, ids, ratios);
        vm.snapshotValue("settle/model@100/from-history", vm.snapshotGasLastCall("settle@100/history/total") / n);
        finalize(2);
    }

    function _permit(address owner, uint256 value, uint256 deadline)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                address(tournament),
                value,
                token.nonces(owner),
                deadline
            )
        );
        return vm.sign(PERMIT_KEY, keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)));
    }
}
