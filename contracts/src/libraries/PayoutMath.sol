// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title PayoutMath
/// @notice The payout arithmetic shared with the off-chain scorer (scoring/payout.ts).
library PayoutMath {
    uint256 internal constant WAD = 1e18;

    /// @notice stakeAtRisk * ratio / 1e18, signed, rounded toward zero (Solidity's division).
    function payout(uint256 stakeAtRisk, int256 ratio) internal pure returns (int256) {
        // stakeAtRisk fits in 96 bits and |ratio| <= 0.25e18 < 2^58: no overflow.
        return (int256(stakeAtRisk) * ratio) / int256(WAD);
    }

    /// @notice `amount * reserved / total` rounded down; `amount` when fully reserved.
    function scaleDown(uint256 amount, uint256 reserved, uint256 total) internal pure returns (uint256) {
        if (reserved >= total) return amount;
        return (amount * reserved) / total;
    }

    function abs(int256 x) internal pure returns (uint256) {
        // -type(int256).min overflows; such a ratio is far above any cap, report it as max.
        if (x == type(int256).min) return type(uint256).max;
        return uint256(x < 0 ? -x : x);
    }
}
