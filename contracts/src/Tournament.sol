// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ITournament} from "./ITournament.sol";
import {PayoutMath} from "./libraries/PayoutMath.sol";
import {ShareMath} from "./libraries/ShareMath.sol";

/// @title Tournament
/// @notice Stakes on models, rounds committed on chain, payouts and burns by score.
/// @dev See ITournament for the accounting rules. Storage layout is chosen for `settle`: a model
/// settles reading two slots (pool and shares) and writing one (the pool).
contract Tournament is ITournament, AccessControl, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;
    using SafeCast for uint256;

    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    address internal constant DEAD = 0x000000000000000000000000000000000000dEaD;
    /// Marks a request converted at once (no release bucket).
    uint64 private constant NO_BUCKET = type(uint64).max;

    /// A model's pool, and its latest active-stake checkpoint (the "head") kept inline.
    struct Pool {
        uint104 totalAssets;
        uint104 headActive;
        uint24 headClock;
        uint24 settledSeq;
    }

    struct PoolShares {
        uint112 total;
        uint112 pending;
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
    }

    /// @notice The stake token.
    IERC20 public immutable token;

    /* STORAGE */

    mapping(bytes32 modelId => Pool) private _pools;
    mapping(bytes32 modelId => PoolShares) private _poolShares;
    mapping(bytes32 modelId => mapping(address staker => uint256 shares)) private _shares;
    mapping(bytes32 modelId => Checkpoints.Trace208) private _history;
    mapping(bytes32 modelId => Queue) private _queues;
    mapping(bytes32 modelId => mapping(uint256 index => Bucket)) private _buckets;
    mapping(uint256 requestId => Request) private _requests;
    mapping(uint256 roundId => Round) private _rounds;
    mapping(uint256 seq => uint256 roundId) private _roundIdOf;
    Clock private _clock = Clock(1, 0, 0, 0);
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
    function stake(bytes32 modelId, uint256 amount) external nonReentrant whenNotPaused {
        _stake(modelId, amount);
    }

    /// @inheritdoc ITournament
    function stakeWithPermit(bytes32 modelId, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
        whenNotPaused
    {
        // A permit front-run by someone else still leaves the allowance in place: go on if so
        // (transferFrom fails below otherwise).
        try IERC20Permit(address(token)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _stake(modelId, amount);
    }

    function _stake(bytes32 modelId, uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        Clock memory c = _clock;
        (Pool memory p, PoolShares memory s) = _loadReleased(modelId, c);
        uint256 shares = ShareMath.toSharesDown(amount, p.totalAssets, s.total);
        if (shares == 0) revert ZeroShares(amount);
        p.totalAssets = (p.totalAssets + amount).toUint104();
        s.total = (s.total + shares).toUint112();
        _shares[modelId][msg.sender] += shares;
        _store(modelId, p, s, c, c.closedUnfinalized > 0);
        emit Staked(modelId, msg.sender, amount, shares);
        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc ITournament
    function requestUnstake(bytes32 modelId, uint256 amount)
        external
        nonReentrant
        whenNotPaused
        returns (uint256 requestId)
    {
        if (amount == 0) revert ZeroAmount();
        Clock memory c = _clock;
        (Pool memory p, PoolShares memory s) = _loadReleased(modelId, c);
        uint256 owned = _shares[modelId][msg.sender];
        uint256 shares =
            amount == type(uint256).max ? owned : ShareMath.toSharesUp(amount, p.totalAssets, s.total);
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
            uint256 assets = ShareMath.toAssetsDown(shares, p.totalAssets, s.total);
            p.totalAssets -= uint104(assets);
            s.total -= uint112(shares);
            q.bucket = NO_BUCKET;
            q.assets = uint112(assets);
            _released += assets;
        } else {
            q.bucket = _enqueue(modelId, release, shares);
            q.releaseSeq = release;
            s.pending = (s.pending + shares).toUint112();
            if (s.nextReleaseSeq == 0) s.nextReleaseSeq = release;
        }
        _store(modelId, p, s, c, c.closedUnfinalized > 0);
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
                (Pool memory p, PoolShares memory s) = _loadReleased(modelId, c);
                _store(modelId, p, s, c, c.closedUnfinalized > 0);
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
        whenNotPaused
    {
        Clock memory c = _clock;
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
    function closeRound(uint256 roundId, bytes32 submissionsRoot) external onlyRole(OPERATOR_ROLE) whenNotPaused {
        Round storage r = _expect(roundId, RoundStatus.Open);
        Clock memory c = _clock;
        r.status = RoundStatus.Closed;
        r.closedAt = uint64(block.timestamp);
        r.closeClock = c.tick;
        r.submissionsRoot = submissionsRoot;
        _clock.tick = c.tick + 1;
        _clock.closedUnfinalized = c.closedUnfinalized + 1;
        emit RoundClosed(roundId, submissionsRoot, c.tick);
    }

    /// @inheritdoc ITournament
    function resolveRound(uint256 roundId, bytes32 targetsHash, bytes32 scoresRoot, uint256 totalPositivePayout)
        external
        onlyRole(OPERATOR_ROLE)
        whenNotPaused
    {
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
        whenNotPaused
        nonReentrant
    {
        if (modelIds.length != payoutRatios.length) revert LengthMismatch(modelIds.length, payoutRatios.length);
        Round storage r = _expectNext(roundId);
        Clock memory c = _clock;
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
        uint256 atRisk = _activeAt(modelId, p, b.closeClock);
        PoolShares memory s = _poolShares[modelId];
        // Requests released by earlier rounds leave the pool before this round's result.
        bool sharesChanged = s.nextReleaseSeq != 0 && s.nextReleaseSeq <= b.clock.finalizedSeq;
        if (sharesChanged) _release(modelId, p, s, b.clock.finalizedSeq);
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
        _checkpoint(modelId, p, s, b.clock.tick, b.keepHistory);
        _pools[modelId] = p;
        if (sharesChanged) _poolShares[modelId] = s;
        emit ModelSettled(b.roundId, modelId, atRisk, ratio, payout);
    }

    /// @inheritdoc ITournament
    function finalizeRound(uint256 roundId) external onlyRole(OPERATOR_ROLE) whenNotPaused {
        Round storage r = _expectNext(roundId);
        uint256 dust = r.reserved - r.paid;
        r.status = RoundStatus.Settled;
        r.finalizedAt = uint64(block.timestamp);
        Clock memory c = _clock;
        _clock.finalizedSeq = r.seq;
        _clock.closedUnfinalized = c.closedUnfinalized - 1;
        _reserved -= dust;
        _rewardPool += dust;
        emit RoundFinalized(roundId, r.paid, r.burnt, dust);
    }

    /// @inheritdoc ITournament
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc ITournament
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    /* VIEWS */

    /// @inheritdoc ITournament
    function stakeAtRisk(uint256 roundId, bytes32 modelId) external view returns (uint256) {
        Round storage r = _rounds[roundId];
        if (r.status < RoundStatus.Closed) return 0;
        Pool memory p = _pools[modelId];
        if (r.status == RoundStatus.Settled || p.settledSeq >= r.seq) {
            // Untouched since the close, the head is still exact; otherwise it may be pruned.
            if (p.headClock <= r.closeClock) return p.headActive;
            revert StakeAtRiskUnavailable(roundId, modelId);
        }
        return _activeAt(modelId, p, r.closeClock);
    }

    /// @inheritdoc ITournament
    function modelStake(bytes32 modelId)
        external
        view
        returns (uint256 totalAssets, uint256 totalShares, uint256 activeAssets)
    {
        Pool memory p = _pools[modelId];
        PoolShares memory s = _poolShares[modelId];
        return (p.totalAssets, s.total, _active(p, s));
    }

    /// @inheritdoc ITournament
    function positionOf(bytes32 modelId, address staker) external view returns (uint256 shares, uint256 assets) {
        shares = _shares[modelId][staker];
        assets = ShareMath.toAssetsDown(shares, _pools[modelId].totalAssets, _poolShares[modelId].total);
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

    function _expect(uint256 roundId, RoundStatus expected) private view returns (Round storage r) {
        r = _rounds[roundId];
        if (r.status != expected) revert WrongRoundStatus(roundId, r.status, expected);
    }

    /// The round must be resolved and the next to finalize (rounds settle in opening order).
    function _expectNext(uint256 roundId) private view returns (Round storage r) {
        r = _expect(roundId, RoundStatus.Resolved);
        uint24 previous = r.seq - 1;
        if (_clock.finalizedSeq != previous) revert PreviousRoundNotSettled(roundId, _roundIdOf[previous]);
    }

    /* INTERNAL: model pools */

    /// Loads a model's pool, converting unstake buckets whose release round is finalized.
    function _loadReleased(bytes32 modelId, Clock memory c)
        private
        returns (Pool memory p, PoolShares memory s)
    {
        p = _pools[modelId];
        s = _poolShares[modelId];
        if (s.nextReleaseSeq != 0 && s.nextReleaseSeq <= c.finalizedSeq) _release(modelId, p, s, c.finalizedSeq);
    }

    /// Converts due buckets (release seq <= finalizedSeq) at the current share price, oldest first.
    function _release(bytes32 modelId, Pool memory p, PoolShares memory s, uint24 finalizedSeq) private {
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
            uint256 assets = ShareMath.toAssetsDown(shares, p.totalAssets, s.total);
            // Pending shares are part of the totals; assets <= totalAssets (rounding down).
            unchecked {
                p.totalAssets -= uint104(assets);
                s.total -= uint112(shares);
                s.pending -= uint112(shares);
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

    function _store(bytes32 modelId, Pool memory p, PoolShares memory s, Clock memory c, bool keepHistory) private {
        _checkpoint(modelId, p, s, c.tick, keepHistory);
        _pools[modelId] = p;
        _poolShares[modelId] = s;
    }

    /// Sets the head checkpoint to the pool's active stake now; a head from an earlier clock is
    /// pushed to the history only if a closed, unfinalized round may still read it.
    function _checkpoint(bytes32 modelId, Pool memory p, PoolShares memory s, uint24 tick, bool keepHistory)
        private
    {
        if (p.headClock != tick) {
            if (keepHistory && (p.headClock != 0 || p.headActive != 0)) {
                _history[modelId].push(p.headClock, p.headActive);
            }
            p.headClock = tick;
        }
        p.headActive = uint104(_active(p, s));
    }

    /// The model's active stake as of clock `at` (the latest checkpoint at or before it).
    function _activeAt(bytes32 modelId, Pool memory p, uint24 at) private view returns (uint256) {
        if (p.headClock <= at) return p.headActive;
        return _history[modelId].upperLookupRecent(at);
    }

    /// Active assets: the value of the shares not pending unstake (<= totalAssets).
    function _active(Pool memory p, PoolShares memory s) private pure returns (uint256) {
        return ShareMath.toAssetsDown(s.total - s.pending, p.totalAssets, s.total);
    }

    /// Burns through the token's `burn` when it has one, else sends to the dead address.
    function _burn(uint256 amount) private {
        try ERC20Burnable(address(token)).burn(amount) {}
        catch {
            token.safeTransfer(DEAD, amount);
        }
    }
}
