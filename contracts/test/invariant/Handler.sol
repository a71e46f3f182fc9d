// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StakeToken} from "../../src/StakeToken.sol";
import {ITournament} from "../../src/ITournament.sol";
import {Tournament} from "../../src/Tournament.sol";
import {Merkle} from "../utils/Merkle.sol";
import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";

/// @notice Drives the tournament through bounded random sequences for the invariant runner:
/// several stakers and models through stake, requestUnstake, withdraw, poke and fundRewards, and
/// rounds through open/close, resolve (with a real scores root over the handler's leaves),
/// settle (random batches with multiproofs), finalize, cancel (after a warp) and pause/unpause.
///
/// Rounds run in cycles: the handler fills up to `target` closed unresolved rounds (every call
/// opens and closes one more, so each run reaches 25, recorded in `maxOverlap`), then drains.
/// It holds every role and only makes calls that must succeed; calls that must revert (a
/// second settlement) are tried and a success is recorded as a violation, as are ghost checks
/// that fail at settle time (shares at risk, stake at risk figures).
contract Handler is Test {
    uint256 internal constant ACTORS = 4;
    /// Staked models; the trees also hold one more scored model nobody stakes.
    uint256 internal constant MODELS = 3;
    uint256 public constant FILL_TARGET = 25;
    bytes32 internal constant MODEL_SETTLED_SIG = keccak256("ModelSettled(uint256,bytes32,uint256,int256,int256)");

    StakeToken public token;
    Tournament public tournament;
    address[ACTORS] internal actors;
    bytes32[MODELS + 1] internal models;

    struct Req {
        uint256 id;
        uint256 actor;
        uint256 model;
        uint256 shares;
        /// Seq of the round whose result releases it (0: released at request).
        uint256 keySeq;
        bool withdrawn;
    }

    Req[] internal reqs;
    /// Round ids in opening order (seq - 1).
    uint256[] public rounds;
    uint256 public closedCount;
    uint256 public finalizedCount;
    mapping(uint256 roundId => ITournament.ScoreLeaf[]) internal leaves;
    mapping(uint256 roundId => mapping(uint256 model => uint256)) public settleCount;
    /// Rounds closed and unfinalized the fill phase aims at; 0 once draining.
    uint256 public target = FILL_TARGET;

    /* GHOSTS */
    uint256 public maxOverlap;
    uint256 public calls;
    uint256 public settles;
    uint256 public cancels;
    uint256 public funded;
    /// Set when a call that must revert succeeded, or a ghost check failed.
    string public violation;

    constructor() {
        token = new StakeToken(address(this));
        tournament = new Tournament(token, address(this));
        for (uint256 i; i < ACTORS; ++i) {
            actors[i] = makeAddr(string.concat("actor", vm.toString(i)));
            vm.prank(actors[i]);
            token.approve(address(tournament), type(uint256).max);
        }
        for (uint256 m; m <= MODELS; ++m) {
            models[m] = keccak256(abi.encode("invariant-model", m));
        }
        token.approve(address(tournament), type(uint256).max);
        token.mint(address(this), 1_000_000e18);
        tournament.fundRewards(1_000_000e18);
        funded = 1_000_000e18;
    }

    function actor(uint256 i) external view returns (address) {
        return actors[i];
    }

    function model(uint256 m) external view returns (bytes32) {
        return models[m];
    }

    function actorCount() external pure returns (uint256) {
        return ACTORS;
    }

    function modelCount() external pure returns (uint256) {
        return MODELS;
    }

    function roundCount() external view returns (uint256) {
        return rounds.length;
    }

    function requestCount() external view returns (uint256) {
        return reqs.length;
    }

    function request(uint256 i) external view returns (Req memory) {
        return reqs[i];
    }

    function overlap() public view returns (uint256) {
        return closedCount - finalizedCount;
    }

    /// Every action: time passes, and in the fill phase one more round opens and closes.
    modifier step(uint256 seed) {
        ++calls;
        vm.warp(vm.getBlockTimestamp() + 1 hours + (seed % 1 days));
        if (target != 0 && !tournament.paused()) {
            if (overlap() < target && overlap() < tournament.MAX_OVERLAP()) _openAndClose(seed);
            if (overlap() >= target) target = 0;
        }
        _;
        if (overlap() > maxOverlap) maxOverlap = overlap();
    }

    /* STAKING */

    function stake(uint256 actorSeed, uint256 modelSeed, uint256 amount) external step(amount) {
        if (tournament.paused()) return;
        uint256 a = actorSeed % ACTORS;
        uint256 m = modelSeed % MODELS;
        amount = bound(amount, 1e9, 100_000e18);
        ITournament.ModelStake memory ms = tournament.modelStake(models[m]);
        // Must buy a share at the current price.
        if (amount * (ms.totalShares + 1) / (ms.totalAssets + 1) == 0) return;
        token.mint(actors[a], amount);
        vm.prank(actors[a]);
        tournament.stake(models[m], amount);
    }

    function requestUnstake(uint256 actorSeed, uint256 modelSeed, uint256 amount, bool all) external step(amount) {
        uint256 a = actorSeed % ACTORS;
        uint256 m = modelSeed % MODELS;
        (uint256 owned, uint256 value) = tournament.positionOf(models[m], actors[a]);
        if (owned == 0 || (!all && value == 0)) return;
        amount = all ? type(uint256).max : bound(amount, 1, value);
        vm.prank(actors[a]);
        uint256 id = tournament.requestUnstake(models[m], amount);
        ITournament.UnstakeRequest memory r = tournament.unstakeRequest(id);
        uint256 keySeq = r.releaseRound == 0 ? 0 : tournament.round(r.releaseRound).seq;
        reqs.push(Req(id, a, m, r.shares, keySeq, false));
    }

    function withdraw(uint256 seed) external step(seed) {
        uint256 n = reqs.length;
        if (n == 0) return;
        for (uint256 k; k < n; ++k) {
            Req storage q = reqs[(seed % n + k) % n];
            if (q.withdrawn || !tournament.isWithdrawable(q.id)) continue;
            vm.prank(actors[q.actor]);
            tournament.withdraw(q.id);
            q.withdrawn = true;
            return;
        }
    }

    function poke(uint256 modelSeed, uint256 actorSeed) external step(modelSeed) {
        tournament.poke(models[modelSeed % MODELS], actors[actorSeed % ACTORS]);
    }

    function fundRewards(uint256 amount) external step(amount) {
        amount = bound(amount, 1, 10_000e18);
        token.mint(address(this), amount);
        tournament.fundRewards(amount);
        funded += amount;
    }

    /// Pauses one time in three when allowed (never while filling), unpauses otherwise.
    function togglePause(uint256 seed) external step(seed) {
        if (tournament.paused()) {
            tournament.unpause();
            return;
        }
        uint256 until = tournament.pausedUntil();
        if (target != 0 || seed % 3 != 0) return;
        if (until != 0 && vm.getBlockTimestamp() < until + tournament.PAUSE_COOLDOWN()) return;
        tournament.pause();
    }

    /* ROUNDS */

    function openAndClose(uint256 seed) external step(seed) {
        if (tournament.paused() || overlap() >= tournament.MAX_OVERLAP()) return;
        _openAndClose(seed);
    }

    /// Resolves the next round to finalize with leaves drawn now (stakes at risk are exact).
    function resolve(uint256 seed, uint256 pad) external step(seed) {
        if (target != 0 || tournament.paused() || finalizedCount >= closedCount) return;
        uint256 id = rounds[finalizedCount];
        if (tournament.round(id).status != ITournament.RoundStatus.Closed) return;
        _resolve(id, seed, pad);
    }

    /// Settles a random subset of the resolved round's unsettled models in one multiproof, then
    /// tries one of them again (must revert).
    function settle(uint256 subset) external step(subset) {
        if (tournament.paused() || finalizedCount >= closedCount) return;
        uint256 id = rounds[finalizedCount];
        if (tournament.round(id).status != ITournament.RoundStatus.Resolved) return;
        uint256[] memory pick = new uint256[](MODELS);
        uint256 n;
        for (uint256 m; m < MODELS; ++m) {
            if ((subset >> m) & 1 == 1 && settleCount[id][m] == 0 && _atRisk(id, m)) pick[n++] = m;
        }
        if (n == 0) return;
        assembly ("memory-safe") {
            mstore(pick, n)
        }
        _settle(id, pick);
        uint256 again = pick[subset % n];
        uint256[] memory one = new uint256[](1);
        one[0] = again;
        (ITournament.ScoreLeaf[] memory ls, bytes32[] memory proof, bool[] memory flags) = _proof(id, one);
        try tournament.settle(id, ls, proof, flags) {
            violation = "a model settled twice";
        } catch {}
    }

    function finalize(uint256 seed) external step(seed) {
        if (finalizedCount >= closedCount) return;
        uint256 id = rounds[finalizedCount];
        ITournament.Round memory r = tournament.round(id);
        if (r.status != ITournament.RoundStatus.Resolved || r.modelsSettled != r.modelsAtRisk) return;
        if (r.declared != r.totalPositivePayout) return; // padded: only cancellation ends it
        vm.prank(actors[seed % ACTORS]);
        tournament.finalizeRound(id);
        ++finalizedCount;
        _refill(seed);
    }

    /// Warps to the next round's cancellation time and cancels it (one call in four).
    function cancel(uint256 seed) external step(seed) {
        if (target != 0 || seed % 4 != 0 || finalizedCount >= closedCount) return;
        uint256 id = rounds[finalizedCount];
        uint256 at = tournament.cancellableAt(id);
        if (vm.getBlockTimestamp() < at) vm.warp(at);
        vm.prank(actors[seed % ACTORS]);
        tournament.cancelRound(id);
        ++finalizedCount;
        ++cancels;
        _refill(seed);
    }

    /* END STATE */

    /// Closes, resolves, settles and finalizes every round; every actor then unstakes all and
    /// withdraws every request.
    function drainAll() external {
        target = 0;
        uint256 until = tournament.pausedUntil();
        if (vm.getBlockTimestamp() < until) vm.warp(until);
        while (closedCount < rounds.length) {
            if (overlap() >= tournament.MAX_OVERLAP()) _completeNext();
            tournament.closeRound(rounds[closedCount], bytes32(rounds[closedCount]));
            ++closedCount;
        }
        while (finalizedCount < closedCount) {
            _completeNext();
        }
        for (uint256 a; a < ACTORS; ++a) {
            for (uint256 m; m < MODELS; ++m) {
                tournament.poke(models[m], actors[a]);
                (uint256 owned,) = tournament.positionOf(models[m], actors[a]);
                if (owned == 0) continue;
                vm.prank(actors[a]);
                uint256 id = tournament.requestUnstake(models[m], type(uint256).max);
                reqs.push(Req(id, a, m, owned, 0, false));
            }
        }
        for (uint256 i; i < reqs.length; ++i) {
            if (reqs[i].withdrawn) continue;
            vm.prank(actors[reqs[i].actor]);
            tournament.withdraw(reqs[i].id);
            reqs[i].withdrawn = true;
        }
    }

    /* INTERNAL */

    function _refill(uint256 seed) internal {
        if (overlap() == 0) target = 1 + seed % FILL_TARGET;
    }

    function _openAndClose(uint256 seed) internal {
        uint256 id = tournament.latestRound() + 1 + seed % 3;
        uint256 now_ = vm.getBlockTimestamp();
        ITournament.RoundParams memory p = ITournament.RoundParams({
            closesAt: uint64(now_),
            resolvesAt: uint64(now_ + 28 days),
            payoutCap: bound(seed >> 8, 0, 0.25e18),
            corrMultiplier: 0.5e18,
            mmcMultiplier: 2e18,
            stakeThreshold: 72_000e18
        });
        tournament.openRound(id, bytes32(id), p);
        rounds.push(id);
        tournament.closeRound(id, bytes32(id));
        ++closedCount;
    }

    function _completeNext() internal {
        uint256 id = rounds[finalizedCount];
        if (tournament.round(id).status == ITournament.RoundStatus.Closed) {
            _resolve(id, uint256(keccak256(abi.encode(id))), 1);
        }
        uint256[] memory pick = new uint256[](MODELS);
        uint256 n;
        for (uint256 m; m < MODELS; ++m) {
            if (settleCount[id][m] == 0 && _atRisk(id, m)) pick[n++] = m;
        }
        assembly ("memory-safe") {
            mstore(pick, n)
        }
        if (n > 0) _settle(id, pick);
        ITournament.Round memory r = tournament.round(id);
        if (r.declared == r.totalPositivePayout) {
            tournament.finalizeRound(id);
        } else {
            uint256 at = tournament.cancellableAt(id);
            if (vm.getBlockTimestamp() < at) vm.warp(at);
            tournament.cancelRound(id);
        }
        ++finalizedCount;
    }

    function _atRisk(uint256 id, uint256 m) internal view returns (bool) {
        return tournament.stakeAtRisk(id, models[m]) > 0;
    }

    function _resolve(uint256 id, uint256 seed, uint256 pad) internal {
        uint256 factor = bound(seed >> 16, 0.5e18, 1e18);
        uint256 total;
        uint256 atRisk;
        delete leaves[id];
        for (uint256 m; m <= MODELS; ++m) {
            uint256 h = uint256(keccak256(abi.encode(seed, m)));
            int256 corr = boundInt(int256(h), -0.2e18, 0.2e18);
            int256 mmc = boundInt(int256(h >> 128), -0.1e18, 0.1e18);
            leaves[id].push(ITournament.ScoreLeaf(models[m], corr, mmc));
            uint256 sar = tournament.stakeAtRisk(id, models[m]);
            if (sar == 0) continue;
            ++atRisk;
            // payoutRatio would use a factor of 1 before resolution: apply the one posted now
            int256 p = _withFactor(id, factor, corr, mmc, sar);
            if (p > 0) total += uint256(p);
        }
        // Sometimes declare more than the payouts: the round cannot be finalized (R7) and is
        // cancelled after the grace period, its unpaid reserve back to the pool.
        if (pad % 5 == 0) total += bound(pad, 1, 50_000e18);
        tournament.resolveRound(id, bytes32(id), Merkle.root(Merkle.scoreTree(leaves[id])), factor, total, atRisk);
    }

    function _withFactor(uint256 id, uint256 factor, int256 corr, int256 mmc, uint256 sar)
        internal
        view
        returns (int256)
    {
        ITournament.RoundParams memory p = tournament.round(id).params;
        int256 s = (int256(p.corrMultiplier) * corr + int256(p.mmcMultiplier) * mmc) / 1e18;
        int256 r = int256(factor) * s / 1e18;
        int256 cap = int256(p.payoutCap);
        if (r > cap) r = cap;
        if (r < -cap) r = -cap;
        return int256(sar) * r / 1e18;
    }

    function _proof(uint256 id, uint256[] memory which)
        internal
        view
        returns (ITournament.ScoreLeaf[] memory, bytes32[] memory, bool[] memory)
    {
        ITournament.ScoreLeaf[] memory all = leaves[id];
        Merkle.MultiProof memory mp = Merkle.multiProof(Merkle.scoreTree(all), which);
        return (Merkle.leavesOf(mp, all), mp.proof, mp.flags);
    }

    /// Settles `pick` (model indices) and checks, per model, that the pool's shares are exactly
    /// the shares at risk in the round (stakers' joined shares plus requested shares keyed at
    /// or after it) and that the settled stake at risk is the one read before.
    function _settle(uint256 id, uint256[] memory pick) internal {
        uint256 seq = tournament.round(id).seq;
        uint256[] memory sar = new uint256[](pick.length);
        for (uint256 i; i < pick.length; ++i) {
            uint256 m = pick[i];
            sar[i] = tournament.stakeAtRisk(id, models[m]);
            ITournament.ModelStake memory ms = tournament.modelStake(models[m]);
            uint256 atRiskShares;
            for (uint256 a; a < ACTORS; ++a) {
                (uint256 s,) = tournament.positionOf(models[m], actors[a]);
                atRiskShares += s;
            }
            for (uint256 r; r < reqs.length; ++r) {
                if (reqs[r].model == m && reqs[r].keySeq >= seq) atRiskShares += reqs[r].shares;
            }
            if (atRiskShares != ms.totalShares) violation = "pool shares differ from the shares at risk";
            if (sar[i] != ms.totalAssets) violation = "stakeAtRisk differs from the pool's assets";
        }
        (ITournament.ScoreLeaf[] memory ls, bytes32[] memory proof, bool[] memory flags) = _proof(id, pick);
        vm.recordLogs();
        tournament.settle(id, ls, proof, flags);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < pick.length; ++i) {
            ++settleCount[id][pick[i]];
            ++settles;
            bool seen;
            for (uint256 l; l < logs.length; ++l) {
                if (logs[l].topics[0] != MODEL_SETTLED_SIG || logs[l].topics[2] != models[pick[i]]) continue;
                (uint256 settledStake,,) = abi.decode(logs[l].data, (uint256, int256, int256));
                if (settledStake != sar[i]) violation = "settled stake at risk differs from stakeAtRisk";
                seen = true;
            }
            if (!seen) violation = "no ModelSettled event";
        }
    }
}
