// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IAidAccess} from "../access/IAidAccess.sol";
import {Roles} from "../access/Roles.sol";
import {ILogAnchor} from "./ILogAnchor.sol";
import {RFC9162} from "./RFC9162.sol";

/// @title LogAnchor
contract LogAnchor is ILogAnchor {
    IAidAccess public immutable access;

    mapping(bytes32 logId => LogHead) private _heads;

    constructor(IAidAccess access_) {
        access = access_;
    }

    /// @inheritdoc ILogAnchor
    function anchor(bytes32 logId, uint64 treeSize, bytes32 root, bytes32[] calldata proof) external {
        LogHead memory current = _heads[logId];
        uint64 jurisdiction;
        if (current.checkpoints == 0) {
            bool held;
            (held, jurisdiction) = access.scopeOf(Roles.LOG_OPERATOR, msg.sender);
            if (!held) revert IAidAccess.AccessOutsideJurisdiction(msg.sender, Roles.LOG_OPERATOR, 0);
        } else {
            jurisdiction = current.jurisdiction;
            access.checkRole(Roles.LOG_OPERATOR, msg.sender, jurisdiction);
        }
        if (root == 0) revert CheckpointRootZero();
        if (treeSize <= current.treeSize) revert CheckpointNotNewer(logId, treeSize, current.treeSize);
        if (!RFC9162.verifyConsistency(current.treeSize, treeSize, current.root, root, proof)) {
            revert CheckpointInconsistent(logId, current.treeSize, treeSize);
        }
        uint40 time = uint40(block.timestamp);
        _heads[logId] = LogHead({
            treeSize: treeSize,
            jurisdiction: jurisdiction,
            anchoredAt: time,
            checkpoints: current.checkpoints + 1,
            root: root
        });
        emit CheckpointAnchored(logId, treeSize, root, jurisdiction, time, msg.sender);
    }

    /// @inheritdoc ILogAnchor
    function head(bytes32 logId) external view returns (LogHead memory) {
        return _heads[logId];
    }

    /// @inheritdoc ILogAnchor
    function verifyInclusion(bytes32 logId, uint64 treeSize, uint64 index, bytes32 leafHash, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        LogHead storage latest = _heads[logId];
        if (treeSize == 0 || treeSize != latest.treeSize) revert CheckpointNotLatest(logId, treeSize, latest.treeSize);
        return RFC9162.verifyInclusion(index, treeSize, leafHash, proof, latest.root);
    }
}
