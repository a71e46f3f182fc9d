// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "./Vm.sol";

/// @notice A small test base of our own: cheatcodes, named actors, bounded fuzz inputs and
/// assertions that revert with a message naming both values.
abstract contract Test {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    bool public IS_TEST = true;

    function makeAddr(string memory name) internal returns (address a) {
        a = vm.addr(uint256(keccak256(bytes(name))));
        vm.label(a, name);
    }

    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min + 1;
        return min + (x % size);
    }

    function boundInt(int256 x, int256 min, int256 max) internal pure returns (int256) {
        require(min <= max, "bound: min > max");
        uint256 size = uint256(max - min) + 1;
        uint256 off = uint256(x) % size;
        return min + int256(off);
    }

    function assertEq(uint256 a, uint256 b, string memory what) internal pure {
        if (a != b) revert(string.concat(what, ": ", _u(a), " != ", _u(b)));
    }

    function assertEq(int256 a, int256 b, string memory what) internal pure {
        if (a != b) revert(string.concat(what, ": ", _i(a), " != ", _i(b)));
    }

    function assertEq(bytes32 a, bytes32 b, string memory what) internal pure {
        if (a != b) revert(string.concat(what, ": bytes32 differ"));
    }

    function assertEq(address a, address b, string memory what) internal pure {
        if (a != b) revert(string.concat(what, ": addresses differ"));
    }

    function assertTrue(bool ok, string memory what) internal pure {
        if (!ok) revert(what);
    }

    function assertLe(uint256 a, uint256 b, string memory what) internal pure {
        if (a > b) revert(string.concat(what, ": ", _u(a), " > ", _u(b)));
    }

    function assertApproxEq(uint256 a, uint256 b, uint256 tol, string memory what) internal pure {
        uint256 d = a > b ? a - b : b - a;
        if (d > tol) revert(string.concat(what, ": ", _u(a), " vs ", _u(b)));
    }

    function _u(uint256 x) private pure returns (string memory) {
        if (x == 0) return "0";
        bytes memory buf;
        while (x != 0) {
            buf = abi.encodePacked(bytes1(uint8(48 + (x % 10))), buf);
            x /= 10;
        }
        return string(buf);
    }

    function _i(int256 x) private pure returns (string memory) {
        if (x >= 0) return _u(uint256(x));
        return string.concat("-", _u(x == type(int256).min ? uint256(type(int256).max) + 1 : uint256(-x)));
    }
}

/// @notice What forge's invariant runner asks a test contract for.
abstract contract InvariantTest is Test {
    address[] private _targets;
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }
    FuzzSelector[] private _selectors;

    function targetContract(address t) internal {
        _targets.push(t);
    }

    function targetSelector(FuzzSelector memory s) internal {
        _selectors.push(s);
    }

    function targetContracts() public view returns (address[] memory) {
        return _targets;
    }

    function targetSelectors() public view returns (FuzzSelector[] memory) {
        return _selectors;
    }
}
