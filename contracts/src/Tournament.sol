// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ITournament} from "./ITournament.sol";
import {PayoutMath} from "./libraries/PayoutMath.sol";
import {ShareMath} from "./libraries/ShareMath.sol";

/// @title Tournament (v2)
/// @notice Stakes on models, rounds committed on chain, payouts and burns from published scores.
/// @dev See ITournament for the rules. Layout, chosen for `settle` and `stake`:
/// - A model's pool is one slot; `settle` reads and writes only it unless the model has waiting
///   joins or exits (its `nextKey`), which live in the model's queue slot and two rings of
///   RING buckets (joins, exits), indexed by key % RING. Pending keys always lie within RING
///   consecutive keys (MAX_OVERLAP == RING), so a ring slot is reused only once its previous
///   key is applied; a reused bucket whose owners have not all claimed moves to an archive
///   mapping first (deleted once claimed).
/// - A staker is one slot (shares, waiting deposit keys) plus a ring of RING deposit slots.
contract Tournament is ITournament, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /// Most rounds closed and unfinalized at once (R3); also the ring size.
    uint256 public constant MAX_OVERLAP = 32;
    uint256 public constant MAX_PAYOUT_CAP = 0.25e18;
    uint256 public constant MAX_MULTIPLIER = 100e18;
    uint256 public constant MAX_MODEL_STAKE = 2 ** 88 - 1;
    uint256 public constant GRACE_PERIOD = 7 days;
    uint256 public constant MAX_PAUSE = 7 days;
    uint256 public constant PAUSE_COOLDOWN = 7 days;
    uint256 public constant MAX_ROUND_LENGTH = 120 days;

    uint256 private constant RING = 32;
    /// Shares a pool may reach with its waiting deposits at today's price: 2^12 below the 112-bit
    /// field, room for the price to fall 4,096-fold (29 maximal burns) before they join.
    uint256 private constant SHARE_LIMIT = 2 ** 100;
    uint256 private constant WAD = 1e18;
    address private constant DEAD = 0x000000000000000000000000000000000000dEaD;

    struct Pool {
        uint96 totalAssets;
        uint112 totalShares;
        /// Seq of the latest round the model was settled in.
        uint24 settledSeq;
        /// The smallest key with waiting joins or exits in the queue (0: none). Pending keys lie
        /// in [nextKey, nextKey + RING).
        uint24 nextKey;
    }

    /// A model's waiting joins and exits: bit `key % RING` of a mask marks the ring bucket of
    /// `key` as waiting. Deposits of the newest join key (only one key takes deposits at a time:
    /// the last closed round's) add up here, in `liveAssets`, and reach their ring bucket when the
    /// next key's first deposit comes or when they join, so a stake writes no bucket.
    struct Queue {
        uint32 joinMask;
        uint32 exitMask;
        /// All waiting deposits of the model (<= MAX_MODEL_STAKE).
        uint88 waiting;
        /// Waiting deposits of the live key, not yet in its ring bucket (0: none).
        uint88 liveAssets;
        /// The live key modulo 256 (keys waiting lie within RING keys of each other); 0 with
        /// `liveAssets`, so an emptied queue is a zero slot again (its refund goes to the settle).
        uint8 liveLow;
    }

    /// Deposits of one model with one key: waiting (`applied` false) or joined for `shares`,
    /// of which `assets`/`shares` are what their owners have not claimed yet.
    struct JoinBucket {
        uint24 key;
        bool applied;
        uint96 assets;
        uint128 shares;
    }

    /// Unstake requests of one model with one key: in the pool (`applied` false) or released for
    /// `assets`; `shares`/`assets` are what their requests have not withdrawn yet.
    struct ExitBucket {
        uint24 key;
        bool applied;
        uint128 shares;
        uint96 assets;
    }

    struct Staker {
        uint128 shares;
        /// Waiting deposit keys lie in [base, base + RING); bit key % RING of mask marks one.
        uint32 base;
        uint32 mask;
    }

    struct Deposit {
        uint32 key;
        uint96 assets;
    }

    struct Request {
        address staker;
        /// Key of the exit bucket; 0: released at request.
        uint32 key;
        bool withdrawn;
        bytes32 modelId;
        uint128 shares;
        uint128 assets;
    }

    struct Clock {
        uint32 latestSeq;
        uint32 closedSeq;
        uint32 finalizedSeq;
        uint64 pausedUntil;
        /// Id of the last closed round (round ids fit 64 bits).
        uint64 closedRoundId;
    }

    /// @notice The stake token.
    IERC20 public immutable token;

    mapping(bytes32 modelId => Pool) private _pools;
    mapping(bytes32 modelId => Queue) private _queues;
    mapping(bytes32 modelId => JoinBucket[RING]) private _joins;
    mapping(bytes32 modelId => ExitBucket[RING]) private _exits;
    mapping(bytes32 modelId => mapping(uint256 key => JoinBucket)) private _joinArchive;
    mapping(bytes32 modelId => mapping(uint256 key => ExitBucket)) private _exitArchive;
    mapping(bytes32 modelId => mapping(address staker => Staker)) private _stakers;
    mapping(bytes32 modelId => mapping(address staker => Deposit[RING])) private _deposits;
    mapping(uint256 requestId => Request) private _requests;
    mapping(uint256 roundId => Round) private _rounds;
    mapping(uint256 seq => uint256 roundId) private _roundIdOf;
    Clock private _clock;
    uint256 private _rewardPool;
    uint256 private _reserved;
    uint256 private _released;
    uint256 private _requestCount;

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
        // A permit front-run by someone else still leaves the allowance in place: go on if so
        // (transferFrom fails in _stake otherwise).
        try IERC20Permit(address(token)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _stake(modelId, amount);
    }

    function _stake(bytes32 modelId, uint256 amount) private {
        Clock memory c = _clock;
        if (block.timestamp < c.pausedUntil) revert EnforcedPause();
        if (amount == 0) revert ZeroAmount();
        uint256 received = _pull(amount);
        (Pool memory p, Queue memory q, bool qDirty, uint32 f) = _load(modelId, c.finalizedSeq);
        Staker memory s = _stakers[modelId][msg.sender];
        bool sDirty = _credit(modelId, msg.sender, s, f);
        uint256 shares = ShareMath.toSharesDown(received, p.totalAssets, p.totalShares);
        if (shares == 0) revert ZeroShares(received);
        if (c.closedSeq <= f) {
            // Nothing closed is pending: the deposit is at risk in the next round to close only.
            p.totalAssets = (p.totalAssets + received).toUint96();
            p.totalShares = (p.totalShares + shares).toUint112();
            s.shares = (s.shares + shares).toUint128();
            sDirty = true;
            emit Staked(modelId, msg.sender, received, shares, 0);
        } else {
            uint32 key = c.closedSeq;
            _enqueue(modelId, p, q, key, true);
            uint256 total = p.totalAssets + q.waiting + received;
            if (total > MAX_MODEL_STAKE) revert ModelStakeLimit(modelId, total, MAX_MODEL_STAKE);
            // Both fit 88 bits: liveAssets <= waiting <= total <= MAX_MODEL_STAKE.
            q.waiting = uint88(q.waiting + received);
            q.liveAssets = uint88(q.liveAssets + received);
            qDirty = true;
            _addDeposit(modelId, s, key, received, f);
            sDirty = true;
            emit Staked(modelId, msg.sender, received, 0, c.closedRoundId);
        }
        uint256 waiting = p.nextKey != 0 ? q.waiting : 0;
        uint256 total = p.totalAssets + waiting;
        if (total > MAX_MODEL_STAKE) revert ModelStakeLimit(modelId, total, MAX_MODEL_STAKE);
        if (p.totalShares + ShareMath.toSharesDown(waiting, p.totalAssets, p.totalShares) > SHARE_LIMIT) {
            revert ShareLimit(modelId, SHARE_LIMIT);
        }
        _pools[modelId] = p;
        if (qDirty) _queues[modelId] = q;
        if (sDirty) _stakers[modelId][msg.sender] = s;
    }

    /// @inheritdoc ITournament
    function requestUnstake(bytes32 modelId, uint256 amount) external nonReentrant returns (uint256 requestId) {
        if (amount == 0) revert ZeroAmount();
        Clock memory c = _clock;
        (Pool memory p, Queue memory q, bool qDirty, uint32 f) = _load(modelId, c.finalizedSeq);
        Staker memory s = _stakers[modelId][msg.sender];
        _credit(modelId, msg.sender, s, f);
        uint256 owned = s.shares;
        uint256 shares =
            amount == type(uint256).max ? owned : ShareMath.toSharesUp(amount, p.totalAssets, p.totalShares);
        if (shares == 0) revert ZeroShares(amount);
        if (shares > owned) revert InsufficientShares(shares, owned);
        // shares <= owned checked above.
        unchecked {
            s.shares = uint128(owned - shares);
        }
        requestId = ++_requestCount;
        Request storage r = _requests[requestId];
        r.staker = msg.sender;
        r.modelId = modelId;
        r.shares = uint128(shares);
        uint256 releaseRound;
        if (c.closedSeq <= f) {
            // No closed round is pending: the shares are at risk nowhere, convert them now.
            uint256 assets = ShareMath.toAssetsDown(shares, p.totalAssets, p.totalShares);
            // shares <= totalShares and assets <= totalAssets (rounding down).
            unchecked {
                p.totalAssets -= uint96(assets);
                p.totalShares -= uint112(shares);
            }
            _sweepIfEmpty(modelId, p);
            r.assets = uint128(assets);
            _released += assets;
        } else {
            uint32 key = c.closedSeq;
            _enqueue(modelId, p, q, key, false);
            _exits[modelId][key % RING].shares += uint128(shares);
            qDirty = true;
            r.key = key;
            releaseRound = c.closedRoundId;
        }
        _pools[modelId] = p;
        if (qDirty) _queues[modelId] = q;
        _stakers[modelId][msg.sender] = s;
        emit UnstakeRequested(requestId, modelId, msg.sender, shares, releaseRound);
    }

    /// @inheritdoc ITournament
    function withdraw(uint256 requestId) external nonReentrant {
        Request storage r = _requests[requestId];
        if (r.staker == address(0)) revert UnknownRequest(requestId);
        if (r.staker != msg.sender) revert NotRequester(requestId, msg.sender);
        if (r.withdrawn) revert AlreadyWithdrawn(requestId);
        bytes32 modelId = r.modelId;
        uint256 assets = r.assets;
        uint32 key = r.key;
        if (key != 0) {
            (ExitBucket storage b, bool archived) = _exitBucket(modelId, key);
            if (!b.applied) {
                // Released but not yet converted: apply the model's due buckets now.
                (Pool memory p, Queue memory q, bool qDirty, uint32 f) = _load(modelId, _clock.finalizedSeq);
                if (key > f) revert NotReleased(requestId, _roundIdOf[key]);
                _pools[modelId] = p;
                if (qDirty) _queues[modelId] = q;
            }
            uint256 shares = r.shares;
            uint256 bShares = b.shares;
            uint256 bAssets = b.assets;
            // The last request out of a bucket takes its rounding dust.
            assets = shares == bShares ? bAssets : Math.mulDiv(shares, bAssets, bShares);
            if (shares == bShares && archived) {
                delete _exitArchive[modelId][key];
            } else {
                b.shares = uint128(bShares - shares);
                b.assets = uint96(bAssets - assets);
            }
            r.assets = uint128(assets);
        }
        r.withdrawn = true;
        _released -= assets;
        emit Withdrawn(requestId, modelId, msg.sender, assets);
        token.safeTransfer(msg.sender, assets);
    }

    /// @inheritdoc ITournament
    function fundRewards(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        uint256 received = _pull(amount);
        _rewardPool += received;
        emit RewardsFunded(msg.sender, received);
    }

    /// @inheritdoc ITournament
    function poke(bytes32 modelId, address staker) external nonReentrant {
        (Pool memory p, Queue memory q, bool qDirty, uint32 f) = _load(modelId, _clock.finalizedSeq);
        _pools[modelId] = p;
        if (qDirty) _queues[modelId] = q;
        Staker memory s = _stakers[modelId][staker];
        if (_credit(modelId, staker, s, f)) _stakers[modelId][staker] = s;
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
        if (
            roundId > type(uint64).max || params.payoutCap > MAX_PAYOUT_CAP || params.corrMultiplier > MAX_MULTIPLIER
                || params.mmcMultiplier > MAX_MULTIPLIER || params.closesAt > params.resolvesAt
                || params.resolvesAt > block.timestamp + MAX_ROUND_LENGTH
        ) revert InvalidParams();
        uint32 seq = c.latestSeq + 1;
        // Seqs fit 24 bits in pools and buckets (16 million rounds).
        if (seq > type(uint24).max) revert InvalidParams();
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
        uint32 seq = c.closedSeq + 1;
        if (r.seq != seq) revert OutOfOrder(roundId, _roundIdOf[seq]);
        if (seq - c.finalizedSeq > MAX_OVERLAP) revert TooManyUnfinalized(MAX_OVERLAP);
        r.status = RoundStatus.Closed;
        r.closedAt = uint64(block.timestamp);
        r.submissionsRoot = submissionsRoot;
        _clock.closedSeq = seq;
        _clock.closedRoundId = uint64(roundId);
        emit RoundClosed(roundId, submissionsRoot);
    }

    /// @inheritdoc ITournament
    function resolveRound(
        uint256 roundId,
        bytes32 targetsHash,
        bytes32 scoresRoot,
        uint256 payoutFactor,
        uint256 totalPositivePayout,
        uint256 modelsAtRisk
    ) external onlyRole(OPERATOR_ROLE) {
        Clock memory c = _unpausedClock();
        Round storage r = _expectNext(roundId, c, RoundStatus.Closed);
        if (payoutFactor > WAD) revert PayoutFactorTooHigh(payoutFactor);
        uint256 pool = _rewardPool;
        uint256 reserved = totalPositivePayout < pool ? totalPositivePayout : pool;
        r.status = RoundStatus.Resolved;
        r.resolvedAt = uint64(block.timestamp);
        r.targetsHash = targetsHash;
        r.scoresRoot = scoresRoot;
        r.payoutFactor = payoutFactor;
        r.totalPositivePayout = totalPositivePayout;
        r.modelsAtRisk = modelsAtRisk;
        r.reserved = reserved;
        // reserved <= pool by construction.
        unchecked {
            _rewardPool = pool - reserved;
        }
        _reserved += reserved;
        emit RoundResolved(
            roundId, targetsHash, scoresRoot, payoutFactor, totalPositivePayout, modelsAtRisk, reserved
        );
    }

    /// Running totals of a settle batch (a struct keeps the loop within the stack limit).
    struct Batch {
        uint256 roundId;
        uint24 seq;
        uint32 finalizedSeq;
        int256 cap;
        int256 factor;
        int256 corrMultiplier;
        int256 mmcMultiplier;
        uint256 total;
        uint256 reserved;
        uint256 declared;
        uint256 paid;
        uint256 burnt;
        uint256 stake;
    }

    /// @inheritdoc ITournament
    function settle(
        uint256 roundId,
        ScoreLeaf[] calldata leaves,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external onlyRole(OPERATOR_ROLE) nonReentrant {
        Clock memory c = _unpausedClock();
        Round storage r = _expect(roundId, RoundStatus.Resolved);
        uint256 n = leaves.length;
        uint256 settled = r.modelsSettled + n;
        if (settled > r.modelsAtRisk) revert TooManyModels(roundId, r.modelsAtRisk);
        bytes32[] memory hashes = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            hashes[i] = _leafHash(leaves[i]);
        }
        if (!MerkleProof.multiProofVerifyCalldata(proof, proofFlags, r.scoresRoot, hashes)) {
            revert InvalidProof(roundId);
        }
        // A resolved round is the next to finalize (R3): its seq is finalizedSeq + 1.
        Batch memory b = Batch({
            roundId: roundId,
            seq: uint24(r.seq),
            finalizedSeq: c.finalizedSeq,
            cap: int256(r.params.payoutCap),
            factor: int256(r.payoutFactor),
            corrMultiplier: int256(r.params.corrMultiplier),
            mmcMultiplier: int256(r.params.mmcMultiplier),
            total: r.totalPositivePayout,
            reserved: r.reserved,
            declared: r.declared,
            paid: 0,
            burnt: 0,
            stake: 0
        });
        for (uint256 i; i < n; ++i) {
            _settleModel(leaves[i], b);
        }
        if (b.declared > b.total) revert PayoutsExceedDeclared(roundId, b.declared, b.total);
        r.modelsSettled = settled;
        r.declared = b.declared;
        r.settledStake += b.stake;
        if (b.paid > 0) {
            r.paid += b.paid;
            _reserved -= b.paid;
        }
        if (b.burnt > 0) {
            r.burnt += b.burnt;
            _burn(b.burnt);
        }
    }

    function _settleModel(ScoreLeaf calldata leaf, Batch memory b) private {
        bytes32 modelId = leaf.modelId;
        Pool memory p = _pools[modelId];
        if (p.settledSeq >= b.seq) revert AlreadySettled(b.roundId, modelId);
        // The queue is read only when a key is due now or right after this round's result.
        Queue memory q;
        bool qLoaded = p.nextKey != 0 && p.nextKey <= b.seq;
        bool qDirty;
        if (qLoaded) {
            q = _queues[modelId];
            qDirty = _applyDue(modelId, p, q, b.finalizedSeq);
        }
        uint256 atRisk = p.totalAssets;
        if (atRisk == 0) revert NoStakeAtRisk(b.roundId, modelId);
        int256 ratio = _ratio(b.factor, b.corrMultiplier, b.mmcMultiplier, b.cap, leaf.corr, leaf.mmc);
        int256 payout = PayoutMath.payout(atRisk, ratio);
        if (payout > 0) {
            uint256 owed = uint256(payout);
            b.declared += owed;
            uint256 paid = b.reserved >= b.total ? owed : Math.mulDiv(owed, b.reserved, b.total);
            // R10: a pool never exceeds MAX_MODEL_STAKE; the excess stays in the reserve.
            if (atRisk + paid > MAX_MODEL_STAKE) paid = atRisk >= MAX_MODEL_STAKE ? 0 : MAX_MODEL_STAKE - atRisk;
            b.paid += paid;
            p.totalAssets = uint96(atRisk + paid);
            payout = int256(paid);
        } else if (payout < 0) {
            // |ratio| <= cap <= 1/4: the loss is below the pool's assets.
            uint256 loss = uint256(-payout);
            b.burnt += loss;
            p.totalAssets = uint96(atRisk - loss);
        }
        b.stake += atRisk;
        p.settledSeq = b.seq;
        emit ModelSettled(b.roundId, modelId, atRisk, ratio, payout);
        // The model's result in this round has landed and every earlier one too: what waits for
        // this round's close key can apply now (R1), so no later stake pays for it.
        if (qLoaded && _applyDue(modelId, p, q, b.seq)) qDirty = true;
        _pools[modelId] = p;
        if (qDirty) _queues[modelId] = q;
    }

    /// @inheritdoc ITournament
    function finalizeRound(uint256 roundId) external nonReentrant {
        Round storage r = _expect(roundId, RoundStatus.Resolved);
        if (r.modelsSettled != r.modelsAtRisk) revert NotFullySettled(roundId, r.modelsSettled, r.modelsAtRisk);
        if (r.declared != r.totalPositivePayout) {
            revert DeclaredTotalMismatch(roundId, r.declared, r.totalPositivePayout);
        }
        uint256 returned = _closeBooks(r, RoundStatus.Settled);
        emit RoundFinalized(roundId, r.paid, r.burnt, returned);
    }

    /// @inheritdoc ITournament
    function cancelRound(uint256 roundId) external nonReentrant {
        Round storage r = _rounds[roundId];
        RoundStatus status = r.status;
        if (status != RoundStatus.Closed && status != RoundStatus.Resolved) revert WrongRoundStatus(roundId, status);
        uint32 next = _clock.finalizedSeq + 1;
        if (r.seq != next) revert OutOfOrder(roundId, _roundIdOf[next]);
        uint256 at = _cancellableAt(r);
        if (block.timestamp < at) revert TooEarlyToCancel(roundId, at);
        uint256 returned = _closeBooks(r, RoundStatus.Cancelled);
        emit RoundCancelled(roundId, msg.sender, returned);
    }

    /// Marks the next round finalized (settled or cancelled) and returns its unpaid reserve.
    function _closeBooks(Round storage r, RoundStatus status) private returns (uint256 returned) {
        returned = r.reserved - r.paid;
        r.status = status;
        r.finalizedAt = uint64(block.timestamp);
        _clock.finalizedSeq = r.seq;
        if (returned > 0) {
            _reserved -= returned;
            _rewardPool += returned;
        }
    }

    /// @inheritdoc ITournament
    function pause() external onlyRole(PAUSER_ROLE) {
        uint256 until = _clock.pausedUntil;
        if (block.timestamp < until) revert EnforcedPause();
        if (until != 0 && block.timestamp < until + PAUSE_COOLDOWN) revert PauseCooldown(until + PAUSE_COOLDOWN);
        until = block.timestamp + MAX_PAUSE;
        _clock.pausedUntil = uint64(until);
        emit Paused(msg.sender, until);
    }

    /// @inheritdoc ITournament
    function unpause() external onlyRole(PAUSER_ROLE) {
        if (block.timestamp >= _clock.pausedUntil) revert ExpectedPause();
        _clock.pausedUntil = uint64(block.timestamp);
        emit Unpaused(msg.sender);
    }

    /* VIEWS */

    /// @inheritdoc ITournament
    function paused() external view returns (bool) {
        return block.timestamp < _clock.pausedUntil;
    }

    /// @inheritdoc ITournament
    function pausedUntil() external view returns (uint256) {
        return _clock.pausedUntil;
    }

    /// @inheritdoc ITournament
    function cancellableAt(uint256 roundId) external view returns (uint256) {
        return _cancellableAt(_rounds[roundId]);
    }

    /// @inheritdoc ITournament
    function stakeAtRisk(uint256 roundId, bytes32 modelId) public view returns (uint256) {
        Round storage r = _rounds[roundId];
        RoundStatus status = r.status;
        if (status < RoundStatus.Closed) return 0;
        uint32 seq = r.seq;
        if (status > RoundStatus.Resolved || _pools[modelId].settledSeq >= seq) {
            revert StakeAtRiskUnavailable(roundId, modelId);
        }
        (Pool memory p, Queue memory q,,) = _preview(modelId, _clock.finalizedSeq);
        if (p.nextKey == 0) return p.totalAssets;
        // Rounds between: apply the joins and exits keyed before this round's close at the
        // current price (exact when there are none, i.e. once every earlier round is final).
        for (uint32 key = p.nextKey; key < seq; ++key) {
            uint256 bit = 1 << (key % RING);
            if (q.exitMask & bit != 0) _exitStep(p, _exits[modelId][key % RING].shares);
            if (q.joinMask & bit != 0) _joinStep(p, _waitingJoin(modelId, q, key));
        }
        return p.totalAssets;
    }

    /// @inheritdoc ITournament
    function stakesAtRisk(uint256 roundId, bytes32[] calldata modelIds) external view returns (uint256[] memory out) {
        out = new uint256[](modelIds.length);
        for (uint256 i; i < modelIds.length; ++i) {
            out[i] = stakeAtRisk(roundId, modelIds[i]);
        }
    }

    /// @inheritdoc ITournament
    function payoutRatio(uint256 roundId, int256 corr, int256 mmc) external view returns (int256) {
        Round storage r = _rounds[roundId];
        if (r.status == RoundStatus.None) revert WrongRoundStatus(roundId, RoundStatus.None);
        int256 factor = r.status >= RoundStatus.Resolved ? int256(r.payoutFactor) : int256(WAD);
        return _ratio(
            factor,
            int256(r.params.corrMultiplier),
            int256(r.params.mmcMultiplier),
            int256(r.params.payoutCap),
            corr,
            mmc
        );
    }

    /// @inheritdoc ITournament
    function modelStake(bytes32 modelId) external view returns (ModelStake memory m) {
        (Pool memory p, Queue memory q,,) = _preview(modelId, _clock.finalizedSeq);
        m.totalAssets = p.totalAssets;
        m.totalShares = p.totalShares;
        if (p.nextKey != 0) {
            m.waitingAssets = q.waiting;
            m.exitingShares = _exitingShares(modelId, q);
        }
    }

    /// @inheritdoc ITournament
    function positionOf(bytes32 modelId, address staker) external view returns (uint256 shares, uint256 assets) {
        Position memory pos = positionDetails(modelId, staker);
        return (pos.shares, pos.assets);
    }

    /// @inheritdoc ITournament
    function positionDetails(bytes32 modelId, address staker) public view returns (Position memory pos) {
        (Pool memory p,, uint256[RING] memory joined, uint256[RING] memory joinedAssets) =
            _preview(modelId, _clock.finalizedSeq);
        uint32 f = _landed(_pools[modelId], _clock.finalizedSeq);
        Staker memory s = _stakers[modelId][staker];
        uint256 shares = s.shares;
        if (s.mask != 0) {
            for (uint32 key = s.base; key < s.base + RING; ++key) {
                uint256 i = key % RING;
                if (s.mask & (1 << i) == 0) continue;
                uint256 dep = _deposits[modelId][staker][i].assets;
                if (key > f) {
                    pos.waitingAssets += dep;
                    pos.waitingUntilRound = _roundIdOf[key];
                    continue;
                }
                JoinBucket memory b = _joinBucketView(modelId, key);
                // A bucket applied only in this preview: its figures are in `joined*`.
                if (!b.applied) (b.assets, b.shares) = (uint96(joinedAssets[i]), uint128(joined[i]));
                shares += dep == b.assets ? b.shares : Math.mulDiv(dep, b.shares, b.assets);
            }
        }
        pos.shares = shares;
        pos.assets = ShareMath.toAssetsDown(shares, p.totalAssets, p.totalShares);
    }

    /// @inheritdoc ITournament
    function pendingShares(bytes32 modelId) external view returns (uint256) {
        (Pool memory p, Queue memory q,,) = _preview(modelId, _clock.finalizedSeq);
        return p.nextKey != 0 ? _exitingShares(modelId, q) : 0;
    }

    /// @inheritdoc ITournament
    function unstakeRequest(uint256 requestId) external view returns (UnstakeRequest memory u) {
        Request storage r = _requests[requestId];
        u.staker = r.staker;
        u.modelId = r.modelId;
        u.shares = r.shares;
        u.withdrawn = r.withdrawn;
        u.assets = r.assets;
        uint32 key = r.key;
        if (key == 0) return u;
        u.releaseRound = _roundIdOf[key];
        if (r.withdrawn || key > _landed(_pools[r.modelId], _clock.finalizedSeq)) return u;
        ExitBucket memory b = _exitBucketView(r.modelId, key);
        if (!b.applied) {
            (Pool memory p,,,) = _preview(r.modelId, key - 1);
            b.assets = uint96(ShareMath.toAssetsDown(b.shares, p.totalAssets, p.totalShares));
        }
        u.assets = r.shares == b.shares ? b.assets : Math.mulDiv(r.shares, b.assets, b.shares);
    }

    /// @inheritdoc ITournament
    function isWithdrawable(uint256 requestId) external view returns (bool) {
        Request storage r = _requests[requestId];
        if (r.staker == address(0) || r.withdrawn) return false;
        return r.key <= _landed(_pools[r.modelId], _clock.finalizedSeq);
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
        uint32 seq = _rounds[roundId].seq;
        return seq != 0 && _pools[modelId].settledSeq >= seq;
    }

    /// @inheritdoc ITournament
    function latestRound() external view returns (uint256) {
        return _roundIdOf[_clock.latestSeq];
    }

    /// @inheritdoc ITournament
    function lastClosedRound() external view returns (uint256) {
        return _roundIdOf[_clock.closedSeq];
    }

    /// @inheritdoc ITournament
    function lastFinalizedRound() external view returns (uint256) {
        return _roundIdOf[_clock.finalizedSeq];
    }

    /* INTERNAL: rounds */

    function _unpausedClock() private view returns (Clock memory c) {
        c = _clock;
        if (block.timestamp < c.pausedUntil) revert EnforcedPause();
    }

    function _expect(uint256 roundId, RoundStatus expected) private view returns (Round storage r) {
        r = _rounds[roundId];
        if (r.status != expected) revert WrongRoundStatus(roundId, r.status);
    }

    /// The round must have `expected` status and be the next to finalize (R3).
    function _expectNext(uint256 roundId, Clock memory c, RoundStatus expected) private view returns (Round storage r) {
        r = _expect(roundId, expected);
        uint32 next = c.finalizedSeq + 1;
        if (r.seq != next) revert OutOfOrder(roundId, _roundIdOf[next]);
    }

    function _cancellableAt(Round storage r) private view returns (uint256) {
        uint256 from = r.params.resolvesAt;
        uint256 until = _clock.pausedUntil;
        return (until > from ? until : from) + GRACE_PERIOD;
    }

    /// R4: clamp(factor * ((corrM * corr + mmcM * mmc) / 1e18) / 1e18, -cap, cap).
    function _ratio(int256 factor, int256 corrM, int256 mmcM, int256 cap, int256 corr, int256 mmc)
        private
        pure
        returns (int256 ratio)
    {
        int256 score = (corrM * corr + mmcM * mmc) / int256(WAD);
        ratio = (factor * score) / int256(WAD);
        if (ratio > cap) ratio = cap;
        else if (ratio < -cap) ratio = -cap;
    }

    function _leafHash(ScoreLeaf calldata leaf) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(leaf.modelId, leaf.corr, leaf.mmc))));
    }

    /* INTERNAL: model pools */

    /// The last seq whose result has landed on the model: every round up to the finalized one,
    /// and the round it was last settled in (its result is applied; earlier ones are final).
    function _landed(Pool memory p, uint32 finalizedSeq) private pure returns (uint32) {
        return p.settledSeq > finalizedSeq ? p.settledSeq : finalizedSeq;
    }

    /// Loads a model's pool about to change and applies its due buckets (keys <= f, the landed
    /// seq, returned). The caller stores the pool, and the queue when `qDirty`.
    function _load(bytes32 modelId, uint32 finalizedSeq)
        private
        returns (Pool memory p, Queue memory q, bool qDirty, uint32 f)
    {
        p = _pools[modelId];
        f = _landed(p, finalizedSeq);
        if (p.nextKey != 0) {
            q = _queues[modelId];
            qDirty = _applyDue(modelId, p, q, f);
        }
    }

    /// Applies the due buckets (keys <= f) in key order, exits before joins of a key (R1).
    function _applyDue(bytes32 modelId, Pool memory p, Queue memory q, uint32 f) private returns (bool changed) {
        uint32 key = p.nextKey;
        if (key == 0 || key > f) return false;
        for (; key <= f && (q.joinMask | q.exitMask) != 0; ++key) {
            uint256 i = key % RING;
            uint32 bit = uint32(1 << i);
            if (q.exitMask & bit != 0) {
                ExitBucket storage e = _exits[modelId][i];
                uint256 shares = e.shares;
                uint256 assets = _exitStep(p, shares);
                e.assets = uint96(assets);
                e.applied = true;
                q.exitMask &= ~bit;
                _released += assets;
                emit UnstakeReleased(modelId, _roundIdOf[key], shares, assets);
                _sweepIfEmpty(modelId, p);
            }
            if (q.joinMask & bit != 0) {
                uint256 assets = _waitingJoin(modelId, q, key);
                if (_isLive(q, key)) (q.liveAssets, q.liveLow) = (0, 0);
                uint256 shares = _joinStep(p, assets);
                _joins[modelId][i] = JoinBucket(uint24(key), true, uint96(assets), uint128(shares));
                q.joinMask &= ~bit;
                q.waiting -= uint88(assets);
                emit StakesJoined(modelId, _roundIdOf[key], assets, shares);
            }
        }
        p.nextKey = _nextPending(q, f);
        return true;
    }

    /// The smallest waiting key once every key <= f is applied (0: none). Waiting keys lie
    /// within RING keys after f.
    function _nextPending(Queue memory q, uint32 f) private pure returns (uint24) {
        uint32 rest = q.joinMask | q.exitMask;
        if (rest == 0) return 0;
        uint256 key = f + 1;
        while (rest & (1 << (key % RING)) == 0) ++key;
        return uint24(key);
    }

    /// The same as _applyDue without writing: the pool and queue as they will be, and the
    /// shares and assets of each preview-applied join bucket (by ring index).
    function _preview(bytes32 modelId, uint32 f)
        private
        view
        returns (Pool memory p, Queue memory q, uint256[RING] memory joined, uint256[RING] memory joinedAssets)
    {
        p = _pools[modelId];
        if (p.nextKey == 0) return (p, q, joined, joinedAssets);
        f = _landed(p, f);
        q = _queues[modelId];
        if (p.nextKey > f) return (p, q, joined, joinedAssets);
        for (uint32 key = p.nextKey; key <= f && (q.joinMask | q.exitMask) != 0; ++key) {
            uint256 i = key % RING;
            uint32 bit = uint32(1 << i);
            if (q.exitMask & bit != 0) {
                _exitStep(p, _exits[modelId][i].shares);
                q.exitMask &= ~bit;
                if (p.totalShares == 0) p.totalAssets = 0;
            }
            if (q.joinMask & bit != 0) {
                uint256 assets = _waitingJoin(modelId, q, key);
                if (_isLive(q, key)) (q.liveAssets, q.liveLow) = (0, 0);
                joinedAssets[i] = assets;
                joined[i] = _joinStep(p, assets);
                q.joinMask &= ~bit;
                q.waiting -= uint88(assets);
            }
        }
        p.nextKey = _nextPending(q, f);
    }

    /// Requested shares leave the pool at the current price; returns their assets.
    function _exitStep(Pool memory p, uint256 shares) private pure returns (uint256 assets) {
        assets = ShareMath.toAssetsDown(shares, p.totalAssets, p.totalShares);
        // Requested shares are part of the totals; assets <= totalAssets (rounding down).
        p.totalAssets -= uint96(assets);
        p.totalShares -= uint112(shares);
    }

    /// Waiting assets join the pool at the current price; returns their shares.
    function _joinStep(Pool memory p, uint256 assets) private pure returns (uint256 shares) {
        shares = ShareMath.toSharesDown(assets, p.totalAssets, p.totalShares);
        p.totalAssets = (p.totalAssets + assets).toUint96();
        p.totalShares = (p.totalShares + shares).toUint112();
    }

    /// R10: assets left without shares go to the reward pool, so the pool restarts at 1:1.
    function _sweepIfEmpty(bytes32 modelId, Pool memory p) private {
        if (p.totalShares != 0 || p.totalAssets == 0) return;
        uint256 dust = p.totalAssets;
        p.totalAssets = 0;
        _rewardPool += dust;
        emit DustSwept(modelId, dust);
    }

    /// Marks the join (or exit) bucket of `key` waiting in the model's queue, opening it if new.
    /// Keys arrive in increasing order, after the model's landed seq.
    function _enqueue(bytes32 modelId, Pool memory p, Queue memory q, uint32 key, bool join) private {
        if (p.nextKey == 0) {
            (q.joinMask, q.exitMask, q.waiting, q.liveAssets, q.liveLow) = (0, 0, 0, 0, 0);
            p.nextKey = uint24(key);
        }
        uint32 bit = uint32(1 << (key % RING));
        if (join) {
            if (q.joinMask & bit == 0) {
                // A new live key: the previous one's deposits move to their ring bucket, and
                // this key's bucket is opened by its first staker (so settling never archives).
                if (q.liveAssets != 0) _flushLive(modelId, q, key);
                _openJoin(modelId, key);
                q.liveLow = uint8(key);
                q.joinMask |= bit;
            }
        } else if (q.exitMask & bit == 0) {
            _openExit(modelId, key);
            q.exitMask |= bit;
        }
    }

    /// Whether `key` is the live join key: its deposits are in `q.liveAssets`, not in its ring
    /// bucket (waiting keys lie within RING of each other, so 8 low bits tell it).
    function _isLive(Queue memory q, uint32 key) private pure returns (bool) {
        return q.liveAssets != 0 && uint8(key) == q.liveLow;
    }

    /// The assets of a waiting join key.
    function _waitingJoin(bytes32 modelId, Queue memory q, uint32 key) private view returns (uint256) {
        return _isLive(q, key) ? q.liveAssets : _joins[modelId][key % RING].assets;
    }

    /// Moves the live key's deposits to its (open) ring bucket before `key`, a newer key, goes
    /// live. The live key is the newest waiting join key, less than 256 keys before `key`.
    function _flushLive(bytes32 modelId, Queue memory q, uint32 key) private {
        uint32 live = key - ((key - q.liveLow) % 256);
        _joins[modelId][live % RING].assets = uint96(q.liveAssets);
        q.liveAssets = 0;
    }

    /// Readies the ring bucket for a new key: archives its previous key's unclaimed part.
    function _openJoin(bytes32 modelId, uint32 key) private {
        JoinBucket storage b = _joins[modelId][key % RING];
        JoinBucket memory old = b;
        if (old.assets != 0) _joinArchive[modelId][old.key] = old;
        _joins[modelId][key % RING] = JoinBucket(uint24(key), false, 0, 0);
    }

    function _openExit(bytes32 modelId, uint32 key) private {
        ExitBucket storage b = _exits[modelId][key % RING];
        ExitBucket memory old = b;
        if (old.shares != 0) _exitArchive[modelId][old.key] = old;
        _exits[modelId][key % RING] = ExitBucket(uint24(key), false, 0, 0);
    }

    /// The bucket of `key`: in the ring, or archived once its ring slot was reused.
    function _exitBucket(bytes32 modelId, uint32 key) private view returns (ExitBucket storage b, bool archived) {
        b = _exits[modelId][key % RING];
        archived = b.key != key;
        if (archived) b = _exitArchive[modelId][key];
    }

    function _exitBucketView(bytes32 modelId, uint32 key) private view returns (ExitBucket memory b) {
        (b,) = _exitBucket(modelId, key);
    }

    function _joinBucket(bytes32 modelId, uint32 key) private view returns (JoinBucket storage b, bool archived) {
        b = _joins[modelId][key % RING];
        archived = b.key != key;
        if (archived) b = _joinArchive[modelId][key];
    }

    function _joinBucketView(bytes32 modelId, uint32 key) private view returns (JoinBucket memory b) {
        (b,) = _joinBucket(modelId, key);
    }

    function _exitingShares(bytes32 modelId, Queue memory q) private view returns (uint256 total) {
        uint32 mask = q.exitMask;
        for (uint256 i; mask != 0; ++i) {
            if (mask & 1 != 0) total += _exits[modelId][i].shares;
            mask >>= 1;
        }
    }

    /* INTERNAL: stakers */

    /// Credits the staker's deposits whose buckets joined (keys <= f; the model's due buckets
    /// are applied first by the caller). Returns whether `s` changed.
    function _credit(bytes32 modelId, address staker, Staker memory s, uint32 f) private returns (bool) {
        if (s.mask == 0 || s.base > f) return false;
        for (uint32 key = s.base; key <= f && s.mask != 0; ++key) {
            uint256 i = key % RING;
            uint32 bit = uint32(1 << i);
            if (s.mask & bit == 0) continue;
            uint256 dep = _deposits[modelId][staker][i].assets;
            (JoinBucket storage b, bool archived) = _joinBucket(modelId, key);
            uint256 bAssets = b.assets;
            uint256 bShares = b.shares;
            uint256 shares;
            if (dep == bAssets) {
                shares = bShares;
                if (archived) delete _joinArchive[modelId][key];
                else (b.assets, b.shares) = (0, 0);
            } else {
                shares = Math.mulDiv(dep, bShares, bAssets);
                b.assets = uint96(bAssets - dep);
                b.shares = uint128(bShares - shares);
            }
            s.shares = (s.shares + shares).toUint128();
            s.mask &= ~bit;
        }
        s.base = f + 1;
        return true;
    }

    /// Records a waiting deposit of the staker under `key` (the staker is credited up to f).
    function _addDeposit(bytes32 modelId, Staker memory s, uint32 key, uint256 assets, uint32 f) private {
        if (s.mask == 0) s.base = f + 1;
        uint256 i = key % RING;
        uint32 bit = uint32(1 << i);
        Deposit storage d = _deposits[modelId][msg.sender][i];
        if (s.mask & bit != 0) {
            d.assets = (d.assets + assets).toUint96();
        } else {
            (d.key, d.assets) = (key, assets.toUint96());
            s.mask |= bit;
        }
    }

    /* INTERNAL: tokens */

    /// Pulls `amount` and returns what arrived (R11).
    function _pull(uint256 amount) private returns (uint256 received) {
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        received = token.balanceOf(address(this)) - before;
        if (received == 0) revert NothingReceived();
    }

    /// Burns through the token's `burn` when it has one, else sends to the dead address.
    function _burn(uint256 amount) private {
        try ERC20Burnable(address(token)).burn(amount) {}
        catch {
            token.safeTransfer(DEAD, amount);
        }
    }
}
