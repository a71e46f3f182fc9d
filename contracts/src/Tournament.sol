// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ITournament} from "./ITournament.sol";
import {PayoutMath} from "./libraries/PayoutMath.sol";
import {ShareMath} from "./libraries/ShareMath.sol";

/// @title Tournament
/// @notice Stakes on models, rounds committed on chain, payouts and burns by score.
/// @dev See ITournament for the accounting rules. Storage layout is chosen for `settle` and
/// `stake`: a model settles reading two slots (pool and pending) and writing one (the pool); a
/// stake writes the pool and the staker's shares and only reads the pending slot. The pause flag
/// shares the clock's slot, which every paused operation reads anyway.
contract Tournament is ITournament, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;
    using SafeCast for uint256;

    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    address internal constant DEAD = 0x000000000000000000000000000000000000dEaD;
    /// Marks a request converted at once (no release bucket).
    uint64 private constant NO_BUCKET = type(uint64).max;

    /// A model's pool (one slot). Its active stake (see `_active`) is the model's latest
    /// checkpoint (the "head"), valid from `headClock` on; it is derived, not stored, as every
    /// change to the pool or its pending shares moves `headClock` to the current clock.
    struct Pool {
        uint104 totalAssets;
        uint104 totalShares;
        uint24 headClock;
        /// Seq of the latest round the model was settled in.
        uint24 settledSeq;
    }

    /// Pending unstake shares of a model: part of `totalShares`, not active.
    struct Pending {
        uint104 shares;
        /// Release seq of the oldest unreleased bucket; 0 if none.
        uint32 nextReleaseSeq;
    }

    /// Pending unstake shares of one model sharing a release round (FIFO, by release seq).
    struct Bucket {
        /// 0 once released; `assets` is then the tokens owed to the bucket's requests.
        uint32 releaseSeq;
        uint112 shares;
        uint112 assets;
    }

    struct Queue {
        uint64 head;
        uint64 tail;
    }

    struct Request {
        address staker;
        uint64 bucket;
        bool withdrawn;
        bytes32 modelId;
        uint112 shares;
        uint112 assets;
        uint24 releaseSeq;
    }

    struct Clock {
        /// Ticks at every close; checkpoints are keyed by it.
        uint24 tick;
        uint24 latestSeq;
        uint24 finalizedSeq;
        /// Rounds closed and not finalized: while any, superseded checkpoints are kept.
        uint24 closedUnfinalized;
        /// Staking, unstake requests and round operations stopped (see `pause`).
        bool paused;
    }

    /// @notice The stake token.
    IERC20 public immutable token;

    /* STORAGE */

    mapping(bytes32 modelId => Pool) private _pools;
    mapping(bytes32 modelId => Pending) private _pending;
    mapping(bytes32 modelId => mapping(address staker => uint256 shares)) private _shares;
    mapping(bytes32 modelId => Checkpoints.Trace208) private _history;
    mapping(bytes32 modelId => Queue) private _queues;
    mapping(bytes32 modelId => mapping(uint256 index => Bucket)) private _buckets;
    mapping(uint256 requestId => Request) private _requests;
    mapping(uint256 roundId => Round) private _rounds;
    mapping(uint256 seq => uint256 roundId) private _roundIdOf;
    Clock private _clock = Clock(1, 0, 0, 0, false);
    uint256 private _rewardPool;
    uint256 private _reserved;
    uint256 private _released;
    uint256 private _nextRequestId = 1;

    constructor(IERC20 token_, address admin) {
        token = token_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(OPERATOR_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
    }

    /* STAKING */

    /// @inheritdoc ITournament
    function stake(bytes32 modelId, uint256 amount) external nonReentrant {
        _stake(modelId, amount);
    }

    /// @inheritdoc ITournament
    function stakeWithPermit(bytes32 modelId, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
    {
        if (_clock.paused) revert EnforcedPause();
        // A permit front-run by someone else still leaves the allowance in place: go on if so
        // (transferFrom fails below otherwise).
        try IERC20Permit(address(token)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _stake(modelId, amount);
    }

    function _stake(bytes32 modelId, uint256 amount) private {
        Clock memory c = _unpausedClock();
        if (amount == 0) revert ZeroAmount();
        (Pool memory p, Pending memory s, bool pendingChanged) = _load(modelId, c);
        uint256 shares = ShareMath.toSharesDown(amount, p.totalAssets, p.totalShares);
        if (shares == 0) revert ZeroShares(amount);
        p.totalAssets = (p.totalAssets + amount).toUint104();
        p.totalShares = (p.totalShares + shares).toUint104();
        _shares[modelId][msg.sender] += shares;
        _pools[modelId] = p;
        if (pendingChanged) _pending[modelId] = s;
        emit Staked(modelId, msg.sender, amount, shares);
        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc ITournament
    function requestUnstake(bytes32 modelId, uint256 amount) external nonReentrant returns (uint256 requestId) {
        Clock memory c = _unpausedClock();
        if (amount == 0) revert ZeroAmount();
        (Pool memory p, Pending memory s,) = _load(modelId, c);
        uint256 owned = _shares[modelId][msg.sender];
        uint256 shares =
            amount == type(uint256).max ? owned : ShareMath.toSharesUp(amount, p.totalAssets, p.totalShares);
        if (shares == 0) revert ZeroShares(amount);
        if (shares > owned) revert InsufficientShares(shares, owned);
        // Checked above: shares <= owned.
        unchecked {
            _shares[modelId][msg.sender] = owned - shares;
        }
        requestId = _nextRequestId++;
        Request storage q = _requests[requestId];
        q.staker = msg.sender;
        q.modelId = modelId;
        q.shares = shares.toUint112();
        uint24 release = c.latestSeq > c.finalizedSeq ? c.latestSeq : 0;
        if (release == 0) {
            // No unfinalized round: the shares are at risk nowhere, convert them now.
            uint256 assets = ShareMath.toAssetsDown(shares, p.totalAssets, p.totalShares);
            // shares <= owned <= totalShares; assets <= totalAssets (rounding down).
            unchecked {
                p.totalAssets -= uint104(assets);
                p.totalShares -= uint104(shares);
            }
            q.bucket = NO_BUCKET;
            q.assets = uint112(assets);
            _released += assets;
        } else {
            q.bucket = _enqueue(modelId, release, shares);
            q.releaseSeq = release;
            s.shares = (s.shares + shares).toUint104();
            if (s.nextReleaseSeq == 0) s.nextReleaseSeq = release;
        }
        _pools[modelId] = p;
        _pending[modelId] = s;
        emit UnstakeRequested(requestId, modelId, msg.sender, shares, _roundIdOf[release]);
    }

    /// @inheritdoc ITournament
    function withdraw(uint256 requestId) external nonReentrant {
        Request storage q = _requests[requestId];
        if (q.staker == address(0)) revert UnknownRequest(requestId);
        if (q.staker != msg.sender) revert NotRequester(requestId, msg.sender);
        if (q.withdrawn) revert AlreadyWithdrawn(requestId);
        bytes32 modelId = q.modelId;
        uint256 assets = q.assets;
        if (q.bucket != NO_BUCKET) {
            Bucket storage b = _buckets[modelId][q.bucket];
            if (b.releaseSeq != 0) {
                Clock memory c = _clock;
                if (b.releaseSeq > c.finalizedSeq) revert NotReleased(requestId, _roundIdOf[b.releaseSeq]);
                // Released but not yet converted: convert every due bucket of the model now.
                (Pool memory p, Pending memory s,) = _load(modelId, c);
                _pools[modelId] = p;
                _pending[modelId] = s;
            }
            // The bucket's remaining assets are owed to its remaining shares; the last request
            // out takes the rounding dust.
            uint256 bShares = b.shares;
            uint256 bAssets = b.assets;
            assets = q.shares == bShares ? bAssets : (q.shares * bAssets) / bShares;
            b.shares = uint112(bShares - q.shares);
            b.assets = uint112(bAssets - assets);
            q.assets = uint112(assets);
        }
        q.withdrawn = true;
        _released -= assets;
        emit Withdrawn(requestId, modelId, msg.sender, assets);
        token.safeTransfer(msg.sender, assets);
    }

    /// @inheritdoc ITournament
    function fundRewards(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        _rewardPool += amount;
        emit RewardsFunded(msg.sender, amount);
        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /* ROUNDS */

    /// @inheritdoc ITournament
    function openRound(uint256 roundId, bytes32 liveDataHash, RoundParams calldata params)
        external
        onlyRole(OPERATOR_ROLE)
    {
        Clock memory c = _unpausedClock();
        uint256 latest = _roundIdOf[c.latestSeq];
        if (roundId <= latest) revert RoundIdNotIncreasing(roundId, latest);
        if (params.payoutCap > PayoutMath.WAD) revert PayoutCapTooHigh(params.payoutCap);
        uint24 seq = c.latestSeq + 1;
        _clock.latestSeq = seq;
        _roundIdOf[seq] = roundId;
        Round storage r = _rounds[roundId];
        r.status = RoundStatus.Open;
        r.seq = seq;
        r.openedAt = uint64(block.timestamp);
        r.liveDataHash = liveDataHash;
        r.params = params;
        emit RoundOpened(roundId, liveDataHash, params);
    }

    /// @inheritdoc ITournament
    function closeRound(uint256 roundId, bytes32 submissionsRoot) external onlyRole(OPERATOR_ROLE) {
        Clock memory c = _unpausedClock();
        Round storage r = _expect(roundId, RoundStatus.Open);
        r.status = RoundStatus.Closed;
        r.closedAt = uint64(block.timestamp);
        uint24 closeClock = c.tick;
        r.closeClock = closeClock;
        r.submissionsRoot = submissionsRoot;
        c.tick = closeClock + 1;
        c.closedUnfinalized += 1;
        _clock = c;
        emit RoundClosed(roundId, submissionsRoot, closeClock);
    }

    /// @inheritdoc ITournament
    function resolveRound(uint256 roundId, bytes32 targetsHash, bytes32 scoresRoot, uint256 totalPositivePayout)
        external
        onlyRole(OPERATOR_ROLE)
    {
        if (_clock.paused) revert EnforcedPause();
        Round storage r = _expect(roundId, RoundStatus.Closed);
        uint256 pool = _rewardPool;
        uint256 reserved = totalPositivePayout < pool ? totalPositivePayout : pool;
        r.status = RoundStatus.Resolved;
        r.resolvedAt = uint64(block.timestamp);
        r.targetsHash = targetsHash;
        r.scoresRoot = scoresRoot;
        r.totalPositivePayout = totalPositivePayout;
        r.reserved = reserved;
        // reserved <= pool by construction.
        unchecked {
            _rewardPool = pool - reserved;
        }
        _reserved += reserved;
        emit RoundResolved(roundId, targetsHash, scoresRoot, totalPositivePayout, reserved);
    }

    /// Running totals of a settle batch (a struct keeps the loop within the stack limit).
    struct Batch {
        uint256 roundId;
        Clock clock;
        uint24 seq;
        uint24 closeClock;
        bool keepHistory;
        uint256 cap;
        uint256 total;
        uint256 reserved;
        uint256 declared;
        uint256 paid;
        uint256 burnt;
    }

    /// @inheritdoc ITournament
    function settle(uint256 roundId, bytes32[] calldata modelIds, int256[] calldata payoutRatios)
        external
        onlyRole(OPERATOR_ROLE)
        nonReentrant
    {
        Clock memory c = _unpausedClock();
        if (modelIds.length != payoutRatios.length) revert LengthMismatch(modelIds.length, payoutRatios.length);
        Round storage r = _expectNext(roundId, c);
        Batch memory b = Batch({
            roundId: roundId,
            clock: c,
            seq: r.seq,
            closeClock: r.closeClock,
            // This round no longer needs a superseded checkpoint once it read it; later closed
            // rounds may.
            keepHistory: c.closedUnfinalized > 1,
            cap: r.params.payoutCap,
            total: r.totalPositivePayout,
            reserved: r.reserved,
            declared: r.declared,
            paid: 0,
            burnt: 0
        });
        for (uint256 i; i < modelIds.length; ++i) {
            _settleModel(modelIds[i], payoutRatios[i], b);
        }
        if (b.declared > b.total) revert PayoutsExceedDeclared(roundId, b.declared, b.total);
        r.declared = b.declared;
        if (b.paid > 0) {
            r.paid += b.paid;
            _reserved -= b.paid;
        }
        if (b.burnt > 0) {
            r.burnt += b.burnt;
            _burn(b.burnt);
        }
    }

    function _settleModel(bytes32 modelId, int256 ratio, Batch memory b) private {
        if (PayoutMath.abs(ratio) > b.cap) revert RatioAboveCap(modelId, ratio, b.cap);
        Pool memory p = _pools[modelId];
        if (p.settledSeq >= b.seq) revert AlreadySettled(b.roundId, modelId);
        Pending memory s = _pending[modelId];
        uint256 atRisk =
            p.headClock <= b.closeClock ? _active(p, s) : _history[modelId].upperLookupRecent(b.closeClock);
        _touch(modelId, p, s, b.clock.tick, b.keepHistory);
        // Requests released by earlier rounds leave the pool before this round's result.
        bool released = s.nextReleaseSeq != 0 && s.nextReleaseSeq <= b.clock.finalizedSeq;
        if (released) _release(modelId, p, s, b.clock.finalizedSeq);
        int256 payout = PayoutMath.payout(atRisk, ratio);
        if (payout > 0) {
            uint256 owed = uint256(payout);
            uint256 scaled = PayoutMath.scaleDown(owed, b.reserved, b.total);
            b.declared += owed;
            b.paid += scaled;
            p.totalAssets = (p.totalAssets + scaled).toUint104();
            payout = int256(scaled);
        } else if (payout < 0) {
            uint256 loss = uint256(-payout);
            if (loss > p.totalAssets) loss = p.totalAssets;
            b.burnt += loss;
            // loss <= totalAssets just above.
            unchecked {
                p.totalAssets -= uint104(loss);
            }
            payout = -int256(loss);
        }
        p.settledSeq = b.seq;
        _pools[modelId] = p;
        if (released) _pending[modelId] = s;
        emit ModelSettled(b.roundId, modelId, atRisk, ratio, payout);
    }

    /// @inheritdoc ITournament
    function finalizeRound(uint256 roundId) external onlyRole(OPERATOR_ROLE) {
        Clock memory c = _unpausedClock();
        Round storage r = _expectNext(roundId, c);
        uint256 paid = r.paid;
        uint256 dust = r.reserved - paid;
        r.status = RoundStatus.Settled;
        r.finalizedAt = uint64(block.timestamp);
        c.finalizedSeq = r.seq;
        // The round is closed (it is resolved): it is counted in closedUnfinalized.
        unchecked {
            c.closedUnfinalized -= 1;
        }
        _clock = c;
        if (dust > 0) {
            _reserved -= dust;
            _rewardPool += dust;
        }
        emit RoundFinalized(roundId, paid, r.burnt, dust);
    }

    /// @inheritdoc ITournament
    function pause() external onlyRole(PAUSER_ROLE) {
        if (_clock.paused) revert EnforcedPause();
        _clock.paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc ITournament
    function unpause() external onlyRole(PAUSER_ROLE) {
        if (!_clock.paused) revert ExpectedPause();
        _clock.paused = false;
        emit Unpaused(msg.sender);
    }

    /* VIEWS */

    /// @inheritdoc ITournament
    function paused() external view returns (bool) {
        return _clock.paused;
    }

    /// @inheritdoc ITournament
    function stakeAtRisk(uint256 roundId, bytes32 modelId) external view returns (uint256) {
        Round storage r = _rounds[roundId];
        if (r.status < RoundStatus.Closed) return 0;
        Pool memory p = _pools[modelId];
        // Untouched since the close, the pool's active stake is still the round's.
        if (p.headClock <= r.closeClock) return _active(p, _pending[modelId]);
        // Once the model is settled in the round its history may have been pruned.
        if (r.status == RoundStatus.Settled || p.settledSeq >= r.seq) revert StakeAtRiskUnavailable(roundId, modelId);
        return _history[modelId].upperLookupRecent(r.closeClock);
    }

    /// @inheritdoc ITournament
    function modelStake(bytes32 modelId)
        external
        view
        returns (uint256 totalAssets, uint256 totalShares, uint256 activeAssets)
    {
        Pool memory p = _pools[modelId];
        return (p.totalAssets, p.totalShares, _active(p, _pending[modelId]));
    }

    /// @inheritdoc ITournament
    function positionOf(bytes32 modelId, address staker) external view returns (uint256 shares, uint256 assets) {
        shares = _shares[modelId][staker];
        Pool memory p = _pools[modelId];
        assets = ShareMath.toAssetsDown(shares, p.totalAssets, p.totalShares);
    }

    /// @inheritdoc ITournament
    function pendingShares(bytes32 modelId) external view returns (uint256) {
        return _pending[modelId].shares;
    }

    /// @inheritdoc ITournament
    function unstakeRequest(uint256 requestId) external view returns (UnstakeRequest memory) {
        Request storage q = _requests[requestId];
        return UnstakeRequest({
            staker: q.staker,
            modelId: q.modelId,
            shares: q.shares,
            releaseRound: _roundIdOf[q.releaseSeq],
            assets: q.assets,
            withdrawn: q.withdrawn
        });
    }

    /// @inheritdoc ITournament
    function isWithdrawable(uint256 requestId) external view returns (bool) {
        Request storage q = _requests[requestId];
        if (q.staker == address(0) || q.withdrawn) return false;
        return q.releaseSeq <= _clock.finalizedSeq;
    }

    /// @inheritdoc ITournament
    function rewardPool() external view returns (uint256) {
        return _rewardPool;
    }

    /// @inheritdoc ITournament
    function reservedRewards() external view returns (uint256) {
        return _reserved;
    }

    /// @inheritdoc ITournament
    function releasedAssets() external view returns (uint256) {
        return _released;
    }

    /// @inheritdoc ITournament
    function round(uint256 roundId) external view returns (Round memory) {
        return _rounds[roundId];
    }

    /// @inheritdoc ITournament
    function isSettled(uint256 roundId, bytes32 modelId) external view returns (bool) {
        uint24 seq = _rounds[roundId].seq;
        return seq != 0 && _pools[modelId].settledSeq >= seq;
    }

    /// @inheritdoc ITournament
    function latestRound() external view returns (uint256) {
        return _roundIdOf[_clock.latestSeq];
    }

    /// @inheritdoc ITournament
    function lastFinalizedRound() external view returns (uint256) {
        return _roundIdOf[_clock.finalizedSeq];
    }

    /* INTERNAL: rounds */

    function _unpausedClock() private view returns (Clock memory c) {
        c = _clock;
        if (c.paused) revert EnforcedPause();
    }

    function _expect(uint256 roundId, RoundStatus expected) private view returns (Round storage r) {
        r = _rounds[roundId];
        if (r.status != expected) revert WrongRoundStatus(roundId, r.status, expected);
    }

    /// The round must be resolved and the next to finalize (rounds settle in opening order).
    function _expectNext(uint256 roundId, Clock memory c) private view returns (Round storage r) {
        r = _expect(roundId, RoundStatus.Resolved);
        // A resolved round has seq >= 1.
        uint24 previous;
        unchecked {
            previous = r.seq - 1;
        }
        if (c.finalizedSeq != previous) revert PreviousRoundNotSettled(roundId, _roundIdOf[previous]);
    }

    /* INTERNAL: model pools */

    /// Loads a model's pool about to change: moves its head to the current clock, then converts
    /// unstake buckets whose release round is finalized. The caller stores the pool, and the
    /// pending slot when `pendingChanged`.
    function _load(bytes32 modelId, Clock memory c)
        private
        returns (Pool memory p, Pending memory s, bool pendingChanged)
    {
        p = _pools[modelId];
        s = _pending[modelId];
        _touch(modelId, p, s, c.tick, c.closedUnfinalized > 0);
        pendingChanged = s.nextReleaseSeq != 0 && s.nextReleaseSeq <= c.finalizedSeq;
        if (pendingChanged) _release(modelId, p, s, c.finalizedSeq);
    }

    /// Before a change to the pool: a head from an earlier clock is pushed to the history if a
    /// closed, unfinalized round may still read it, and the head moves to the current clock.
    function _touch(bytes32 modelId, Pool memory p, Pending memory s, uint24 tick, bool keepHistory) private {
        if (p.headClock == tick) return;
        // headClock 0: the model never changed, its active stake was 0 at every clock.
        if (keepHistory && p.headClock != 0) _history[modelId].push(p.headClock, uint208(_active(p, s)));
        p.headClock = tick;
    }

    /// Converts due buckets (release seq <= finalizedSeq) at the current share price, oldest first.
    function _release(bytes32 modelId, Pool memory p, Pending memory s, uint24 finalizedSeq) private {
        Queue storage q = _queues[modelId];
        uint64 head = q.head;
        uint64 tail = q.tail;
        mapping(uint256 => Bucket) storage buckets = _buckets[modelId];
        uint32 next;
        for (; head < tail; ++head) {
            Bucket storage b = buckets[head];
            next = b.releaseSeq;
            if (next > finalizedSeq) break;
            uint256 shares = b.shares;
            uint256 assets = ShareMath.toAssetsDown(shares, p.totalAssets, p.totalShares);
            // Pending shares are part of the totals; assets <= totalAssets (rounding down).
            unchecked {
                p.totalAssets -= uint104(assets);
                p.totalShares -= uint104(shares);
                s.shares -= uint104(shares);
            }
            b.releaseSeq = 0;
            b.assets = uint112(assets);
            _released += assets;
            emit UnstakeReleased(modelId, _roundIdOf[next], shares, assets);
            next = 0;
        }
        q.head = head;
        s.nextReleaseSeq = next;
    }

    /// Adds pending shares to the model's bucket for `release`, opening one if needed.
    function _enqueue(bytes32 modelId, uint24 release, uint256 shares) private returns (uint64 index) {
        Queue storage q = _queues[modelId];
        uint64 tail = q.tail;
        mapping(uint256 => Bucket) storage buckets = _buckets[modelId];
        if (tail > q.head && buckets[tail - 1].releaseSeq == release) {
            index = tail - 1;
        } else {
            index = tail;
            buckets[index].releaseSeq = release;
            q.tail = tail + 1;
        }
        Bucket storage b = buckets[index];
        b.shares = (b.shares + shares).toUint112();
    }

    /// Active assets: the value of the shares not pending unstake (<= totalAssets).
    function _active(Pool memory p, Pending memory s) private pure returns (uint256) {
        return ShareMath.toAssetsDown(p.totalShares - s.shares, p.totalAssets, p.totalShares);
    }

    /// Burns through the token's `burn` when it has one, else sends to the dead address.
    function _burn(uint256 amount) private {
        try ERC20Burnable(address(token)).burn(amount) {}
        catch {
            token.safeTransfer(DEAD, amount);
        }
    }
}
