// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/**
 * @dev Verification of RFC 9162 (Certificate Transparency 2.0) Merkle proofs with SHA-256:
 * leaf hash SHA-256(0x00 || leaf), node hash SHA-256(0x01 || left || right). The algorithms are
 * those of RFC 9162 sections 2.1.3.2 and 2.1.4.2, computing a root and comparing it once, as
 * transparency-dev/merkle does. Malformed proofs return false; they never revert.
 */
library RFC9162 {
    function leafHash(bytes memory leaf) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(bytes1(0x00), leaf));
    }

    /// @dev SHA-256(0x01 || left || right) in scratch memory above the free pointer, which is left untouched.
    function nodeHash(bytes32 left, bytes32 right) internal view returns (bytes32 result) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore8(ptr, 0x01)
            mstore(add(ptr, 0x01), left)
            mstore(add(ptr, 0x21), right)
            if iszero(staticcall(gas(), 0x02, ptr, 0x41, 0x00, 0x20)) { revert(0, 0) }
            result := mload(0x00)
        }
    }

    /// @dev The root that `proof` leads to from leaf `index` in a tree of `treeSize`, and whether the proof is well formed.
    function rootFromInclusionProof(uint256 index, uint256 treeSize, bytes32 leaf, bytes32[] calldata proof)
        internal
        view
        returns (bool ok, bytes32 root)
    {
        if (index >= treeSize) return (false, 0);
        uint256 fn = index;
        uint256 sn = treeSize - 1;
        root = leaf;
        for (uint256 i; i < proof.length; ++i) {
            if (sn == 0) return (false, 0);
            if (fn & 1 == 1 || fn == sn) {
                root = nodeHash(proof[i], root);
                if (fn & 1 == 0) {
                    while (fn & 1 == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                root = nodeHash(root, proof[i]);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return (sn == 0, root);
    }

    function verifyInclusion(uint256 index, uint256 treeSize, bytes32 leaf, bytes32[] calldata proof, bytes32 root)
        internal
        view
        returns (bool)
    {
        (bool ok, bytes32 computed) = rootFromInclusionProof(index, treeSize, leaf, proof);
        return ok && computed == root;
    }

    /**
     * @dev Whether `proof` shows the tree of `newSize` with `newRoot` extends the tree of
     * `oldSize` with `oldRoot`. Equal sizes need an empty proof and equal roots; an empty old tree
     * is extended by every tree (RFC 9162 defines no proof for it).
     */
    function verifyConsistency(
        uint256 oldSize,
        uint256 newSize,
        bytes32 oldRoot,
        bytes32 newRoot,
        bytes32[] calldata proof
    ) internal view returns (bool) {
        if (oldSize > newSize) return false;
        if (oldSize == newSize) return proof.length == 0 && oldRoot == newRoot;
        if (oldSize == 0) return proof.length == 0;
        if (proof.length == 0) return false;

        uint256 fn = oldSize - 1;
        uint256 sn = newSize - 1;
        uint256 start;
        bytes32 fr;
        // An old tree of power-of-two size is a node of the new tree: the proof omits its hash.
        if (oldSize & (oldSize - 1) == 0) {
            fr = oldRoot;
        } else {
            fr = proof[0];
            start = 1;
        }
        bytes32 sr = fr;
        while (fn & 1 == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        for (uint256 i = start; i < proof.length; ++i) {
            if (sn == 0) return false;
            bytes32 c = proof[i];
            if (fn & 1 == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                if (fn & 1 == 0) {
                    while (fn & 1 == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && fr == oldRoot && sr == newRoot;
    }
}
