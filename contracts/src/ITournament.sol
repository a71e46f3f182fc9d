// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ITournament (v2)
/// @notice Staking on prediction models, with rounds whose live data, submissions and scores are
/// committed on chain, and payouts or burns applied per model from the published scores.
///
/// Vocabulary. Rounds get a sequence number (seq) in opening order. "Closed seq" is the number of
/// rounds closed so far, "finalized seq" the number finalized or cancelled so far. A model is a
/// share pool: its stakers own shares, results change its assets, never its shares.
///
/// RULES (each has named tests in contracts/test/TournamentRules.t.sol):
///
/// R1 At-risk exactness. A deposit (`stake`) or an unstake request made when the closed seq is K
///    carries the key K: it is not part of rounds 1..K (they closed before it) and is part of
///    every round closed after it. Deposits with key K wait outside the pool (no result touches
///    them) and join it once round K's result has landed on the model; requested shares with key
///    K stay in the pool (they were at risk in rounds 1..K and take part in their results) and
///    leave it then. Round K's result has landed on a model once round K is finalized or
///    cancelled, or once the model is settled in K (rounds settle in order, so every earlier
///    result landed before): its "landed seq". With K <= landed seq both happen at once.
///    Waiting joins and exits are applied in key order, exits before joins of the same key, at
///    the share price of that moment: by `settle` right after the model's result (for the
///    settled round's key), else lazily by the first operation that touches the model (stake,
///    requestUnstake, withdraw, settle, poke); a later round's result can only land after that.
///    So a model's result in a round is shared pro rata to the shares at risk in it, with up to
///    MAX_OVERLAP closed rounds unfinalized at once.
/// R2 Valuation. A model's stake at risk in round N is the value of the shares at risk in N when
///    N's result lands: after the results of rounds 1..N-1 (rounds settle in order). It is the
///    pool's assets once every join and exit keyed before N's close is applied. `stakeAtRisk` is
///    exact from the moment round N-1 is finalized until the model is settled in N, and the
///    off-chain scorer and `tourney verify` use that figure; earlier it is an estimate at the
///    current price.
/// R3 Order. Rounds close, resolve, settle and finalize (or are cancelled) in opening order: a
///    round closes after every round opened before it, and is resolved only once the round
///    before it is finalized. At most MAX_OVERLAP rounds are closed and unfinalized at once
///    (`closeRound` reverts beyond). Round ids increase with seq.
/// R4 Settlement from published scores only. `settle` takes score leaves
///    (modelId, corr, mmc; WAD) with an OpenZeppelin multiproof against the round's scores root
///    (leaf = keccak256(bytes.concat(keccak256(abi.encode(modelId, corr, mmc))))); the contract
///    computes ratio = clamp(payoutFactor * ((corrMultiplier * corr + mmcMultiplier * mmc) / 1e18)
///    / 1e18, -payoutCap, +payoutCap) and payout = stakeAtRisk * ratio / 1e18 (Solidity division,
///    toward zero), the arithmetic of scoring/payout.ts. payoutFactor (<= 1e18) is posted once,
///    at resolution. payoutCap <= MAX_PAYOUT_CAP (0.25e18). A model with no stake at risk cannot
///    be settled; a model settles at most once per round.
/// R5 Rewards. Payouts come from the reward pool. At resolution the operator declares the sum T
///    of the round's positive payouts; the contract reserves R = min(pool, T). Each positive
///    payout p is paid as mulDiv(p, R, T) when R < T (pro rata), in full otherwise; settled
///    positive payouts may not sum above T. The unpaid reserve returns to the pool when the round
///    is finalized or cancelled.
/// R6 Burns. A negative payout burns |payout| of the model's assets (the token's `burn`, or a
///    transfer to 0x…dEaD if it has none); |payout| <= stake at risk / 4 < assets.
/// R7 Complete settlement. At resolution the operator declares how many models have stake at
///    risk (modelsAtRisk); the round can only be finalized once that many models are settled,
///    and no more can be settled, and once the settled positive payouts (before scaling) sum
///    exactly to the declared total T. `tourney verify` checks the count against the chain's
///    stakes. A round whose declarations cannot be met is cancelled after the grace period (R8).
/// R8 Liveness. Anyone may finalize a fully settled round. Anyone may cancel the next round to
///    finalize, if closed or resolved, once block time passes
///    max(resolvesAt, end of the last pause) + GRACE_PERIOD: no more payouts or burns in it (ones
///    already settled stay), its unpaid reserve returns to the pool, it counts as finalized, so
///    waiting joins and exits proceed. resolvesAt is at most MAX_ROUND_LENGTH after opening.
/// R9 Bounded pause. A pause lasts at most MAX_PAUSE and a new one can start only PAUSE_COOLDOWN
///    after the last ended. It stops `stake`, `stakeWithPermit` and the operator's round
///    functions (open, close, resolve, settle). It never stops `requestUnstake`, `withdraw`,
///    `poke`, `fundRewards`, `finalizeRound` or `cancelRound`.
/// R10 No dead pools and headroom. Shares convert with one virtual share and one virtual asset,
///    rounding against the caller (stake: shares down; unstake: shares up; release: assets down).
///    Assets left in a pool without shares (rounding dust) go to the reward pool, so a pool with
///    no shares restarts at 1:1. Model assets plus waiting deposits stay <= MAX_MODEL_STAKE
///    (2^88 - 1); a stake is refused (ShareLimit) if the pool's shares with its waiting deposits
///    at today's price would pass 2^100, leaving the 112-bit share field room for the price to
///    fall 4,096-fold before they join: a maximal pool survives more than 50 maximal burns in a
///    row, and a pool whose shares are worth nothing can always be staked again.
/// R11 Tokens. Deposits and rewards credit the balance change the transfer caused (a
///    fee-on-transfer token credits what arrived); products that can overflow use mulDiv.
///    Token balance == sum of model assets + waiting deposits (each model's
///    `modelStake(m).waitingAssets`; no global counter is kept, so a stake writes none) +
///    released unwithdrawn + reward pool + reserved rewards.
/// R12 Bounded storage. Per model the contract keeps its pool, its queue (which also sums the
///    deposits of the newest waiting key until the next key or its join moves them to their
///    bucket) and two rings of
///    MAX_OVERLAP buckets (waiting joins, waiting exits) indexed by key % MAX_OVERLAP, whose
///    slots are reused by later keys; a bucket whose owners have not all claimed when its slot
///    is reused moves to an archive record, deleted once the last owner claims. Per staker and
///    model: one slot plus a ring of MAX_OVERLAP reusable deposit slots. Nothing grows with the
///    number of rounds; what outlives its ring slot is bounded by the unclaimed owners.
interface ITournament {
    enum RoundStatus {
        None,
        Open,
        Closed,
        Resolved,
        /// Finalized: every model at risk settled.
        Settled,
        /// Cancelled (R8): counts as finalized.
        Cancelled
    }

    struct RoundParams {
        /// Unix seconds, informational: the operator closes the round.
        uint64 closesAt;
        /// Unix seconds; starts the cancellation clock (R8); at most MAX_ROUND_LENGTH ahead.
        uint64 resolvesAt;
        /// Largest |payout / stake at risk|, WAD; at most MAX_PAYOUT_CAP.
        uint256 payoutCap;
        /// Weight of CORR in the ratio, WAD; at most MAX_MULTIPLIER.
        uint256 corrMultiplier;
        /// Weight of MMC in the ratio, WAD; at most MAX_MULTIPLIER.
        uint256 mmcMultiplier;
        /// Total stake at risk above which payouts scale down (the off-chain payout factor:
        /// min(1, stakeThreshold / total stake at risk)), token wei.
        uint256 stakeThreshold;
    }

    struct Round {
        RoundStatus status;
        /// Position in opening order, from 1.
        uint32 seq;
        uint64 openedAt;
        uint64 closedAt;
        uint64 resolvedAt;
        uint64 finalizedAt;
        bytes32 liveDataHash;
        bytes32 submissionsRoot;
        bytes32 targetsHash;
        bytes32 scoresRoot;
        RoundParams params;
        /// WAD, at most 1e18, posted at resolution.
        uint256 payoutFactor;
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
        /// Declared number of models with stake at risk (R7).
        uint256 modelsAtRisk;
        /// Models settled so far.
        uint256 modelsSettled;
        /// Sum of the settled models' stakes at risk.
        uint256 settledStake;
    }

    /// A model's score in a round, as committed in the scores root.
    struct ScoreLeaf {
        bytes32 modelId;
        /// CORR, WAD (toWad in scoring/payout.ts).
        int256 corr;
        /// MMC, WAD.
        int256 mmc;
    }

    struct UnstakeRequest {
        address staker;
        bytes32 modelId;
        uint256 shares;
        /// Released once this round's result has landed on the model (R1; 0: at request).
        uint256 releaseRound;
        /// Tokens owed: exact once released (immediate requests: at request), 0 before.
        uint256 assets;
        bool withdrawn;
    }

    /// A model's pool as of now (waiting joins and exits that are due counted as applied).
    struct ModelStake {
        uint256 totalAssets;
        uint256 totalShares;
        /// Deposits waiting to join (R1).
        uint256 waitingAssets;
        /// Requested shares still in the pool, waiting to leave (R1).
        uint256 exitingShares;
    }

    /// A staker's position in a model as of now (due joins counted as applied).
    struct Position {
        /// Shares in the pool, not requested for unstake.
        uint256 shares;
        /// Their value now.
        uint256 assets;
        /// Deposits waiting to join.
        uint256 waitingAssets;
        /// The last round whose finalization a waiting deposit waits for (0: none).
        uint256 waitingUntilRound;
    }

    /* EVENTS */

    /// `shares` minted now, or 0 when the deposit waits for `waitRound` to be finalized.
    event Staked(bytes32 indexed modelId, address indexed staker, uint256 assets, uint256 shares, uint256 waitRound);
    /// Deposits of a model that waited for `waitRound` joined its pool for `shares`.
    event StakesJoined(bytes32 indexed modelId, uint256 indexed waitRound, uint256 assets, uint256 shares);
    event UnstakeRequested(
        uint256 indexed requestId, bytes32 indexed modelId, address indexed staker, uint256 shares, uint256 releaseRound
    );
    /// Requested shares of a model that waited for `releaseRound` left its pool for `assets`.
    event UnstakeReleased(bytes32 indexed modelId, uint256 indexed releaseRound, uint256 shares, uint256 assets);
    event Withdrawn(uint256 indexed requestId, bytes32 indexed modelId, address indexed staker, uint256 assets);
    event RewardsFunded(address indexed from, uint256 amount);
    /// Assets left in a pool without shares moved to the reward pool (R10).
    event DustSwept(bytes32 indexed modelId, uint256 amount);
    event RoundOpened(uint256 indexed roundId, bytes32 liveDataHash, RoundParams params);
    event RoundClosed(uint256 indexed roundId, bytes32 submissionsRoot);
    event RoundResolved(
        uint256 indexed roundId,
        bytes32 targetsHash,
        bytes32 scoresRoot,
        uint256 payoutFactor,
        uint256 totalPositivePayout,
        uint256 modelsAtRisk,
        uint256 reserved
    );
    /// `payout` is what was applied: positive payouts after pro rata scaling, burns as burnt.
    event ModelSettled(
        uint256 indexed roundId, bytes32 indexed modelId, uint256 stakeAtRisk, int256 ratio, int256 payout
    );
    event RoundFinalized(uint256 indexed roundId, uint256 paid, uint256 burnt, uint256 returnedToPool);
    event RoundCancelled(uint256 indexed roundId, address indexed caller, uint256 returnedToPool);
    event Paused(address account, uint256 until);
    event Unpaused(address account);

    /* ERRORS */

    error ZeroAmount();
    error ZeroShares(uint256 amount);
    error NothingReceived();
    error ModelStakeLimit(bytes32 modelId, uint256 total, uint256 limit);
    /// The pool's shares with its waiting deposits, at today's price, would pass `limit`.
    error ShareLimit(bytes32 modelId, uint256 limit);
    error InsufficientShares(uint256 wanted, uint256 owned);
    error UnknownRequest(uint256 requestId);
    error NotRequester(uint256 requestId, address caller);
    error AlreadyWithdrawn(uint256 requestId);
    error NotReleased(uint256 requestId, uint256 releaseRound);
    error RoundIdNotIncreasing(uint256 roundId, uint256 latest);
    error WrongRoundStatus(uint256 roundId, RoundStatus status);
    error OutOfOrder(uint256 roundId, uint256 expectedRoundId);
    error TooManyUnfinalized(uint256 limit);
    error InvalidParams();
    error PayoutFactorTooHigh(uint256 payoutFactor);
    error InvalidProof(uint256 roundId);
    error NoStakeAtRisk(uint256 roundId, bytes32 modelId);
    error AlreadySettled(uint256 roundId, bytes32 modelId);
    error TooManyModels(uint256 roundId, uint256 modelsAtRisk);
    error NotFullySettled(uint256 roundId, uint256 settled, uint256 atRisk);
    error DeclaredTotalMismatch(uint256 roundId, uint256 declared, uint256 total);
    error PayoutsExceedDeclared(uint256 roundId, uint256 declared, uint256 total);
    error TooEarlyToCancel(uint256 roundId, uint256 cancellableAt);
    error StakeAtRiskUnavailable(uint256 roundId, bytes32 modelId);
    /// A paused operation was called while paused, or `pause` while paused.
    error EnforcedPause();
    /// `unpause` was called while not paused.
    error ExpectedPause();
    error PauseCooldown(uint256 allowedAt);

    /* STAKING */

    /// @notice Stakes `amount` tokens on `modelId` (pulled with transferFrom; what arrived is
    /// credited). Joins at once when no round is closed and unfinalized, else waits (R1).
    function stake(bytes32 modelId, uint256 amount) external;

    /// @notice Like `stake`, approving through an ERC-2612 permit in the same transaction. A
    /// permit that fails (e.g. front-run) is ignored if the allowance is already in place.
    function stakeWithPermit(bytes32 modelId, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external;

    /// @notice Requests to unstake `amount` tokens' worth of the caller's shares of `modelId`
    /// (converted to shares rounding up); `type(uint256).max` unstakes every share. The shares
    /// leave the pool once every round closed before the request is finalized (R1), at once if
    /// none is pending. Deposits still waiting to join cannot be requested. Never paused.
    /// @return requestId The id to `withdraw` with once released.
    function requestUnstake(bytes32 modelId, uint256 amount) external returns (uint256 requestId);

    /// @notice Pays a released unstake request's tokens to its requester, once. Never paused.
    function withdraw(uint256 requestId) external;

    /// @notice Adds tokens to the reward pool (what arrived is credited). Anyone may fund it.
    function fundRewards(uint256 amount) external;

    /// @notice Applies a model's due joins and exits and credits `staker`'s joined deposits.
    /// Anyone may call it; it changes no one's value.
    function poke(bytes32 modelId, address staker) external;

    /* ROUNDS */

    /// @notice Opens a round (operator). `roundId` must exceed every round opened before and fit
    /// 64 bits.
    function openRound(uint256 roundId, bytes32 liveDataHash, RoundParams calldata params) external;

    /// @notice Closes the next open round in opening order (operator), committing the
    /// submissions Merkle root. O(1).
    function closeRound(uint256 roundId, bytes32 submissionsRoot) external;

    /// @notice Resolves the next round to finalize (operator): targets hash, scores root, the
    /// payout factor, the declared total positive payout and number of models at risk.
    function resolveRound(
        uint256 roundId,
        bytes32 targetsHash,
        bytes32 scoresRoot,
        uint256 payoutFactor,
        uint256 totalPositivePayout,
        uint256 modelsAtRisk
    ) external;

    /// @notice Settles models of the resolved round from their published score leaves (operator),
    /// in batches of any size. `leaves`, `proof` and `proofFlags` form an OpenZeppelin multiproof
    /// (leaves in the order the proof expects).
    function settle(
        uint256 roundId,
        ScoreLeaf[] calldata leaves,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external;

    /// @notice Finalizes a resolved round whose every model at risk is settled. Anyone may call.
    function finalizeRound(uint256 roundId) external;

    /// @notice Cancels the next round to finalize once it is overdue (R8). Anyone may call.
    function cancelRound(uint256 roundId) external;

    /// @notice Pauses for MAX_PAUSE at most (R9). Only PAUSER_ROLE.
    function pause() external;

    /// @notice Ends the pause. Only PAUSER_ROLE.
    function unpause() external;

    /* VIEWS */

    function paused() external view returns (bool);

    /// @notice End of the current or last pause (unix seconds; 0: never paused).
    function pausedUntil() external view returns (uint256);

    /// @notice When `cancelRound(roundId)` becomes possible (time only; order and status apart).
    function cancellableAt(uint256 roundId) external view returns (uint256);

    /// @notice A model's stake at risk in a closed round (R2): exact once every earlier round is
    /// finalized, until the model is settled in it; an estimate at the current price before.
    /// 0 for a round not closed. Reverts StakeAtRiskUnavailable once the model is settled in it
    /// or the round is finalized (the figure is in ModelSettled).
    function stakeAtRisk(uint256 roundId, bytes32 modelId) external view returns (uint256);

    /// @notice `stakeAtRisk` for many models.
    function stakesAtRisk(uint256 roundId, bytes32[] calldata modelIds) external view returns (uint256[] memory);

    /// @notice The ratio (WAD) `settle` would apply in `roundId` for these scores, with the
    /// round's parameters and payout factor (1e18 before resolution).
    function payoutRatio(uint256 roundId, int256 corr, int256 mmc) external view returns (int256);

    /// @notice A model's pool as of now.
    function modelStake(bytes32 modelId) external view returns (ModelStake memory);

    /// @notice A staker's shares of a model (joined, not requested for unstake) and their value.
    function positionOf(bytes32 modelId, address staker) external view returns (uint256 shares, uint256 assets);

    /// @notice A staker's position, waiting deposits included.
    function positionDetails(bytes32 modelId, address staker) external view returns (Position memory);

    /// @notice A model's requested shares still in its pool.
    function pendingShares(bytes32 modelId) external view returns (uint256);

    function unstakeRequest(uint256 requestId) external view returns (UnstakeRequest memory);

    /// @notice Whether `withdraw(requestId)` would pay now.
    function isWithdrawable(uint256 requestId) external view returns (bool);

    /// @notice Tokens in the reward pool (not reserved for a round).
    function rewardPool() external view returns (uint256);

    /// @notice Reward tokens reserved for resolved, unfinalized rounds and not paid yet.
    function reservedRewards() external view returns (uint256);

    /// @notice Tokens of released unstake requests not withdrawn yet.
    function releasedAssets() external view returns (uint256);

    function round(uint256 roundId) external view returns (Round memory);

    /// @notice Whether `modelId` was settled in `roundId` (exact while the round is unfinalized).
    function isSettled(uint256 roundId, bytes32 modelId) external view returns (bool);

    /// @notice The highest round id opened so far (0: none).
    function latestRound() external view returns (uint256);

    /// @notice The last closed round id (0: none).
    function lastClosedRound() external view returns (uint256);

    /// @notice The last finalized or cancelled round id (0: none).
    function lastFinalizedRound() external view returns (uint256);
}
