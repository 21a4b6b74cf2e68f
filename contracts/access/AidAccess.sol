// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";
import {IAidAccess} from "./IAidAccess.sol";
import {Jurisdictions} from "./Jurisdictions.sol";
import {Roles} from "./Roles.sol";

/**
 * @title AidAccess
 * @notice OpenZeppelin AccessControl with a jurisdiction on every grant, the jurisdiction tree,
 * and pauses per jurisdiction. The other contracts ask it `checkRole` before any state change.
 * A gateway asks it the roles of every officer whose requests arrived together in one call
 * (`multicall` of `hasScopedRole`), rather than a call an officer.
 */
contract AidAccess is AccessControl, Multicall, IAidAccess {
    using Jurisdictions for uint64;

    /// @dev Bit set in a scope word when the role is held; the low 64 bits are the jurisdiction.
    uint256 private constant _HELD = 1 << 64;

    struct Node {
        bool registered;
        uint64 parent;
    }

    mapping(bytes32 role => mapping(address account => uint256 scopeWord)) private _scopes;
    mapping(uint64 code => Node) private _nodes;
    mapping(uint64 code => bool) private _paused;
    /// @dev Number of paused jurisdictions: while zero, the pause check on the payout path is one read.
    uint256 private _pausedCount;

    constructor(address governance) {
        _nodes[Jurisdictions.NATION] = Node({registered: true, parent: Jurisdictions.NATION});
        emit JurisdictionRegistered(Jurisdictions.NATION, Jurisdictions.NATION, Jurisdictions.LEVEL_NATION);
        _grantScoped(Roles.GOVERNANCE, governance, Jurisdictions.NATION);
    }

    /// @inheritdoc IAidAccess
    function registerJurisdiction(uint64 code, uint64 parent) external onlyRole(Roles.GOVERNANCE) {
        if (_nodes[code].registered) revert JurisdictionAlreadyRegistered(code);
        if (!_nodes[parent].registered) revert JurisdictionUnknown(parent);
        uint8 lvl = code.level();
        if (lvl == Jurisdictions.LEVEL_NATION || lvl == Jurisdictions.LEVEL_INVALID || lvl <= parent.level() || !parent.covers(code)) {
            revert JurisdictionNotUnderParent(code, parent);
        }
        _nodes[code] = Node({registered: true, parent: parent});
        emit JurisdictionRegistered(code, parent, lvl);
    }

    /// @inheritdoc IAidAccess
    function grantScopedRole(bytes32 role, address account, uint64 scope) external onlyRole(getRoleAdmin(role)) {
        if (!_nodes[scope].registered) revert JurisdictionUnknown(scope);
        _grantScoped(role, account, scope);
    }

    /// @dev Grants carry a jurisdiction in aidtrail; an unscoped grant would silently mean "the nation".
    function grantRole(bytes32 role, address) public pure override(AccessControl, IAccessControl) {
        revert AccessScopeRequired(role);
    }

    /// @inheritdoc IAidAccess
    function rotateAccount(address from, address to) external onlyRole(Roles.GOVERNANCE) {
        if (to == address(0) || to == from) revert AccessRotationInvalid(from, to);
        bytes32[9] memory all = _allRoles();
        bool moved;
        for (uint256 i; i < all.length; ++i) {
            if (_scopes[all[i]][to] != 0) revert AccessRotationInvalid(from, to);
        }
        for (uint256 i; i < all.length; ++i) {
            uint256 word = _scopes[all[i]][from];
            if (word == 0) continue;
            _revokeRole(all[i], from);
            _grantScoped(all[i], to, uint64(word));
            moved = true;
        }
        if (!moved) revert AccessRotationInvalid(from, to);
        emit AccountRotated(from, to, _msgSender());
    }

    /// @inheritdoc IAidAccess
    function setPaused(uint64 code, bool paused, bytes32 reasonHash) external onlyRole(Roles.GOVERNANCE) {
        if (!_nodes[code].registered) revert JurisdictionUnknown(code);
        if (_paused[code] == paused) revert JurisdictionPauseUnchanged(code, paused);
        _paused[code] = paused;
        if (paused) ++_pausedCount;
        else --_pausedCount;
        emit JurisdictionPauseSet(code, paused, reasonHash, _msgSender());
    }

    /// @inheritdoc IAidAccess
    function checkRole(bytes32 role, address account, uint64 code) external view {
        if (!_covers(role, account, code)) revert AccessOutsideJurisdiction(account, role, code);
    }

    /// @inheritdoc IAidAccess
    function checkAuthorised(bytes32 role, address account, uint64 code) external view {
        if (!_covers(role, account, code)) revert AccessOutsideJurisdiction(account, role, code);
        _checkNotPaused(code);
    }

    /// @inheritdoc IAidAccess
    function checkAuthorisedWithin(bytes32 role, address account, uint64 scope, uint64 code) external view {
        if (!_covers(role, account, scope)) revert AccessOutsideJurisdiction(account, role, scope);
        if (!scope.covers(code)) revert AccessOutsideJurisdiction(account, role, code);
        _checkNotPaused(code);
    }

    /// @inheritdoc IAidAccess
    function checkNotPaused(uint64 code) external view {
        _checkNotPaused(code);
    }

    /// @inheritdoc IAidAccess
    function hasScopedRole(bytes32 role, address account, uint64 code) external view returns (bool) {
        return _covers(role, account, code);
    }

    /// @inheritdoc IAidAccess
    function scopeOf(bytes32 role, address account) external view returns (bool held, uint64 scope) {
        uint256 word = _scopes[role][account];
        return (word != 0, uint64(word));
    }

    /// @inheritdoc IAidAccess
    function jurisdiction(uint64 code) external view returns (bool registered, uint64 parent) {
        Node memory node = _nodes[code];
        return (node.registered, node.parent);
    }

    /// @inheritdoc IAidAccess
    function isPaused(uint64 code) external view returns (bool) {
        return _paused[code];
    }

    function _checkNotPaused(uint64 code) private view {
        if (_pausedCount == 0) return;
        for (uint8 lvl; lvl <= code.level(); ++lvl) {
            uint64 ancestor = code.ancestorAt(lvl);
            if (_paused[ancestor]) revert JurisdictionPaused(code, ancestor);
        }
    }

    function _covers(bytes32 role, address account, uint64 code) private view returns (bool) {
        uint256 word = _scopes[role][account];
        return word != 0 && uint64(word).covers(code);
    }

    function _grantScoped(bytes32 role, address account, uint64 scope) private {
        _scopes[role][account] = _HELD | scope;
        _grantRole(role, account);
        emit RoleScoped(role, account, scope, _msgSender());
    }

    /// @dev Revocation and renunciation both end here, so no scope outlives its role.
    function _revokeRole(bytes32 role, address account) internal override returns (bool) {
        delete _scopes[role][account];
        return super._revokeRole(role, account);
    }

    function _allRoles() private pure returns (bytes32[9] memory) {
        return [
            Roles.GOVERNANCE,
            Roles.CASEWORKER,
            Roles.REVIEWER,
            Roles.APPROVER,
            Roles.FINANCE_OFFICER,
            Roles.SETTLEMENT_AGENT,
            Roles.AUDITOR,
            Roles.LOG_OPERATOR,
            Roles.SPECIAL_CATEGORY_READER
        ];
    }
}
