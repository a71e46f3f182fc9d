// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ITournament
/// @notice Staking on prediction models, with rounds whose live data, submissions and scores are
/// committed on chain, and payouts or burns applied per model by score.
///
/// Accounting rules:
/// - Each model is a share pool: stakers own shares; paying or burning a model changes its
///   assets, never its shares, so settling a model is O(1) whatever the number of stakers.
///   Conversions use one virtual share and one virtual asset and always round against the
///   caller (stake: shares down; unstake request: shares up; release: assets down).
/// - Stake at risk of a model in a round is the model's *active* stake (the value of its shares
///   not pending unstake) at the moment the round closes, payouts of earlier rounds settled
///   before that moment included. `closeRound` is O(1): it ticks a clock; every change to a
///   model records its active stake at the current clock (a per-model checkpoint history,
///   kept only while a closed, unfinalized round may still need it).
/// - Rounds settle in the order they were opened: `settle` and `finalizeRound` need every
///   earlier round finalized. A model settles at most once per round.
/// - Unstake is a request. The requested shares stop counting as active at once (so they are
///   not at risk in rounds that close later), but they stay in the model's pool, sharing every
///   payout and burn applied to the model, until the latest round opened before the request is
///   finalized (its "release round"; rounds finalize in order, so every round that was open or
///   closed-but-unsettled at the request is then finalized). At release they leave the pool at
///   the model's share price of that moment, for a fixed token amount, which `withdraw` then
///   pays; no later result touches it. With no unfinalized round at the request, the shares are
///   converted at once and the request is immediately withdrawable. Release is applied lazily,
///   at the model's next stake, unstake request, withdrawal or settlement, which all come before
///   any later result can touch the model.
/// - Payouts come from the reward pool. At resolution the operator declares the round's total
///   positive payout T (the sum of the positive payouts it will settle); the contract reserves
///   R = min(pool, T). Each positive payout p is paid as p * R / T rounded down: in full when
///   the pool covers T, pro rata when it is short. The sum of settled positive payouts p may not
///   exceed T (the batch reverts). Unpaid reserve (rounding dust, models never settled) returns
///   to the pool when the round is finalized.
/// - Burns happen in full: payout < 0 burns |payout| of the model's assets (through the token's
///   `burn`, or by a transfer to 0x…dEaD if it has none). A burn is only capped by the model's
///   current assets, which can only bind if overlapping rounds' caps sum above 100%.
/// - payout = stakeAtRisk * ratio / 1e18, signed, rounded toward zero; |ratio| <= payoutCap.
/// - Limits: a model's total assets and total shares each fit in 104 bits (about 2e31 wei,
///   20 trillion tokens of 18 decimals); an operation that would exceed them reverts.
interface ITournament {
    enum RoundStatus {
        None,
        Open,
        Closed,
        Resolved,
        Settled
    }

    struct RoundParams {
        /// Unix seconds, informational: the operator closes the round.
        uint64 closesAt;
        /// Unix seconds, informational.
        uint64 resolvesAt;
        /// Largest |payout / stake at risk|, WAD (1e18 = 100%); at most 1e18.
        uint256 payoutCap;
        /// Weight of the correlation score in the ratio, WAD (applied off chain).
        uint256 corrMultiplier;
        /// Weight of the meta-model contribution in the ratio, WAD (applied off chain).
        uint256 mmcMultiplier;
        /// Total stake at risk above which payouts scale down, token wei (applied off chain).
        uint256 stakeThreshold;
    }

    struct Round {
        RoundStatus status;
        /// Position in opening order, from 1.
        uint24 seq;
        /// Clock value fixed at close: checkpoints at or before it are the round's stakes.
        uint24 closeClock;
        uint64 openedAt;
        uint64 closedAt;
        uint64 resolvedAt;
        uint64 finalizedAt;
        bytes32 liveDataHash;
        bytes32 submissionsRoot;
        bytes32 targetsHash;
        bytes32 scoresRoot;
        RoundParams params;
        /// Declared sum of positive payouts (before pro rata scaling).
        uint256 totalPositivePayout;
        /// Reward tokens reserved for the round: min(pool, totalPositivePayout).
        uint256 reserved;
        /// Sum of positive payouts settled so far, before scaling (at most totalPositivePayout).
        uint256 declared;
        /// Reward tokens paid to models so far (at most reserved).
        uint256 paid;
        /// Tokens burnt from models so far.
        uint256 burnt;
    }

    struct UnstakeRequest {
        address staker;
        bytes32 modelId;
        uint256 shares;
        /// Released once this round is finalized (0: released at request).
        uint256 releaseRound;
        /// Tokens owed; 0 until released (known at withdrawal for pending requests).
        uint256 assets;
        bool withdrawn;
    }

    /* EVENTS */

    event Staked(bytes32 indexed modelId, address indexed staker, uint256 assets, uint256 shares);
    event UnstakeRequested(
        uint256 indexed requestId, bytes32 indexed modelId, address indexed staker, uint256 shares, uint256 releaseRound
    );
    /// A group of pending unstake shares (all requests of a model with one release round) left
    /// the model's pool for a fixed token amount.
    event UnstakeReleased(bytes32 indexed modelId, uint256 indexed releaseRound, uint256 shares, uint256 assets);
    event Withdrawn(uint256 indexed requestId, bytes32 indexed modelId, address indexed staker, uint256 assets);
    event RewardsFunded(address indexed from, uint256 amount);
    event RoundOpened(uint256 indexed roundId, bytes32 liveDataHash, RoundParams params);
    event RoundClosed(uint256 indexed roundId, bytes32 submissionsRoot, uint256 closeClock);
    event RoundResolved(
        uint256 indexed roundId, bytes32 targetsHash, bytes32 scoresRoot, uint256 totalPositivePayout, uint256 reserved
    );
    /// `payout` is what was applied: positive payouts after pro rata scaling, burns as burnt.
    event ModelSettled(
        uint256 indexed roundId, bytes32 indexed modelId, uint256 stakeAtRisk, int256 ratio, int256 payout
    );
    event RoundFinalized(uint256 indexed roundId, uint256 paid, uint256 burnt, uint256 returnedToPool);
    /// The contract was paused by `account` (same signature as OpenZeppelin's Pausable).
    event Paused(address account);
    /// The contract was unpaused by `account` (same signature as OpenZeppelin's Pausable).
    event Unpaused(address account);

    /* ERRORS */

    error ZeroAmount();
    error ZeroShares(uint256 amount);
    error InsufficientShares(uint256 wanted, uint256 owned);
    error UnknownRequest(uint256 requestId);
    error NotRequester(uint256 requestId, address caller);
    error AlreadyWithdrawn(uint256 requestId);
    error NotReleased(uint256 requestId, uint256 releaseRound);
    error RoundIdNotIncreasing(uint256 roundId, uint256 latest);
    error WrongRoundStatus(uint256 roundId, RoundStatus status, RoundStatus expected);
    error PreviousRoundNotSettled(uint256 roundId, uint256 previousRoundId);
    error PayoutCapTooHigh(uint256 payoutCap);
    error LengthMismatch(uint256 models, uint256 ratios);
    error RatioAboveCap(bytes32 modelId, int256 ratio, uint256 cap);
    error AlreadySettled(uint256 roundId, bytes32 modelId);
    error PayoutsExceedDeclared(uint256 roundId, uint256 declared, uint256 total);
    error StakeAtRiskUnavailable(uint256 roundId, bytes32 modelId);
    /// The operation is stopped while paused, or `pause` was called while paused.
    error EnforcedPause();
    /// `unpause` was called while not paused.
    error ExpectedPause();

    /* STAKING */

    /// @notice Stakes `amount` tokens on `modelId`, pulled with transferFrom. Paused: reverts.
    /// @param modelId The model's bytes32 id.
    /// @param amount Tokens, wei; must buy at least one share.
    function stake(bytes32 modelId, uint256 amount) external;

    /// @notice Like `stake`, approving through an ERC-2612 permit in the same transaction. A
    /// permit that fails (e.g. front-run) is ignored if the allowance is already in place.
    function stakeWithPermit(bytes32 modelId, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external;

    /// @notice Requests to unstake `amount` tokens' worth of the caller's active shares of
    /// `modelId` (converted to shares rounding up, against the caller); `type(uint256).max`
    /// unstakes everything. See the unstake rule above. Paused: reverts.
    /// @return requestId The id to `withdraw` with once released.
    function requestUnstake(bytes32 modelId, uint256 amount) external returns (uint256 requestId);

    /// @notice Pays a released unstake request's tokens to its requester, once. Never paused.
    function withdraw(uint256 requestId) external;

    /// @notice Adds `amount` tokens to the reward pool. Anyone may fund it.
    function fundRewards(uint256 amount) external;

    /* ROUNDS (operator) */

    /// @notice Opens a round, recording its live data hash and payout parameters.
    /// @param roundId Strictly greater than every round opened before.
    function openRound(uint256 roundId, bytes32 liveDataHash, RoundParams calldata params) external;

    /// @notice Closes an open round: records the submissions Merkle root and fixes every
    /// model's stake at risk as of now (O(1): a clock tick).
    function closeRound(uint256 roundId, bytes32 submissionsRoot) external;

    /// @notice Resolves a closed round: records the targets hash and the scores Merkle root and
    /// reserves min(pool, totalPositivePayout) from the reward pool (see the pro rata rule).
    function resolveRound(uint256 roundId, bytes32 targetsHash, bytes32 scoresRoot, uint256 totalPositivePayout)
        external;

    /// @notice Applies payout ratios (WAD, signed) to models of a resolved round, in batches of
    /// any size. Every earlier round must be finalized; each model settles at most once per round.
    function settle(uint256 roundId, bytes32[] calldata modelIds, int256[] calldata payoutRatios) external;

    /// @notice Marks a resolved round settled (every earlier round must be): no more `settle`;
    /// returns the unpaid reserve to the pool and releases unstake requests waiting for it.
    function finalizeRound(uint256 roundId) external;

    /// @notice Pauses staking (`stake`, `stakeWithPermit`), `requestUnstake` and every round
    /// operation (open, close, resolve, settle, finalize): they revert EnforcedPause. `withdraw`
    /// and `fundRewards` still work, so released stake can always leave. Only PAUSER_ROLE;
    /// reverts EnforcedPause if already paused.
    function pause() external;

    /// @notice Unpauses. Only PAUSER_ROLE; reverts ExpectedPause if not paused.
    function unpause() external;

    /* VIEWS */

    /// @notice Whether the contract is paused (see `pause`).
    function paused() external view returns (bool);

    /// @notice A model's active stake when `roundId` closed: 0 before the round closes. Exact
    /// until the model is settled in the round; afterwards it reverts StakeAtRiskUnavailable
    /// (the figure is in ModelSettled) as its history may have been pruned.
    function stakeAtRisk(uint256 roundId, bytes32 modelId) external view returns (uint256);

    /// @notice A model's pool: total assets, total shares and active (not pending unstake) assets.
    function modelStake(bytes32 modelId)
        external
        view
        returns (uint256 totalAssets, uint256 totalShares, uint256 activeAssets);

    /// @notice A staker's active shares of a model and their current value in tokens.
    function positionOf(bytes32 modelId, address staker) external view returns (uint256 shares, uint256 assets);

    /// @notice A model's shares pending unstake: requested, still in the pool (part of
    /// `totalShares`, not active) until their release round is finalized and they are converted.
    /// Every staker's `positionOf` shares plus this make the model's `totalShares`.
    function pendingShares(bytes32 modelId) external view returns (uint256);

    /// @notice An unstake request.
    function unstakeRequest(uint256 requestId) external view returns (UnstakeRequest memory);

    /// @notice Whether `withdraw(requestId)` would pay now.
    function isWithdrawable(uint256 requestId) external view returns (bool);

    /// @notice Tokens in the reward pool (not reserved for a round).
    function rewardPool() external view returns (uint256);

    /// @notice Reward tokens reserved for resolved, unfinalized rounds and not paid yet.
    function reservedRewards() external view returns (uint256);

    /// @notice Tokens of released unstake requests not withdrawn yet.
    function releasedAssets() external view returns (uint256);

    /// @notice A round's record.
    function round(uint256 roundId) external view returns (Round memory);

    /// @notice Whether `modelId` can no longer be settled in `roundId` because it was settled in
    /// it or in a later round (models settle in round order). Exact while the round is not
    /// finalized; for a finalized round, a model skipped in it reads true once it settles in a
    /// later round. The per-round record is the ModelSettled events.
    function isSettled(uint256 roundId, bytes32 modelId) external view returns (bool);

    /// @notice The highest round id opened so far (0: none).
    function latestRound() external view returns (uint256);

    /// @notice The last finalized round id (0: none).
    function lastFinalizedRound() external view returns (uint256);
}
