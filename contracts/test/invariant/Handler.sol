// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StakeToken} from "../../src/StakeToken.sol";
import {ITournament} from "../../src/ITournament.sol";
import {Tournament} from "../../src/Tournament.sol";
import {Test} from "../utils/Test.sol";
import {Vm} from "../utils/Vm.sol";

/// @notice Drives the tournament through bounded random sequences for the invariant runner. It
/// holds every role (it deployed the contracts) and only makes calls that must succeed; calls
/// that must revert (while paused, a second settlement) are tried and a success is recorded as a
/// violation. Ghost variables mirror what the contract should hold.
contract Handler is Test {
    uint256 internal constant ACTORS = 4;
    uint256 internal constant MODELS = 3;
    bytes32 internal constant MODEL_SETTLED_SIG = keccak256("ModelSettled(uint256,bytes32,uint256,int256,int256)");

    StakeToken public token;
    Tournament public tournament;
    address[ACTORS] internal actors;
    bytes32[MODELS] internal models;

    struct Req {
        uint256 id;
        uint256 actor;
        uint256 model;
        uint256 shares;
        /// Round id whose finalization releases it (0: converted at request).
        uint256 releaseRound;
        bool withdrawn;
    }

    Req[] internal reqs;
    /// Round ids in opening order; rounds[finalizedCount] is the next to settle and finalize.
    uint256[] public rounds;
    uint256 public finalizedCount;
    mapping(uint256 roundId => int256[MODELS]) internal plannedRatio;
    mapping(uint256 roundId => mapping(uint256 model => uint256)) public settleCount;

    /* GHOSTS */
    mapping(uint256 actor => uint256) public deposited;
    mapping(uint256 actor => uint256) public withdrawn;
    /// Upper bound of what an actor may take out: deposits, plus its pro rata share of payouts
    /// rounded up, minus its share of burns rounded down.
    mapping(uint256 actor => int256) public entitled;
    uint256 public totalDeposited;
    uint256 public totalWithdrawn;
    uint256 public totalPaid;
    uint256 public totalBurnt;
    uint256 public funded;
    uint256 public calls;
    /// Set when a call that must revert succeeded.
    string public violation;

    constructor() {
        token = new StakeToken(address(this));
        tournament = new Tournament(token, address(this));
        for (uint256 i; i < ACTORS; ++i) {
            actors[i] = makeAddr(string.concat("actor", vm.toString(i)));
            vm.prank(actors[i]);
            token.approve(address(tournament), type(uint256).max);
        }
        for (uint256 m; m < MODELS; ++m) {
            models[m] = keccak256(abi.encode("invariant-model", m));
        }
        token.approve(address(tournament), type(uint256).max);
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

    /* STAKING */

    function stake(uint256 actorSeed, uint256 modelSeed, uint256 amount) external {
        ++calls;
        uint256 a = actorSeed % ACTORS;
        uint256 m = modelSeed % MODELS;
        amount = bound(amount, 1e9, 1_000_000e18);
        if (tournament.paused()) {
            token.mint(actors[a], amount);
            vm.prank(actors[a]);
            try tournament.stake(models[m], amount) {
                violation = "stake while paused";
            } catch {}
            return;
        }
        (uint256 assets, uint256 shares,) = tournament.modelStake(models[m]);
        // Must buy a share (a heavily burnt pool has a low price, a paid one a high one).
        if (amount * (shares + 1) / (assets + 1) == 0) return;
        token.mint(actors[a], amount);
        vm.prank(actors[a]);
        tournament.stake(models[m], amount);
        deposited[a] += amount;
        entitled[a] += int256(amount);
        totalDeposited += amount;
    }

    function requestUnstake(uint256 actorSeed, uint256 modelSeed, uint256 amount, bool all) external {
        ++calls;
        uint256 a = actorSeed % ACTORS;
        uint256 m = modelSeed % MODELS;
        (uint256 owned, uint256 value) = tournament.positionOf(models[m], actors[a]);
        if (tournament.paused()) {
            vm.prank(actors[a]);
            try tournament.requestUnstake(models[m], type(uint256).max) {
                violation = "requestUnstake while paused";
            } catch {}
            return;
        }
        if (owned == 0 || (!all && value == 0)) return;
        if (all) amount = type(uint256).max;
        else amount = bound(amount, 1, value);
        vm.prank(actors[a]);
        uint256 id = tournament.requestUnstake(models[m], amount);
        ITournament.UnstakeRequest memory r = tournament.unstakeRequest(id);
        reqs.push(Req(id, a, m, r.shares, r.releaseRound, false));
    }

    function withdraw(uint256 seed) external {
        ++calls;
        uint256 n = reqs.length;
        if (n == 0) return;
        // The first withdrawable request from a random start.
        for (uint256 k; k < n; ++k) {
            Req storage q = reqs[(seed % n + k) % n];
            if (q.withdrawn || !tournament.isWithdrawable(q.id)) continue;
            address who = actors[q.actor];
            uint256 before = token.balanceOf(who);
            vm.prank(who);
            tournament.withdraw(q.id);
            uint256 got = token.balanceOf(who) - before;
            q.withdrawn = true;
            withdrawn[q.actor] += got;
            totalWithdrawn += got;
            return;
        }
    }

    function fundRewards(uint256 amount) external {
        ++calls;
        amount = bound(amount, 1, 100_000e18);
        token.mint(address(this), amount);
        tournament.fundRewards(amount);
        funded += amount;
    }

    /// Unpauses when paused; pauses one time in four otherwise (so most sequences make progress).
    function togglePause(uint256 seed) external {
        ++calls;
        if (tournament.paused()) tournament.unpause();
        else if (seed % 4 == 0) tournament.pause();
    }

    /* ROUNDS */

    function openRound(uint256 gap, uint256 cap) external {
        ++calls;
        // At most four unfinalized rounds at a time (they overlap, as in production).
        if (rounds.length - finalizedCount >= 4) return;
        uint256 id = tournament.latestRound() + bound(gap, 1, 3);
        ITournament.RoundParams memory p = ITournament.RoundParams({
            closesAt: 0,
            resolvesAt: 0,
            payoutCap: bound(cap, 0, 0.3e18),
            corrMultiplier: 1e18,
            mmcMultiplier: 1e18,
            stakeThreshold: 0
        });
        if (tournament.paused()) {
            try tournament.openRound(id, bytes32(id), p) {
                violation = "openRound while paused";
            } catch {}
            return;
        }
        tournament.openRound(id, bytes32(id), p);
        rounds.push(id);
    }

    function closeRound(uint256 seed) external {
        ++calls;
        (bool found, uint256 id) = _pick(seed, ITournament.RoundStatus.Open);
        if (!found) return;
        if (tournament.paused()) {
            try tournament.closeRound(id, bytes32(id)) {
                violation = "closeRound while paused";
            } catch {}
            return;
        }
        tournament.closeRound(id, bytes32(id));
    }

    /// Resolves a closed round, planning each model's ratio now (stakes at risk are fixed) so the
    /// declared positive total is exact, or padded to exercise the pro rata rule.
    function resolveRound(uint256 seed, uint256 pad) external {
        ++calls;
        (bool found, uint256 id) = _pick(seed, ITournament.RoundStatus.Closed);
        if (!found) return;
        if (tournament.paused()) {
            try tournament.resolveRound(id, bytes32(0), bytes32(0), 0) {
                violation = "resolveRound while paused";
            } catch {}
            return;
        }
        int256 cap = int256(tournament.round(id).params.payoutCap);
        uint256 total;
        for (uint256 m; m < MODELS; ++m) {
            int256 r = boundInt(int256(uint256(keccak256(abi.encode(seed, m)))), -cap, cap);
            plannedRatio[id][m] = r;
            int256 p = int256(tournament.stakeAtRisk(id, models[m])) * r / 1e18;
            if (p > 0) total += uint256(p);
        }
        total += bound(pad, 0, 1_000_000e18) * (pad % 3 == 0 ? 1 : 0);
        tournament.resolveRound(id, bytes32(id), bytes32(id), total);
    }

    /// Settles a random subset of the next round's unsettled models, then tries to settle one of
    /// them again (must revert).
    function settle(uint256 subset) external {
        ++calls;
        if (finalizedCount >= rounds.length) return;
        uint256 id = rounds[finalizedCount];
        if (tournament.round(id).status != ITournament.RoundStatus.Resolved) return;
        if (tournament.paused()) {
            try tournament.settle(id, new bytes32[](0), new int256[](0)) {
                violation = "settle while paused";
            } catch {}
            return;
        }
        uint256 n;
        uint256[MODELS] memory pick;
        for (uint256 m; m < MODELS; ++m) {
            if ((subset >> m) & 1 == 1 && settleCount[id][m] == 0) pick[n++] = m;
        }
        bytes32[] memory ids = new bytes32[](n);
        int256[] memory ratios = new int256[](n);
        for (uint256 k; k < n; ++k) {
            ids[k] = models[pick[k]];
            ratios[k] = plannedRatio[id][pick[k]];
        }
        // Holdings before the call: pending shares count until their release round is final.
        uint256[ACTORS][MODELS] memory held = _held();
        vm.recordLogs();
        tournament.settle(id, ids, ratios);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 k; k < n; ++k) {
            settleCount[id][pick[k]]++;
        }
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(tournament) || logs[i].topics[0] != MODEL_SETTLED_SIG) continue;
            (,, int256 payout) = abi.decode(logs[i].data, (uint256, int256, int256));
            uint256 m = _modelIndex(logs[i].topics[2]);
            (, uint256 totalShares,) = tournament.modelStake(models[m]);
            for (uint256 a; a < ACTORS; ++a) {
                uint256 h = held[m][a];
                if (h == 0) continue;
                if (payout > 0) {
                    entitled[a] += int256((h * uint256(payout) + totalShares - 1) / totalShares);
                } else if (payout < 0) {
                    entitled[a] -= int256(h * uint256(-payout) / (totalShares + 1));
                }
            }
            if (payout > 0) totalPaid += uint256(payout);
            else totalBurnt += uint256(-payout);
        }
        if (n > 0) {
            bytes32[] memory again = new bytes32[](1);
            int256[] memory zero = new int256[](1);
            again[0] = ids[subset % n];
            try tournament.settle(id, again, zero) {
                violation = "a model settled twice in a round";
            } catch {}
        }
    }

    function finalizeRound(uint256 retrySeed) external {
        ++calls;
        if (finalizedCount >= rounds.length) return;
        uint256 id = rounds[finalizedCount];
        if (tournament.round(id).status != ITournament.RoundStatus.Resolved) return;
        if (tournament.paused()) {
            try tournament.finalizeRound(id) {
                violation = "finalizeRound while paused";
            } catch {}
            return;
        }
        tournament.finalizeRound(id);
        ++finalizedCount;
        // A finalized round settles no more.
        bytes32[] memory ids = new bytes32[](1);
        ids[0] = models[retrySeed % MODELS];
        try tournament.settle(id, ids, new int256[](1)) {
            violation = "settled a finalized round";
        } catch {}
    }

    /* HELPERS */

    /// Shares of each actor in each model that take part in payouts: active plus pending ones
    /// whose release round is not finalized yet.
    function _held() internal view returns (uint256[ACTORS][MODELS] memory held) {
        for (uint256 m; m < MODELS; ++m) {
            for (uint256 a; a < ACTORS; ++a) {
                (held[m][a],) = tournament.positionOf(models[m], actors[a]);
            }
        }
        uint256 last = tournament.lastFinalizedRound();
        for (uint256 i; i < reqs.length; ++i) {
            Req storage q = reqs[i];
            if (q.releaseRound > last) held[q.model][q.actor] += q.shares;
        }
    }

    function _modelIndex(bytes32 id) internal view returns (uint256) {
        for (uint256 m; m < MODELS; ++m) {
            if (models[m] == id) return m;
        }
        revert("unknown model");
    }

    /// A round with `status`: usually the oldest (rounds progress in order), sometimes any.
    function _pick(uint256 seed, ITournament.RoundStatus status) internal view returns (bool, uint256) {
        uint256 n = rounds.length;
        if (n == 0) return (false, 0);
        uint256 start = seed % 3 == 0 ? seed % n : finalizedCount;
        for (uint256 k; k < n; ++k) {
            uint256 id = rounds[(start + k) % n];
            if (tournament.round(id).status == status) return (true, id);
        }
        return (false, 0);
    }
}
