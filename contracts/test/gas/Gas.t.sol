// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ITournament} from "../../src/ITournament.sol";
import {BaseTest} from "../Base.t.sol";

/// @notice Gas bench: each operation in a realistic state, recorded with forge's gas snapshots.
/// Run through `npm run bench:gas` (contracts/script/gas.mjs), which uses `--isolate` so every
/// call is its own transaction (cold storage, 21,000 base and calldata included, as on chain).
/// Under a plain `forge test` the figures are warm and meaningless; the tests then only check
/// that the scenarios run.
///
/// Settle scenarios send real score leaves with an OpenZeppelin multiproof (test/utils/Merkle.sol)
/// against the round's scores root; at batch 1000 the tree has 2000 scored models, of which the
/// 1000 staked ones are settled. "overlap-K": K other rounds closed and unresolved, in steady
/// state (a new round closes between two settles, and stakers join and leave meanwhile).
contract GasTest is BaseTest {
    uint256 internal constant BATCH_MODELS = 1101;
    uint256 internal constant SCORED = 2000;
    uint256 internal constant STAKED = 1000;
    uint256 internal constant PERMIT_KEY = 0xB0B5;

    function model(uint256 i) internal pure returns (bytes32) {
        return keccak256(abi.encode("gas-model", i));
    }

    /// Alternating pay and burn ratios within the 5% cap, of 0.2..1 percent.
    function ratioOf(uint256 round, uint256 i) internal pure returns (int256) {
        int256 r = int256(0.002e18 * (1 + ((i + round) % 5)));
        return (i + round) % 2 == 0 ? r : -r;
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
        (uint8 v, bytes32 r, bytes32 s) = _permit(signer, 500e18, now_() + 1);
        vm.prank(signer);
        tournament.stakeWithPermit(MODEL_A, 500e18, now_() + 1, v, r, s);
        vm.snapshotGasLastCall("stakeWithPermit");

        vm.prank(carol);
        tournament.fundRewards(1000e18);
        vm.snapshotGasLastCall("fundRewards");

        // No round closed: converted at once, withdrawable at once.
        vm.prank(alice);
        uint256 now1 = tournament.requestUnstake(MODEL_A, 100e18);
        vm.snapshotGasLastCall("requestUnstake/immediate");
        vm.prank(alice);
        tournament.withdraw(now1);
        vm.snapshotGasLastCall("withdraw/immediate");

        openRound(1);
        vm.snapshotGasLastCall("openRound");
        closeRound(1);
        vm.snapshotGasLastCall("closeRound");
        // A round is closed: the request waits for its result (the usual case, rounds overlap).
        vm.prank(bob);
        uint256 pending = tournament.requestUnstake(MODEL_A, 200e18);
        vm.snapshotGasLastCall("requestUnstake");
        // A stake after the close waits too.
        stakeAs(carol, MODEL_A, 1000e18);
        vm.snapshotGasLastCall("stake/first-change-after-a-close");
        scoreRatio(1, MODEL_A, 0.01e18);
        resolve(1);
        vm.snapshotGasLastCall("resolveRound");
        settleAll(1);
        finalize(1);
        vm.snapshotGasLastCall("finalizeRound");
        vm.prank(bob);
        tournament.withdraw(pending);
        vm.snapshotGasLastCall("withdraw");
        assertTrue(tournament.modelStake(MODEL_A).totalAssets > 0, "model still staked");
    }

    /// Settle batches of 1, 100 and 1000 models with no other round closed, each the whole tree.
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
            openAndClose(id);
            uint256[] memory all = new uint256[](n);
            for (uint256 i; i < n; ++i) {
                score(id, model(next + i), 0, ratioOf(id, next + i) / 2);
                all[i] = i;
            }
            resolve(id);
            settleSome(id, all);
            uint256 gas = vm.snapshotGasLastCall(string.concat(names[k], "/total"));
            vm.snapshotValue(names[k], gas / n);
            assertEq(tournament.round(id).modelsSettled, n, "settled");
            finalize(id);
            next += n;
        }
    }

    /// v1's overlap lines: a batch of 100 settled with another round closed, then the next round.
    function test_gas_overlappingRounds() public {
        uint256 n = 100;
        for (uint256 i; i < n; ++i) {
            stakeAs(alice, model(i), 1000e18);
        }
        openAndClose(1);
        openAndClose(2);
        uint256[] memory all = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            score(1, model(i), 0, ratioOf(1, i) / 2);
            score(2, model(i), 0, ratioOf(2, i) / 2);
            all[i] = i;
            if (i % 4 == 0) stakeAs(bob, model(i), 10e18); // waits for round 2
        }
        resolve(1);
        settleSome(1, all);
        vm.snapshotValue("settle/model@100/another-round-closed", vm.snapshotGasLastCall("settle@100/overlap/total") / n);
        finalize(1);
        resolve(2);
        settleSome(2, all);
        vm.snapshotValue("settle/model@100/from-history", vm.snapshotGasLastCall("settle@100/history/total") / n);
        finalize(2);
    }

    function test_gas_settle_overlap0() public {
        settleInSteadyState(0);
    }

    function test_gas_settle_overlap1() public {
        settleInSteadyState(1);
    }

    function test_gas_settle_overlap4() public {
        settleInSteadyState(4);
    }

    function test_gas_settle_overlap24() public {
        settleInSteadyState(24);
    }

    /// K + 1 rounds closed; then, three times: resolve the oldest, settle its 1000 staked models
    /// out of 2000 scored with one multiproof, finalize it, and close a new round, with stakes
    /// and unstake requests on a tenth of the models in between. The third settle is recorded.
    function settleInSteadyState(uint256 k) internal {
        // The test's own work (2000-leaf trees, setup) is no figure: gas metering is paused
        // except around the recorded settle.
        vm.pauseGasMetering();
        for (uint256 i; i < STAKED; ++i) {
            stakeAs(i % 2 == 0 ? alice : bob, model(i), 1000e18 + i * 1e18);
        }
        uint256 next = 1;
        for (; next <= k + 1; ++next) {
            openAndClose(next);
            churn(next);
        }
        uint256[] memory staked = new uint256[](STAKED);
        for (uint256 i; i < STAKED; ++i) {
            staked[i] = i;
        }
        for (uint256 id = 1; id <= 3; ++id) {
            for (uint256 i; i < SCORED; ++i) {
                score(id, model(i), int256(0.001e18 * (i % 3)) - 0.001e18, ratioOf(id, i) / 2);
            }
            resolveBatch(id, staked);
            (ITournament.ScoreLeaf[] memory ls, bytes32[] memory proof, bool[] memory flags) = proofFor(id, staked);
            vm.resumeGasMetering();
            vm.prank(admin);
            tournament.settle(id, ls, proof, flags);
            if (id == 3) {
                string memory name = string.concat("settle/model@1000/overlap-", vm.toString(k));
                uint256 gas = vm.snapshotGasLastCall(string.concat(name, "/total"));
                vm.snapshotValue(name, gas / STAKED);
            }
            vm.pauseGasMetering();
            finalize(id);
            openAndClose(next);
            churn(next);
            ++next;
        }
        vm.resumeGasMetering();
        assertEq(tournament.lastFinalizedRound(), 3, "three rounds settled");
    }

    /// Resolves with the declared figures of the staked models (one view call for all of them).
    function resolveBatch(uint256 id, uint256[] memory staked) internal {
        bytes32[] memory ids = new bytes32[](staked.length);
        for (uint256 i; i < staked.length; ++i) {
            ids[i] = model(staked[i]);
        }
        uint256[] memory sar = tournament.stakesAtRisk(id, ids);
        uint256 total;
        uint256 n;
        for (uint256 i; i < staked.length; ++i) {
            if (sar[i] == 0) continue;
            ++n;
            ITournament.ScoreLeaf memory l = scores[id][staked[i]];
            int256 p = int256(sar[i]) * expectedRatio(id, WAD, l.corr, l.mmc) / 1e18;
            if (p > 0) total += uint256(p);
        }
        resolve(id, WAD, total, n);
    }

    /// After a close: a tenth of the staked models get a deposit, a twentieth an unstake request.
    function churn(uint256 round) internal {
        for (uint256 i = round % 10; i < STAKED; i += 10) {
            stakeAs(carol, model(i), 5e18);
            if (i % 20 == round % 20) requestAs(i % 2 == 0 ? alice : bob, model(i), 2e18);
        }
    }

    /// A staker with a position stakes again, requests and withdraws with 4 other rounds closed
    /// and unresolved, after 40 rounds of the same (every ring slot reused: steady state).
    function test_gas_stakingWithFourRoundsOverlapping() public {
        address[3] memory who = [alice, bob, carol];
        for (uint256 i; i < 3; ++i) {
            stakeAs(who[i], MODEL_A, 1000e18);
        }
        uint256 aliceRequest;
        for (uint256 k = 1; k <= 40; ++k) {
            openAndClose(k);
            scoreRatio(k, MODEL_A, k % 2 == 0 ? int256(0.01e18) : -0.01e18);
            if (k > 4) complete(k - 4); // rounds k-3..k stay closed and unresolved
            if (k == 40) {
                assertEq(tournament.lastClosedRound() - tournament.lastFinalizedRound(), 4, "4 unresolved");
                assertTrue(tournament.isWithdrawable(aliceRequest), "released");
                vm.prank(alice);
                tournament.withdraw(aliceRequest);
                vm.snapshotGasLastCall("withdraw/overlap-4");
            }
            for (uint256 i = 3; i > 0; --i) {
                // bob and carol first: the key's buckets exist when alice, the measured one, comes
                stakeAs(who[i - 1], MODEL_A, 10e18);
                if (k == 40 && i == 1) vm.snapshotGasLastCall("stake/overlap-4");
            }
            for (uint256 i = 3; i > 0; --i) {
                uint256 id = requestAs(who[i - 1], MODEL_A, 5e18);
                if (k == 40 && i == 1) vm.snapshotGasLastCall("requestUnstake/overlap-4");
                if (i == 1 && k == 36) aliceRequest = id;
                else if (k < 40) withdrawLater.push(Pending(who[i - 1], id, k));
            }
            // withdraw what was released (steady state: nothing piles up)
            while (withdrawn < withdrawLater.length && withdrawLater[withdrawn].key + 4 <= k) {
                Pending memory p = withdrawLater[withdrawn++];
                vm.prank(p.who);
                tournament.withdraw(p.id);
            }
        }
    }

    struct Pending {
        address who;
        uint256 id;
        uint256 key;
    }

    Pending[] internal withdrawLater;
    uint256 internal withdrawn;

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
