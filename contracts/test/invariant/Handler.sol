// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {StakeToken} from "../../src/StakeToken.sol";
import {ITournament} from "../../src/ITournament.sol";
import {Tournament} from "../../src/Tournament.sol";
import {Vm} from "../utils/Vm.sol";

/// @notice Drives random stake / unstake / round / settle / withdraw sequences, never reverting
/// (forge runs invariants with fail_on_revert), and keeps ghost totals for the invariants.
contract Handler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    StakeToken public immutable token;
    Tournament public immutable tournament;
    address public immutable admin;

    address[3] internal _actors;
    bytes32[3] internal _models;
    uint256[] internal _requests;

    uint256 public latest;
    uint256 public nextToFinalize = 1;
    mapping(uint256 roundId => int256[3]) internal _ratios;

    mapping(address => uint256) public deposited;
    mapping(address => uint256) public withdrawnBy;
    uint256 public totalDeposited;
    uint256 public totalWithdrawn;
    uint256 public funded;
    /// Set if something that must revert did not.
    bool public broken;
    string public brokenWhy;

    constructor(StakeToken token_, Tournament tournament_, address admin_) {
        token = token_;
        tournament = tournament_;
        admin = admin_;
        for (uint256 i; i < 3; ++i) {
            _actors[i] = address(uint160(0xA000 + i));
            _models[i] = keccak256(abi.encode("model", i));
            vm.prank(_actors[i]);
            token.approve(address(tournament), type(uint256).max);
        }
    }

    /* ACTIONS */

    function stake(uint256 actor, uint256 model, uint256 amount) external {
        address who = _actors[actor % 3];
        amount = 1e18 + (amount % 100_000e18);
        vm.prank(admin);
        token.mint(who, amount);
        vm.prank(who);
        tournament.stake(_models[model % 3], amount);
        deposited[who] += amount;
        totalDeposited += amount;
    }

    function requestUnstake(uint256 actor, uint256 model, uint256 amount) external {
        address who = _actors[actor % 3];
        bytes32 id = _models[model % 3];
        (uint256 shares, uint256 value) = tournament.positionOf(id, who);
        if (shares == 0 || value == 0) return;
        amount = amount % 4 == 0 ? type(uint256).max : 1 + (amount % value);
        vm.prank(who);
        _requests.push(tournament.requestUnstake(id, amount));
    }

    function withdraw(uint256 seed) external {
        if (_requests.length == 0) return;
        uint256 requestId = _requests[seed % _requests.length];
        if (!tournament.isWithdrawable(requestId)) return;
        ITournament.UnstakeRequest memory q = tournament.unstakeRequest(requestId);
        uint256 before = token.balanceOf(q.staker);
        vm.prank(q.staker);
        tournament.withdraw(requestId);
        uint256 got = token.balanceOf(q.staker) - before;
        withdrawnBy[q.staker] += got;
        totalWithdrawn += got;
    }

    function fundRewards(uint256 amount) external {
        amount = 1 + (amount % 10_000e18);
        vm.startPrank(admin);
        token.mint(admin, amount);
        token.approve(address(tournament), amount);
        tournament.fundRewards(amount);
        vm.stopPrank();
        funded += amount;
    }

    function openRound() external {
        if (latest >= nextToFinalize + 2) return; // at most three unfinalized rounds
        ++latest;
        vm.prank(admin);
        tournament.openRound(latest, keccak256(abi.encode(latest)), _params());
    }

    function closeRound() external {
        for (uint256 id = nextToFinalize; id <= latest; ++id) {
            if (tournament.round(id).status == ITournament.RoundStatus.Open) {
                vm.prank(admin);
                tournament.closeRound(id, keccak256(abi.encode("subs", id)));
                return;
            }
        }
    }

    function resolveRound(uint256 seed) external {
        for (uint256 id = nextToFinalize; id <= latest; ++id) {
            if (tournament.round(id).status != ITournament.RoundStatus.Closed) continue;
            uint256 total;
            for (uint256 i; i < 3; ++i) {
                int256 ratio = int256(uint256(keccak256(abi.encode(seed, i))) % 0.1e18 + 1) - 0.05e18;
                _ratios[id][i] = ratio;
                int256 payout = (int256(tournament.stakeAtRisk(id, _models[i])) * ratio) / 1e18;
                if (payout > 0) total += uint256(payout);
            }
            // Sometimes over-declare (reserve returns to the pool at finalize).
            if (seed % 3 == 0) total += seed % 1000e18;
            vm.prank(admin);
            tournament.resolveRound(id, keccak256("targets"), keccak256("scores"), total);
            return;
        }
    }

    function settle(uint256 mask) external {
        uint256 id = nextToFinalize;
        if (id > latest || tournament.round(id).status != ITournament.RoundStatus.Resolved) return;
        uint256 n;
        bytes32[] memory ids = new bytes32[](3);
        int256[] memory ratios = new int256[](3);
        for (uint256 i; i < 3; ++i) {
            if ((mask >> i) & 1 == 0 || tournament.isSettled(id, _models[i])) continue;
            ids[n] = _models[i];
            ratios[n] = _ratios[id][i];
            ++n;
        }
        assembly {
            mstore(ids, n)
            mstore(ratios, n)
        }
        if (n == 0) return;
        vm.prank(admin);
        tournament.settle(id, ids, ratios);
        // Settling a model twice must fail.
        vm.prank(admin);
        try tournament.settle(id, ids, ratios) {
            _break("settled a model twice in a round");
        } catch {}
    }

    function finalizeRound() external {
        uint256 id = nextToFinalize;
        if (id > latest || tournament.round(id).status != ITournament.RoundStatus.Resolved) return;
        vm.prank(admin);
        tournament.finalizeRound(id);
        ++nextToFinalize;
        // A finalized round never settles again.
        bytes32[] memory ids = new bytes32[](1);
        int256[] memory ratios = new int256[](1);
        ids[0] = _models[0];
        vm.prank(admin);
        try tournament.settle(id, ids, ratios) {
            _break("settled a finalized round");
        } catch {}
    }

    /// Pauses, checks that nothing but released withdrawals moves stake, unpauses.
    function pausedAttempts(uint256 actor, uint256 seed) external {
        address who = _actors[actor % 3];
        bytes32 id = _models[seed % 3];
        vm.prank(admin);
        tournament.pause();
        uint256 balance = token.balanceOf(address(tournament));
        (uint256 assetsBefore,,) = tournament.modelStake(id);
        vm.prank(admin);
        token.mint(who, 1e18);
        vm.startPrank(who);
        try tournament.stake(id, 1e18) {
            _break("staked while paused");
        } catch {}
        try tournament.requestUnstake(id, type(uint256).max) {
            _break("requested unstake while paused");
        } catch {}
        vm.stopPrank();
        vm.startPrank(admin);
        try tournament.openRound(latest + 1, bytes32(0), _params()) {
            _break("opened a round while paused");
        } catch {}
        try tournament.finalizeRound(nextToFinalize) {
            _break("finalized while paused");
        } catch {}
        vm.stopPrank();
        (uint256 assetsAfter,,) = tournament.modelStake(id);
        if (token.balanceOf(address(tournament)) != balance || assetsAfter != assetsBefore) {
            _break("stake moved while paused");
        }
        vm.prank(admin);
        tournament.unpause();
    }

    /* VIEWS FOR THE INVARIANTS */

    function actor(uint256 i) external view returns (address) {
        return _actors[i];
    }

    function model(uint256 i) external view returns (bytes32) {
        return _models[i];
    }

    function totalPaidAndBurnt() external view returns (uint256 paid, uint256 burnt) {
        for (uint256 id = 1; id <= latest; ++id) {
            ITournament.Round memory r = tournament.round(id);
            paid += r.paid;
            burnt += r.burnt;
        }
    }

    /* INTERNAL */

    function _params() internal pure returns (ITournament.RoundParams memory) {
        return ITournament.RoundParams(0, 0, 0.05e18, 0.5e18, 2e18, 72_000e18);
    }

    function _break(string memory why) internal {
        broken = true;
        brokenWhy = why;
    }
}
