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
    function registerLog(bytes32 logId, uint64 jurisdiction) external {
        if (!access.hasRole(Roles.GOVERNANCE, msg.sender)) revert LogRegistrationUnauthorized(msg.sender);
        LogHead storage log = _heads[logId];
        if (log.registered) revert LogAlreadyRegistered(logId, log.jurisdiction);
        (bool known,) = access.jurisdiction(jurisdiction);
        if (!known) revert IAidAccess.JurisdictionUnknown(jurisdiction);
        log.registered = true;
        log.jurisdiction = jurisdiction;
        emit LogRegistered(logId, jurisdiction, msg.sender);
    }

    /// @inheritdoc ILogAnchor
    function anchor(bytes32 logId, uint64 treeSize, bytes32 root, bytes32[] calldata proof) external {
        LogHead memory current = _heads[logId];
        if (!current.registered) revert LogNotRegistered(logId);
        uint64 jurisdiction = current.jurisdiction;
        access.checkRole(Roles.LOG_OPERATOR, msg.sender, jurisdiction);
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
            registered: true,
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
