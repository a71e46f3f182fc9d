// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ITournament
/// @notice Staking on prediction models, with rounds whose data, submissions and scores are
/// committed on chain, and payouts or burns applied per model by score.
///
/// Accounting rules:
/// - Each model is a share pool: stakers own shares; paying or burning a model changes its
///   assets, never its shares, so settling a model is O(1) whatever the number of stakers.
/// - Stake at risk in a round is the model's *active* stake (assets of shares not pending
///   unstake) at the moment the round closes, read from per-model checkpoints.
/// - Unstake is a request: its shares stop counting as active at once, but stay in the pool
///   (sharing the model's results) until the last round opened before the request is settled;
///   then they can be withdrawn at their value at withdrawal time.
/// - Payouts come from the reward pool. At resolution the operator declares the round's total
///   positive payout T; the contract reserves R = min(pool, T). Each positive payout p is paid as
///   p * R / T (rounded down): pro rata when the pool is short. Dust returns to the pool when
///   the round is finalized. Burns always happen in full.
/// - payout = stakeAtRisk * ratio / 1e18, signed, rounded toward zero; |ratio| <= payoutCap.
interface ITournament {
    enum RoundStatus {
        None,
        Open,
        Closed,
        Resolved,
        Settled
    }

    struct RoundParams {
        uint64 closesAt;
        uint64 resolvesAt;
        /// Largest |payout / stake at risk|, WAD (1e18 = 100%).
        uint256 payoutCap;
        uint256 corrMultiplier;
        uint256 mmcMultiplier;
        /// Total stake at risk above which payouts scale down, token wei.
        uint256 stakeThreshold;
    }

    struct Round {
        RoundStatus status;
        uint48 closeClock;
        uint64 openedAt;
        uint64 closedAt;
        bytes32 liveDataHash;
        bytes32 submissionsRoot;
        bytes32 targetsHash;
        bytes32 scoresRoot;
        RoundParams params;
        uint256 totalPositivePayout;
        uint256 reserved;
        uint256 declared;
        uint256 paid;
        uint256 burnt;
    }

    struct UnstakeRequest {
        address staker;
        bytes32 modelId;
        uint256 shares;
        /// Released once this round is settled (0: at once).
        uint256 releaseRound;
        bool withdrawn;
    }

    /* EVENTS */

    event Staked(bytes32 indexed modelId, address indexed staker, uint256 assets, uint256 shares);
    event UnstakeRequested(
        uint256 indexed requestId, bytes32 indexed modelId, address indexed staker, uint256 shares, uint256 releaseRound
    );
    event Withdrawn(uint256 indexed requestId, bytes32 indexed modelId, address indexed staker, uint256 assets);
    event RewardsFunded(address indexed from, uint256 amount);
    event RoundOpened(uint256 indexed roundId, bytes32 liveDataHash, RoundParams params);
    event RoundClosed(uint256 indexed roundId, bytes32 submissionsRoot, uint48 closeClock);
    event RoundResolved(
        uint256 indexed roundId, bytes32 targetsHash, bytes32 scoresRoot, uint256 totalPositivePayout, uint256 reserved
    );
    event ModelSettled(
        uint256 indexed roundId, bytes32 indexed modelId, uint256 stakeAtRisk, int256 ratio, int256 payout
    );
    event RoundFinalized(uint256 indexed roundId, uint256 paid, uint256 burnt, uint256 returnedToPool);

    /* ERRORS */

    error ZeroAmount();
    error ZeroShares(uint256 amount);
    error InsufficientShares(uint256 wanted, uint256 owned);
    error NotRequester(uint256 requestId, address caller);
    error AlreadyWithdrawn(uint256 requestId);
    error NotReleased(uint256 requestId, uint256 releaseRound);
    error RoundIdNotIncreasing(uint256 roundId, uint256 latest);
    error WrongRoundStatus(uint256 roundId, RoundStatus status, RoundStatus expected);
    error InvalidParams();
    error LengthMismatch(uint256 models, uint256 ratios);
    error RatioAboveCap(bytes32 modelId, int256 ratio, uint256 cap);
    error AlreadySettled(uint256 roundId, bytes32 modelId);
    error PayoutsExceedDeclared(uint256 roundId, uint256 declared, uint256 total);

    /* STAKING */

    /// @notice Stakes `amount` tokens on `modelId` (pulls them with transferFrom).
    /// @param modelId The model's bytes32 id.
    /// @param amount Tokens, wei; must buy at least one share.
    function stake(bytes32 modelId, uint256 amount) external;

    /// @notice Like `stake`, approving through an ERC-2612 permit in the same transaction.
    function stakeWithPermit(bytes32 modelId, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external;

    /// @notice Requests to unstake `amount` tokens' worth of the caller's shares of `modelId`
    /// (rounded up to whole shares, against the caller); `type(uint256).max` means everything.
    /// @return requestId The id to `withdraw` with once released.
    function requestUnstake(bytes32 modelId, uint256 amount) external returns (uint256 requestId);

    /// @notice Withdraws a released unstake request's tokens to its requester. Never paused.
    function withdraw(uint256 requestId) external;

    /// @notice Adds `amount` tokens to the reward pool. Anyone may fund it.
    function fundRewards(uint256 amount) external;

    /* ROUNDS (operator) */

    /// @notice Opens a round, recording its live data hash and payout parameters.
    /// @param roundId Strictly greater than every round opened before.
    function openRound(uint256 roundId, bytes32 liveDataHash, RoundParams calldata params) external;

    /// @notice Closes an open round: records the submissions Merkle root and fixes every
    /// model's stake at risk as of now (O(1): a checkpoint clock tick).
    function closeRound(uint256 roundId, bytes32 submissionsRoot) external;

    /// @notice Resolves a closed round: records the targets hash and scores root and reserves
    /// the round's positive payouts from the pool (see the pro rata rule above).
    function resolveRound(uint256 roundId, bytes32 targetsHash, bytes32 scoresRoot, uint256 totalPositivePayout)
        external;

    /// @notice Applies payout ratios (WAD, signed) to models of a resolved round, in batches.
    /// Each model settles at most once per round.
    function settle(uint256 roundId, bytes32[] calldata modelIds, int256[] calldata payoutRatios) external;

    /// @notice Marks a resolved round settled: no more `settle`; returns unused reserve to the
    /// pool and releases unstake requests waiting for it.
    function finalizeRound(uint256 roundId) external;

    /// @notice Pauses staking, unstake requests and round operations. Only PAUSER_ROLE.
    function pause() external;

    /// @notice Unpauses. Only PAUSER_ROLE.
    function unpause() external;

    /* VIEWS */

    /// @notice A model's active stake when `roundId` closed (0 before it closes).
    function stakeAtRisk(uint256 roundId, bytes32 modelId) external view returns (uint256);

    /// @notice A model's total assets, total shares and active (not pending unstake) assets.
    function modelStake(bytes32 modelId)
        external
        view
        returns (uint256 totalAssets, uint256 totalShares, uint256 activeAssets);

    /// @notice A staker's active shares of a model and their current value in tokens.
    function positionOf(bytes32 modelId, address staker) external view returns (uint256 shares, uint256 assets);

    /// @notice A pending or past unstake request.
    function unstakeRequest(uint256 requestId) external view returns (UnstakeRequest memory);

    /// @notice Tokens in the reward pool (not reserved for a round).
    function rewardPool() external view returns (uint256);

    /// @notice A round's record.
    function round(uint256 roundId) external view returns (Round memory);

    /// @notice Whether `modelId` has been settled in `roundId`.
    function isSettled(uint256 roundId, bytes32 modelId) external view returns (bool);

    /// @notice The highest round id opened so far.
    function latestRound() external view returns (uint256);
}
