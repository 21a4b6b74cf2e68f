// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {RFC9162} from "../log/RFC9162.sol";

/// @dev Exposes the RFC9162 library to tests and benchmarks; not deployed by aidtrail.
contract RFC9162Harness {
    function leafHash(bytes calldata leaf) external pure returns (bytes32) {
        return RFC9162.leafHash(leaf);
    }

    function verifyInclusion(uint256 index, uint256 treeSize, bytes32 leaf, bytes32[] calldata proof, bytes32 root)
        external
        view
        returns (bool)
    {
        return RFC9162.verifyInclusion(index, treeSize, leaf, proof, root);
    }

    function verifyConsistency(
        uint256 oldSize,
        uint256 newSize,
        bytes32 oldRoot,
        bytes32 newRoot,
        bytes32[] calldata proof
    ) external view returns (bool) {
        return RFC9162.verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof);
    }
}
