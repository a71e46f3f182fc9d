// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {StakeToken} from "../src/StakeToken.sol";
import {ITournament} from "../src/ITournament.sol";
import {Tournament} from "../src/Tournament.sol";
import {Merkle} from "./utils/Merkle.sol";
import {Test} from "./utils/Test.sol";
import {Vm} from "./utils/Vm.sol";

/// @notice Shared setup and the v2 round helpers: a token, the tournament, named actors with
/// tokens and approvals, and rounds whose scores are real score leaves under a real root.
///
/// A round's scores are collected with `score`/`scoreRatio` while it is open or closed, the
/// root is built from them at `resolve` (which also declares the total positive payout and the
/// number of models at risk, from `stakeAtRisk`, exact then), and `settleAll`/`settleSome` send
/// the leaves with an OpenZeppelin multiproof.
abstract contract BaseTest is Test {
    StakeToken internal token;
    Tournament internal tournament;
    address internal admin;
    address internal alice;
    address internal bob;
    address internal carol;
    address internal dave;
    bytes32 internal constant MODEL_A = keccak256("model-a");
    bytes32 internal constant MODEL_B = keccak256("model-b");
    bytes32 internal constant MODEL_C = keccak256("model-c");
    uint256 internal constant WAD = 1e18;
    uint256 internal constant POOL = 1_000_000e18;
    uint256 internal constant START = 1_750_000_000;
    address internal constant DEAD = 0x000000000000000000000000000000000000dEaD;

    /// The published score leaves of each round, in the order they were added.
    mapping(uint256 roundId => ITournament.ScoreLeaf[]) internal scores;

    function setUp() public virtual {
        vm.warp(START);
        admin = makeAddr("admin");
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        carol = makeAddr("carol");
        dave = makeAddr("dave");
        token = new StakeToken(admin);
        tournament = new Tournament(token, admin);
        address[5] memory everyone = [admin, alice, bob, carol, dave];
        for (uint256 i; i < everyone.length; ++i) {
            vm.prank(admin);
            token.mint(everyone[i], 10_000_000e18);
            vm.prank(everyone[i]);
            token.approve(address(tournament), type(uint256).max);
        }
        vm.prank(admin);
        tournament.fundRewards(POOL);
    }

    /// A fresh tournament on the same token with `pool` in its reward pool (approvals renewed).
    function redeploy(uint256 pool) internal {
        tournament = new Tournament(token, admin);
        address[5] memory everyone = [admin, alice, bob, carol, dave];
        for (uint256 i; i < everyone.length; ++i) {
            vm.prank(everyone[i]);
            token.approve(address(tournament), type(uint256).max);
        }
        if (pool > 0) {
            vm.prank(admin);
            tournament.fundRewards(pool);
        }
    }

    function now_() internal view returns (uint256) {
        return vm.getBlockTimestamp();
    }

    /// Numerai's parameters: 0.5 x CORR + 2 x MMC, cap 5%, threshold 72,000 tokens; resolves
    /// four weeks after opening.
    function params() internal view returns (ITournament.RoundParams memory) {
        return ITournament.RoundParams({
            closesAt: uint64(now_() + 2 days),
            resolvesAt: uint64(now_() + 28 days),
            payoutCap: 0.05e18,
            corrMultiplier: 0.5e18,
            mmcMultiplier: 2e18,
            stakeThreshold: 72_000e18
        });
    }

    /* STAKING */

    function stakeAs(address who, bytes32 model, uint256 amount) internal {
        vm.prank(who);
        tournament.stake(model, amount);
    }

    function requestAs(address who, bytes32 model, uint256 amount) internal returns (uint256 id) {
        vm.prank(who);
        id = tournament.requestUnstake(model, amount);
    }

    /// Withdraws and returns what the staker received.
    function withdrawAs(address who, uint256 requestId) internal returns (uint256 got) {
        uint256 before = token.balanceOf(who);
        vm.prank(who);
        tournament.withdraw(requestId);
        got = token.balanceOf(who) - before;
    }

    /// Requests every share and withdraws at once (no round pending); returns what arrived.
    /// Unstakes and withdraws every share `who` holds (nothing when it holds none).
    function exitAll(address who, bytes32 model) internal returns (uint256) {
        (uint256 held,) = tournament.positionOf(model, who);
        if (held == 0) return 0;
        uint256 id = requestAs(who, model, type(uint256).max);
        return withdrawAs(who, id);
    }

    /* ROUNDS */

    function openRound(uint256 id) internal {
        openRound(id, params());
    }

    function openRound(uint256 id, ITournament.RoundParams memory p) internal {
        vm.prank(admin);
        tournament.openRound(id, keccak256(abi.encode("live", id)), p);
    }

    function closeRound(uint256 id) internal {
        vm.prank(admin);
        tournament.closeRound(id, keccak256(abi.encode("subs", id)));
    }

    function openAndClose(uint256 id) internal {
        openRound(id);
        closeRound(id);
    }

    /// Adds a published score leaf to round `id`.
    function score(uint256 id, bytes32 model, int256 corr, int256 mmc) internal {
        scores[id].push(ITournament.ScoreLeaf(model, corr, mmc));
    }

    /// A leaf whose ratio under `params()` with payout factor 1 is `ratio` (even): CORR 0, MMC
    /// ratio / 2 (2 x MMC).
    function scoreRatio(uint256 id, bytes32 model, int256 ratio) internal {
        require(ratio % 2 == 0, "scoreRatio: odd ratio");
        score(id, model, 0, ratio / 2);
    }

    function scoresRoot(uint256 id) internal view returns (bytes32) {
        if (scores[id].length == 0) return bytes32(0);
        return Merkle.root(Merkle.scoreTree(scores[id]));
    }

    /// The ratio the rules give (R4), computed here from the round's parameters.
    function expectedRatio(uint256 id, uint256 factor, int256 corr, int256 mmc) internal view returns (int256 r) {
        ITournament.RoundParams memory p = tournament.round(id).params;
        int256 s = (int256(p.corrMultiplier) * corr + int256(p.mmcMultiplier) * mmc) / 1e18;
        r = int256(factor) * s / 1e18;
        int256 cap = int256(p.payoutCap);
        if (r > cap) r = cap;
        if (r < -cap) r = -cap;
    }

    /// Sum of positive payouts and number of models at risk of round `id`'s leaves, now.
    function declared(uint256 id, uint256 factor) internal view returns (uint256 total, uint256 atRisk) {
        ITournament.ScoreLeaf[] storage ls = scores[id];
        for (uint256 i; i < ls.length; ++i) {
            uint256 sar = tournament.stakeAtRisk(id, ls[i].modelId);
            if (sar == 0) continue;
            ++atRisk;
            int256 p = int256(sar) * expectedRatio(id, factor, ls[i].corr, ls[i].mmc) / 1e18;
            if (p > 0) total += uint256(p);
        }
    }

    function resolve(uint256 id) internal {
        resolve(id, WAD);
    }

    function resolve(uint256 id, uint256 factor) internal {
        (uint256 total, uint256 atRisk) = declared(id, factor);
        resolve(id, factor, total, atRisk);
    }

    function resolve(uint256 id, uint256 factor, uint256 totalPositive, uint256 modelsAtRisk) internal {
        vm.prank(admin);
        tournament.resolveRound(
            id, keccak256(abi.encode("targets", id)), scoresRoot(id), factor, totalPositive, modelsAtRisk
        );
    }

    /// Settles every leaf of round `id` with stake at risk, in one multiproof.
    function settleAll(uint256 id) internal {
        uint256[] memory pick = unsettled(id);
        if (pick.length > 0) settleSome(id, pick);
    }

    /// The multiproof settleAll would send (to call `settle` right after an expectRevert).
    function settleAllArgs(uint256 id)
        internal
        view
        returns (ITournament.ScoreLeaf[] memory, bytes32[] memory, bool[] memory)
    {
        return proofFor(id, unsettled(id));
    }

    /// Indices of round `id`'s leaves with stake at risk not settled yet.
    function unsettled(uint256 id) internal view returns (uint256[] memory pick) {
        ITournament.ScoreLeaf[] storage ls = scores[id];
        pick = new uint256[](ls.length);
        uint256 n;
        for (uint256 i; i < ls.length; ++i) {
            if (tournament.isSettled(id, ls[i].modelId)) continue;
            if (tournament.stakeAtRisk(id, ls[i].modelId) > 0) pick[n++] = i;
        }
        assembly ("memory-safe") {
            mstore(pick, n)
        }
    }

    /// Settles the leaves `which` (indices into the round's leaves) in one multiproof.
    function settleSome(uint256 id, uint256[] memory which) internal {
        (ITournament.ScoreLeaf[] memory ls, bytes32[] memory proof, bool[] memory flags) = proofFor(id, which);
        vm.prank(admin);
        tournament.settle(id, ls, proof, flags);
    }

    function settleOne(uint256 id, uint256 index) internal {
        uint256[] memory which = new uint256[](1);
        which[0] = index;
        settleSome(id, which);
    }

    function proofFor(uint256 id, uint256[] memory which)
        internal
        view
        returns (ITournament.ScoreLeaf[] memory ls, bytes32[] memory proof, bool[] memory flags)
    {
        ITournament.ScoreLeaf[] memory all = scores[id];
        Merkle.Tree memory t = Merkle.scoreTree(all);
        Merkle.MultiProof memory m = Merkle.multiProof(t, which);
        return (Merkle.leavesOf(m, all), m.proof, m.flags);
    }

    function finalize(uint256 id) internal {
        vm.prank(carol);
        tournament.finalizeRound(id);
    }

    /// Resolves with the collected leaves, settles them all and finalizes.
    function complete(uint256 id) internal {
        resolve(id);
        settleAll(id);
        finalize(id);
    }

    /// A whole round on one model: open, close, resolve with `ratio`, settle, finalize.
    function runRound(uint256 id, bytes32 model, int256 ratio) internal {
        openAndClose(id);
        scoreRatio(id, model, ratio);
        complete(id);
    }

    /// Warps to the round's cancellation time and cancels it as a stranger.
    function cancel(uint256 id) internal {
        uint256 at = tournament.cancellableAt(id);
        if (now_() < at) vm.warp(at);
        vm.prank(makeAddr("stranger"));
        tournament.cancelRound(id);
    }

    /* EVENTS */

    bytes32 internal constant MODEL_SETTLED = keccak256("ModelSettled(uint256,bytes32,uint256,int256,int256)");

    struct Settled {
        uint256 stakeAtRisk;
        int256 ratio;
        int256 payout;
    }

    /// Settles every leaf with stake at risk and returns what ModelSettled said for `model`.
    function settleAllFor(uint256 id, bytes32 model) internal returns (Settled memory s) {
        vm.recordLogs();
        settleAll(id);
        s = settledIn(vm.getRecordedLogs(), id, model);
    }

    function settledIn(Vm.Log[] memory logs, uint256 id, bytes32 model) internal view returns (Settled memory s) {
        for (uint256 i; i < logs.length; ++i) {
            Vm.Log memory l = logs[i];
            if (
                l.emitter == address(tournament) && l.topics.length == 3 && l.topics[0] == MODEL_SETTLED
                    && uint256(l.topics[1]) == id && l.topics[2] == model
            ) {
                (s.stakeAtRisk, s.ratio, s.payout) = abi.decode(l.data, (uint256, int256, int256));
                return s;
            }
        }
        revert("no ModelSettled event for the model");
    }

    /// Index of the first log of `emitter` with topic0 `sig` (type(uint256).max: none).
    function logIndex(Vm.Log[] memory logs, bytes32 sig) internal view returns (uint256) {
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == address(tournament) && logs[i].topics[0] == sig) return i;
        }
        return type(uint256).max;
    }

    /* VIEWS AND ARITHMETIC */

    function assets(bytes32 model) internal view returns (uint256) {
        return tournament.modelStake(model).totalAssets;
    }

    function shares(bytes32 model) internal view returns (uint256) {
        return tournament.modelStake(model).totalShares;
    }

    function sharesOf(bytes32 model, address who) internal view returns (uint256 s) {
        (s,) = tournament.positionOf(model, who);
    }

    function valueOf(bytes32 model, address who) internal view returns (uint256 v) {
        (, v) = tournament.positionOf(model, who);
    }

    /// Shares for a deposit (R10: one virtual share and asset, rounding down).
    function toShares(uint256 a, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(a, totalShares + 1, totalAssets + 1);
    }

    /// Shares to burn for an unstake of `a` tokens (rounding up).
    function toSharesUp(uint256 a, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(a, totalShares + 1, totalAssets + 1, Math.Rounding.Ceil);
    }

    /// Tokens for shares (rounding down).
    function toAssets(uint256 s, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(s, totalAssets + 1, totalShares + 1);
    }

    /// The books of R11: what the contract must hold, from its views, once every due join and
    /// exit of the three models is applied (poke) so the global views are exact too.
    function books() internal returns (uint256) {
        tournament.poke(MODEL_A, address(0));
        tournament.poke(MODEL_B, address(0));
        tournament.poke(MODEL_C, address(0));
        return tournament.rewardPool() + tournament.reservedRewards() + tournament.releasedAssets()
            + holdings(MODEL_A) + holdings(MODEL_B) + holdings(MODEL_C);
    }

    /// A model's pool assets plus its deposits waiting to join.
    function holdings(bytes32 model) internal view returns (uint256) {
        ITournament.ModelStake memory m = tournament.modelStake(model);
        return m.totalAssets + m.waitingAssets;
    }
}
