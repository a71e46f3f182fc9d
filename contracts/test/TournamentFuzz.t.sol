// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ITournament} from "../src/ITournament.sol";
import {BaseTest} from "./Base.t.sol";

/// @notice Fuzz tests (foundry.toml [fuzz]: fixed seed, more runs in the ci profile).
contract TournamentFuzzTest is BaseTest {
    /// Random stakes, an unstake request between two overlapping closes, random results: every
    /// token is accounted for (withdrawn, burnt, or in the reward pool) and the books balance.
    function testFuzz_stakeUnstakeAndResultsConserveTokens(
        uint256 a,
        uint256 b,
        uint256 late,
        uint256 out,
        int256 r1,
        int256 r2
    ) public {
        a = bound(a, 1e6, 1_000_000e18);
        b = bound(b, 1e6, 1_000_000e18);
        late = bound(late, 1e6, 1_000_000e18);
        r1 = boundInt(r1, -0.05e18, 0.05e18) / 2 * 2;
        r2 = boundInt(r2, -0.05e18, 0.05e18) / 2 * 2;
        uint256 supply = token.totalSupply();
        uint256 held = token.balanceOf(address(tournament));
        stakeAs(alice, MODEL_A, a);
        stakeAs(bob, MODEL_A, b);
        openAndClose(1);
        stakeAs(carol, MODEL_A, late); // waits for round 1
        out = bound(out, 1, valueOf(MODEL_A, bob));
        uint256 req = requestAs(bob, MODEL_A, out); // at risk in round 1 only
        openAndClose(2);
        assertEq(token.balanceOf(address(tournament)), books(), "books, two rounds pending");
        scoreRatio(1, MODEL_A, r1);
        complete(1);
        scoreRatio(2, MODEL_A, r2);
        complete(2);
        assertEq(token.balanceOf(address(tournament)), books(), "books, finalized");
        uint256 withdrawn = withdrawAs(bob, req);
        withdrawn += exitAll(alice, MODEL_A) + exitAll(bob, MODEL_A) + exitAll(carol, MODEL_A);
        uint256 burnt = supply - token.totalSupply();
        assertEq(withdrawn + burnt + tournament.rewardPool(), held + a + b + late, "every token accounted for");
        assertEq(token.balanceOf(address(tournament)), tournament.rewardPool(), "only the pool left");
        assertEq(assets(MODEL_A), 0, "empty");
    }

    /// payoutRatio is R4's formula for any parameters within the contract's limits.
    function testFuzz_payoutRatioIsTheRuleFormula(
        int256 corr,
        int256 mmc,
        uint256 cap,
        uint256 cm,
        uint256 mm,
        uint256 factor
    ) public {
        corr = boundInt(corr, -1e18, 1e18);
        mmc = boundInt(mmc, -1e18, 1e18);
        ITournament.RoundParams memory p = params();
        p.payoutCap = bound(cap, 0, tournament.MAX_PAYOUT_CAP());
        p.corrMultiplier = bound(cm, 0, tournament.MAX_MULTIPLIER());
        p.mmcMultiplier = bound(mm, 0, tournament.MAX_MULTIPLIER());
        factor = bound(factor, 0, 1e18);
        openRound(1, p);
        assertEq(tournament.payoutRatio(1, corr, mmc), expectedRatio(1, WAD, corr, mmc), "before resolution");
        closeRound(1);
        resolve(1, factor, 0, 0);
        assertEq(tournament.payoutRatio(1, corr, mmc), expectedRatio(1, factor, corr, mmc), "with the factor");
    }
}
