// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/**
 * @title Anchor of the gateways' append-only record logs
 * @notice Stores checkpoints (log id, tree size, root) of RFC 9162 Merkle logs. A new checkpoint
 * is accepted only with a consistency proof from the previous one, so the chain itself refuses
 * any rewrite of a log's history. A log is registered by governance for one jurisdiction (the
 * county whose gateway keeps it); its checkpoints need a log operator covering that jurisdiction,
 * and an auditor holds a bundle's log to the jurisdiction it was registered for, so that an
 * operator key cannot start a log of its own and pass it off as the county's.
 *
 * The contract keeps each log's latest checkpoint, which is all that consistency needs; every
 * earlier one stays on chain in its `CheckpointAnchored` event. Keeping roots of past sizes in
 * storage would cost a fresh slot (22,100 gas) per checkpoint.
 */
interface ILogAnchor {
    /// @dev Checkpoints only grow: `treeSize` is not above the latest, `latestSize`.
    error CheckpointNotNewer(bytes32 logId, uint64 treeSize, uint64 latestSize);
    /// @dev The proof does not show the new tree extends the checkpoint of `oldSize`.
    error CheckpointInconsistent(bytes32 logId, uint64 oldSize, uint64 newSize);
    error CheckpointRootZero();
    /// @dev Inclusion is checked against the latest checkpoint of `logId`, of size `latestSize`.
    error CheckpointNotLatest(bytes32 logId, uint64 treeSize, uint64 latestSize);
    /// @dev Governance has not registered `logId`: no checkpoint of it is anchored.
    error LogNotRegistered(bytes32 logId);
    /// @dev `logId` is registered already, for `jurisdiction`.
    error LogAlreadyRegistered(bytes32 logId, uint64 jurisdiction);
    /// @dev `account` is not governance.
    error LogRegistrationUnauthorized(address account);

    /// @notice Governance (`actor`) registered `logId` as the record log of `jurisdiction`.
    event LogRegistered(bytes32 indexed logId, uint64 indexed jurisdiction, address actor);
    /// @notice A checkpoint consistent with every earlier one of `logId` was anchored.
    event CheckpointAnchored(
        bytes32 indexed logId, uint64 indexed treeSize, bytes32 root, uint64 jurisdiction, uint40 time, address operator
    );

    struct LogHead {
        uint64 treeSize;
        uint64 jurisdiction;
        uint40 anchoredAt;
        uint32 checkpoints;
        /// @dev Set by governance's registration, with `jurisdiction`: in the word an anchoring reads anyway.
        bool registered;
        bytes32 root;
    }

    /// @notice Registers `logId` as the record log of `jurisdiction`. Requirements: governance; `logId` not registered.
    function registerLog(bytes32 logId, uint64 jurisdiction) external;

    /**
     * @notice Anchors checkpoint (`logId`, `treeSize`, `root`). Requirements: the log registered; a
     * log operator covering its jurisdiction; `treeSize` above the latest checkpoint; `proof` an
     * RFC 9162 consistency proof from the latest checkpoint (empty for a log's first checkpoint).
     */
    function anchor(bytes32 logId, uint64 treeSize, bytes32 root, bytes32[] calldata proof) external;

    /// @notice The latest checkpoint of `logId`: size, jurisdiction (the registered one), time, count, whether registered, and root. Size 0 when none.
    function head(bytes32 logId) external view returns (LogHead memory);

    /**
     * @notice Whether `leafHash` is leaf `index` of the latest checkpoint of `logId`, by an RFC 9162
     * inclusion proof. Reverts with `CheckpointNotLatest` unless `treeSize` is that checkpoint's.
     */
    function verifyInclusion(bytes32 logId, uint64 treeSize, uint64 index, bytes32 leafHash, bytes32[] calldata proof)
        external
        view
        returns (bool);
}
