// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @dev The cheatcodes these tests use, at the address every Foundry-compatible runner (Hardhat 3's EDR) serves them.
interface Vm {
    function warp(uint256 timestamp) external;
    function prank(address sender) external;
    function assume(bool condition) external pure;
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function addr(uint256 privateKey) external pure returns (address);
}

Vm constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
