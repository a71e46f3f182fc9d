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
/// @dev See ITournament for the accounting rules.
contract Tournament is ITournament, AccessControl, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;
    using SafeCast for uint256;

    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    address internal constant DEAD = 0x000000000000000000000000000000000000dEaD;

    struct Model {
        uint256 totalAssets;
        uint256 totalShares;
        uint256 pendingShares;
    }

    /// @notice The stake token.
    IERC20 public immutable token;

    /* STORAGE */

    mapping(bytes32 modelId => Model) private _models;
    mapping(bytes32 modelId => mapping(address staker => uint256 shares)) private _shares;
    mapping(bytes32 modelId => Checkpoints.Trace208) private _activeStake;
    mapping(uint256 roundId => Round) private _rounds;
    mapping(uint256 roundId => mapping(bytes32 modelId => bool)) private _settled;
    mapping(uint256 requestId => UnstakeRequest) private _requests;
    uint256 private _rewardPool;
    uint256 private _latestRound;
    uint256 private _nextRequestId = 1;
    /// Ticks at every close; checkpoints are keyed by it, so a close fixes stakes in O(1).
    uint48 private _clock = 1;

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
        // A permit front-run by someone else still leaves the allowance in place: go on if so.
        try IERC20Permit(address(token)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _stake(modelId, amount);
    }

    function _stake(bytes32 modelId, uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        Model storage m = _models[modelId];
        uint256 shares = ShareMath.toSharesDown(amount, m.totalAssets, m.totalShares);
        if (shares == 0) revert ZeroShares(amount);
        m.totalAssets += amount;
        m.totalShares += shares;
        _shares[modelId][msg.sender] += shares;
        _checkpoint(modelId, m);
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
        Model storage m = _models[modelId];
        uint256 owned = _shares[modelId][msg.sender];
        uint256 shares =
            amount == type(uint256).max ? owned : ShareMath.toSharesUp(amount, m.totalAssets, m.totalShares);
        if (shares == 0) revert ZeroShares(amount);
        if (shares > owned) revert InsufficientShares(shares, owned);
        uint256 release = _latestRound;
        if (release != 0 && _rounds[release].status == RoundStatus.Settled) release = 0;
        _shares[modelId][msg.sender] = owned - shares;
        m.pendingShares += shares;
        _checkpoint(modelId, m);
        requestId = _nextRequestId++;
        _requests[requestId] = UnstakeRequest(msg.sender, modelId, shares, release, false);
        emit UnstakeRequested(requestId, modelId, msg.sender, shares, release);
    }

    /// @inheritdoc ITournament
    function withdraw(uint256 requestId) external nonReentrant {
        UnstakeRequest storage q = _requests[requestId];
        if (q.staker != msg.sender) revert NotRequester(requestId, msg.sender);
        if (q.withdrawn) revert AlreadyWithdrawn(requestId);
        if (q.releaseRound != 0 && _rounds[q.releaseRound].status != RoundStatus.Settled) {
            revert NotReleased(requestId, q.releaseRound);
        }
        Model storage m = _models[q.modelId];
        uint256 assets = ShareMath.toAssetsDown(q.shares, m.totalAssets, m.totalShares);
        q.withdrawn = true;
        m.totalAssets -= assets;
        m.totalShares -= q.shares;
        m.pendingShares -= q.shares;
        _checkpoint(q.modelId, m);
        emit Withdrawn(requestId, q.modelId, msg.sender, assets);
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
        if (roundId <= _latestRound) revert RoundIdNotIncreasing(roundId, _latestRound);
        if (params.payoutCap > PayoutMath.WAD) revert InvalidParams();
        _latestRound = roundId;
        Round storage r = _rounds[roundId];
        r.status = RoundStatus.Open;
        r.openedAt = uint64(block.timestamp);
        r.liveDataHash = liveDataHash;
        r.params = params;
        emit RoundOpened(roundId, liveDataHash, params);
    }

    /// @inheritdoc ITournament
    function closeRound(uint256 roundId, bytes32 submissionsRoot) external onlyRole(OPERATOR_ROLE) whenNotPaused {
        Round storage r = _expect(roundId, RoundStatus.Open);
        uint48 clock = _clock;
        r.status = RoundStatus.Closed;
        r.closedAt = uint64(block.timestamp);
        r.closeClock = clock;
        r.submissionsRoot = submissionsRoot;
        _clock = clock + 1;
        emit RoundClosed(roundId, submissionsRoot, clock);
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
        r.targetsHash = targetsHash;
        r.scoresRoot = scoresRoot;
        r.totalPositivePayout = totalPositivePayout;
        r.reserved = reserved;
        _rewardPool = pool - reserved;
        emit RoundResolved(roundId, targetsHash, scoresRoot, totalPositivePayout, reserved);
    }

    /// Running totals of a settle batch (a struct keeps the loop within the stack limit).
    struct Batch {
        uint48 closeClock;
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
        Round storage r = _expect(roundId, RoundStatus.Resolved);
        Batch memory b = Batch(r.closeClock, r.params.payoutCap, r.totalPositivePayout, r.reserved, r.declared, r.paid, 0);
        mapping(bytes32 => bool) storage settled = _settled[roundId];
        for (uint256 i; i < modelIds.length; ++i) {
            bytes32 id = modelIds[i];
            if (settled[id]) revert AlreadySettled(roundId, id);
            settled[id] = true;
            _settleModel(roundId, id, payoutRatios[i], b);
        }
        if (b.declared > b.total) revert PayoutsExceedDeclared(roundId, b.declared, b.total);
        r.declared = b.declared;
        r.paid = b.paid;
        r.burnt += b.burnt;
        if (b.burnt > 0) _burn(b.burnt);
    }

    function _settleModel(uint256 roundId, bytes32 id, int256 ratio, Batch memory b) private {
        if (PayoutMath.abs(ratio) > b.cap) revert RatioAboveCap(id, ratio, b.cap);
        uint256 atRisk = _activeStake[id].upperLookup(b.closeClock);
        int256 payout = PayoutMath.payout(atRisk, ratio);
        Model storage m = _models[id];
        if (payout > 0) {
            uint256 owed = uint256(payout);
            uint256 scaled = PayoutMath.scaleDown(owed, b.reserved, b.total);
            b.declared += owed;
            b.paid += scaled;
            m.totalAssets += scaled;
            payout = scaled.toInt256();
        } else if (payout < 0) {
            uint256 loss = uint256(-payout);
            b.burnt += loss;
            m.totalAssets -= loss;
        }
        if (payout != 0) _checkpoint(id, m);
        emit ModelSettled(roundId, id, atRisk, ratio, payout);
    }

    /// @inheritdoc ITournament
    function finalizeRound(uint256 roundId) external onlyRole(OPERATOR_ROLE) whenNotPaused {
        Round storage r = _expect(roundId, RoundStatus.Resolved);
        uint256 dust = r.reserved - r.paid;
        r.status = RoundStatus.Settled;
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
        return _activeStake[modelId].upperLookup(r.closeClock);
    }

    /// @inheritdoc ITournament
    function modelStake(bytes32 modelId)
        external
        view
        returns (uint256 totalAssets, uint256 totalShares, uint256 activeAssets)
    {
        Model storage m = _models[modelId];
        return (m.totalAssets, m.totalShares, _active(m));
    }

    /// @inheritdoc ITournament
    function positionOf(bytes32 modelId, address staker) external view returns (uint256 shares, uint256 assets) {
        Model storage m = _models[modelId];
        shares = _shares[modelId][staker];
        assets = ShareMath.toAssetsDown(shares, m.totalAssets, m.totalShares);
    }

    /// @inheritdoc ITournament
    function unstakeRequest(uint256 requestId) external view returns (UnstakeRequest memory) {
        return _requests[requestId];
    }

    /// @inheritdoc ITournament
    function rewardPool() external view returns (uint256) {
        return _rewardPool;
    }

    /// @inheritdoc ITournament
    function round(uint256 roundId) external view returns (Round memory) {
        return _rounds[roundId];
    }

    /// @inheritdoc ITournament
    function isSettled(uint256 roundId, bytes32 modelId) external view returns (bool) {
        return _settled[roundId][modelId];
    }

    /// @inheritdoc ITournament
    function latestRound() external view returns (uint256) {
        return _latestRound;
    }

    /* INTERNAL */

    function _expect(uint256 roundId, RoundStatus expected) private view returns (Round storage r) {
        r = _rounds[roundId];
        if (r.status != expected) revert WrongRoundStatus(roundId, r.status, expected);
    }

    /// Active assets: the value of the shares not pending unstake.
    function _active(Model storage m) private view returns (uint256) {
        return ShareMath.toAssetsDown(m.totalShares - m.pendingShares, m.totalAssets, m.totalShares);
    }

    function _checkpoint(bytes32 modelId, Model storage m) private {
        _activeStake[modelId].push(_clock, _active(m).toUint208());
    }

    /// Burns through the token's `burn` when it has one, else sends to the dead address.
    function _burn(uint256 amount) private {
        try ERC20Burnable(address(token)).burn(amount) {}
        catch {
            token.safeTransfer(DEAD, amount);
        }
    }
}
