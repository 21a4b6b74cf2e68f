// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {RFC9162Harness} from "../../contracts/harness/RFC9162Harness.sol";
import {RFC9162} from "../../contracts/log/RFC9162.sol";

/**
 * @dev Fuzzes the on-chain verifiers against a reference written from RFC 6962 section 2.1's
 * recursive definitions (MTH, PATH, SUBPROOF), for trees of up to 96 leaves.
 */
contract RFC9162Test {
    RFC9162Harness private harness;

    function setUp() public {
        harness = new RFC9162Harness();
    }

    function testFuzz_ConsistencyProofsOfTheReferenceVerify(uint256 salt, uint8 sizeSeed, uint8 oldSeed) public view {
        (bytes32[] memory leaves, uint256 n) = _leaves(salt, sizeSeed);
        uint256 m = 1 + uint256(oldSeed) % n;
        bytes32[] memory proof = m == n ? new bytes32[](0) : _subproof(leaves, m, 0, n, true);
        require(harness.verifyConsistency(m, n, _mth(leaves, 0, m), _mth(leaves, 0, n), proof), "valid proof refused");
    }

    function testFuzz_TamperedConsistencyProofsFail(uint256 salt, uint8 sizeSeed, uint8 oldSeed, uint8 at, uint8 bit)
        public
        view
    {
        (bytes32[] memory leaves, uint256 n) = _leaves(salt, sizeSeed);
        uint256 m = 1 + uint256(oldSeed) % n;
        if (m == n) return;
        bytes32[] memory proof = _subproof(leaves, m, 0, n, true);
        proof[at % proof.length] ^= bytes32(uint256(1) << bit);
        require(!harness.verifyConsistency(m, n, _mth(leaves, 0, m), _mth(leaves, 0, n), proof), "tampered proof accepted");
    }

    function testFuzz_RewrittenHistoryFails(uint256 salt, uint8 sizeSeed, uint8 oldSeed, uint8 rewritten) public view {
        (bytes32[] memory leaves, uint256 n) = _leaves(salt, sizeSeed);
        uint256 m = 1 + uint256(oldSeed) % n;
        if (m == n) return;
        bytes32 oldRoot = _mth(leaves, 0, m);
        leaves[uint256(rewritten) % m] = keccak256("forged");
        bytes32[] memory proof = _subproof(leaves, m, 0, n, true);
        require(!harness.verifyConsistency(m, n, oldRoot, _mth(leaves, 0, n), proof), "rewrite accepted");
    }

    function testFuzz_InclusionProofsOfTheReferenceVerify(uint256 salt, uint8 sizeSeed, uint8 indexSeed) public view {
        (bytes32[] memory leaves, uint256 n) = _leaves(salt, sizeSeed);
        uint256 index = uint256(indexSeed) % n;
        bytes32[] memory proof = _path(leaves, index, 0, n);
        bytes32 root = _mth(leaves, 0, n);
        require(harness.verifyInclusion(index, n, leaves[index], proof, root), "valid inclusion refused");
        require(!harness.verifyInclusion(index, n, keccak256("other"), proof, root), "wrong leaf accepted");
        require(!harness.verifyInclusion(n, n, leaves[index], proof, root), "index beyond size accepted");
    }

    function testFuzz_GarbageNeverVerifies(uint256 oldSize, uint256 newSize, bytes32 a, bytes32 b, bytes32[] calldata proof)
        public
        view
    {
        if (oldSize == newSize || oldSize == 0) return;
        require(!harness.verifyConsistency(oldSize, newSize, a, b, proof), "garbage accepted");
    }

    function _leaves(uint256 salt, uint8 sizeSeed) private pure returns (bytes32[] memory leaves, uint256 n) {
        n = 1 + uint256(sizeSeed) % 96;
        leaves = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            leaves[i] = keccak256(abi.encode(salt, i));
        }
    }

    function _k(uint256 n) private pure returns (uint256 k) {
        k = 1;
        while (k * 2 < n) k *= 2;
    }

    function _mth(bytes32[] memory leaves, uint256 start, uint256 end) private view returns (bytes32) {
        if (end - start == 1) return leaves[start];
        uint256 k = _k(end - start);
        return RFC9162.nodeHash(_mth(leaves, start, start + k), _mth(leaves, start + k, end));
    }

    function _path(bytes32[] memory leaves, uint256 m, uint256 start, uint256 end) private view returns (bytes32[] memory) {
        if (end - start <= 1) return new bytes32[](0);
        uint256 k = _k(end - start);
        if (m < k) return _append(_path(leaves, m, start, start + k), _mth(leaves, start + k, end));
        return _append(_path(leaves, m - k, start + k, end), _mth(leaves, start, start + k));
    }

    function _subproof(bytes32[] memory leaves, uint256 m, uint256 start, uint256 end, bool complete)
        private
        view
        returns (bytes32[] memory)
    {
        uint256 n = end - start;
        if (m == n) {
            if (complete) return new bytes32[](0);
            bytes32[] memory single = new bytes32[](1);
            single[0] = _mth(leaves, start, end);
            return single;
        }
        uint256 k = _k(n);
        if (m <= k) return _append(_subproof(leaves, m, start, start + k, complete), _mth(leaves, start + k, end));
        return _append(_subproof(leaves, m - k, start + k, end, false), _mth(leaves, start, start + k));
    }

    function _append(bytes32[] memory list, bytes32 item) private pure returns (bytes32[] memory longer) {
        longer = new bytes32[](list.length + 1);
        for (uint256 i; i < list.length; ++i) {
            longer[i] = list[i];
        }
        longer[list.length] = item;
    }
}
