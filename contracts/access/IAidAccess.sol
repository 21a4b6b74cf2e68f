// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

/**
 * @title Jurisdiction-scoped roles, the jurisdiction tree and pauses
 * @notice Every officer account holds each role at exactly one jurisdiction; the grant covers
 * that jurisdiction and every division beneath it. Governance (DEFAULT_ADMIN_ROLE, held by a
 * multi-party council) registers jurisdictions, grants and revokes roles, rotates accounts and
 * pauses jurisdictions.
 */
interface IAidAccess is IAccessControl {
    /// @dev `grantRole(role, account)` has no jurisdiction; use `grantScopedRole`.
    error AccessScopeRequired(bytes32 role);
    /// @dev `account` does not hold `role` at `jurisdiction` or above it.
    error AccessOutsideJurisdiction(address account, bytes32 role, uint64 jurisdiction);
    /// @dev `code` is not a registered jurisdiction.
    error JurisdictionUnknown(uint64 code);
    /// @dev `code` is already registered.
    error JurisdictionAlreadyRegistered(uint64 code);
    /// @dev `code` is not a province, city, county or township code that extends `parent`.
    error JurisdictionNotUnderParent(uint64 code, uint64 parent);
    /// @dev `jurisdiction` lies in `pausedAt`, which governance has paused.
    error JurisdictionPaused(uint64 jurisdiction, uint64 pausedAt);
    /// @dev The pause of `jurisdiction` is already `paused`.
    error JurisdictionPauseUnchanged(uint64 jurisdiction, bool paused);
    /// @dev `to` already holds a role, or `from` holds none: rotation would merge two officers.
    error AccessRotationInvalid(address from, address to);

    /// @notice A division was added to the tree.
    event JurisdictionRegistered(uint64 indexed code, uint64 indexed parent, uint8 level);
    /// @notice `account` now holds `role` at `jurisdiction` (emitted beside OpenZeppelin's `RoleGranted`).
    event RoleScoped(bytes32 indexed role, address indexed account, uint64 indexed jurisdiction, address sender);
    /// @notice Every role of `from` moved to `to`; history signed by `from` stays attributable through this event.
    event AccountRotated(address indexed from, address indexed to, address sender);
    /// @notice Governance paused or resumed payouts and case transitions in `jurisdiction` and below it.
    event JurisdictionPauseSet(uint64 indexed jurisdiction, bool paused, bytes32 reasonHash, address sender);

    /**
     * @notice Adds `code` beneath `parent`. Requirements: governance; `parent` registered; `code`
     * a province, city, county or township code whose leading digits are `parent`'s.
     */
    function registerJurisdiction(uint64 code, uint64 parent) external;

    /**
     * @notice Grants `role` to `account` at `jurisdiction`, replacing any earlier scope of that role.
     * Requirements: the caller holds the role's admin role; `jurisdiction` registered.
     */
    function grantScopedRole(bytes32 role, address account, uint64 jurisdiction) external;

    /**
     * @notice Replaces officer account `from` with `to` (a lost or rotated key), keeping every
     * role and scope. Requirements: governance; `from` holds at least one role; `to` holds none.
     */
    function rotateAccount(address from, address to) external;

    /// @notice Pauses or resumes `jurisdiction` and everything beneath it. Requirements: governance.
    function setPaused(uint64 jurisdiction, bool paused, bytes32 reasonHash) external;

    /// @notice Reverts with `AccessOutsideJurisdiction` unless `account` holds `role` covering `jurisdiction`.
    function checkRole(bytes32 role, address account, uint64 jurisdiction) external view;

    /// @notice `checkRole` and `checkNotPaused` in one call, for the hot paths of other contracts.
    function checkAuthorised(bytes32 role, address account, uint64 jurisdiction) external view;

    /**
     * @notice `checkRole(role, account, scope)` and `checkNotPaused(jurisdiction)` in one call: the
     * officer acts over `scope` (say the allocation whose funds are paid) on a matter of
     * `jurisdiction` beneath it (the case paid). Reverts with `AccessOutsideJurisdiction` naming
     * `scope` when the role does not cover it, and naming `jurisdiction` when `scope` does not cover it.
     */
    function checkAuthorisedWithin(bytes32 role, address account, uint64 scope, uint64 jurisdiction) external view;

    /// @notice Reverts with `JurisdictionPaused` when `jurisdiction` or an ancestor is paused.
    function checkNotPaused(uint64 jurisdiction) external view;

    /// @notice Whether `account` holds `role` at `jurisdiction` or an ancestor of it.
    function hasScopedRole(bytes32 role, address account, uint64 jurisdiction) external view returns (bool);

    /// @notice The jurisdiction at which `account` holds `role`; `held` is false when it does not.
    function scopeOf(bytes32 role, address account) external view returns (bool held, uint64 jurisdiction);

    /// @notice Whether `code` is a registered jurisdiction, and its parent.
    function jurisdiction(uint64 code) external view returns (bool registered, uint64 parent);

    /// @notice Whether `code` itself is paused (ancestors not considered).
    function isPaused(uint64 code) external view returns (bool);
}
