// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IAidAccess} from "../access/IAidAccess.sol";
import {Jurisdictions} from "../access/Jurisdictions.sol";
import {Roles} from "../access/Roles.sol";
import {Area, Programme} from "../common/Assistance.sol";
import {IAssistanceStandards} from "./IAssistanceStandards.sol";

/**
 * @title AssistanceStandards
 * @dev The standards, as a part of the contract that reads them with its cases (CaseRegistry):
 * every approval and every payout needs the standard of the case's jurisdiction, programme and
 * area, and in a contract of their own each payout paid a cold call for it. Callers bind
 * `IAssistanceStandards` at the registry's address.
 *
 * The usual lookup is two storage reads: the levels of the tree at which any jurisdiction set a
 * standard for the programme and area, then the head (latest version and count) of the nearest
 * ancestor at one of those levels. Older versions are read only for a time before the latest took
 * effect.
 */
abstract contract AssistanceStandards is IAssistanceStandards {
    using Jurisdictions for uint64;

    /// @dev Per (jurisdiction, programme, area) (see `_key`): every version, oldest first.
    mapping(uint256 key => Standard[]) private _versions;
    /// @dev Per (jurisdiction, programme, area): the latest version's amount (bits 0-63) and
    /// effective time (64-103), and the number of versions (104-135); zero while there is none.
    mapping(uint256 key => uint256 head) private _heads;
    /// @dev Per (programme, area): bit `l` set once a jurisdiction of level `l` has set a standard.
    mapping(uint256 programmeArea => uint256 levels) private _levels;

    /// @inheritdoc IAssistanceStandards
    function setStandard(uint64 jurisdiction, Programme programme, Area area, uint64 amount, uint40 effectiveFrom)
        external
    {
        IAidAccess authority = _authority();
        if (!authority.hasRole(Roles.GOVERNANCE, msg.sender)) revert StandardUnauthorized(msg.sender);
        (bool registered,) = authority.jurisdiction(jurisdiction);
        if (!registered) revert StandardJurisdictionUnknown(jurisdiction);
        if (amount == 0) revert StandardAmountZero();
        uint256 key = _key(jurisdiction, programme, area);
        uint256 head = _heads[key];
        uint256 count = head >> 104;
        uint40 latest = uint40(head >> 64);
        if (count > 0 && effectiveFrom < latest) revert StandardEffectiveDateNotIncreasing(effectiveFrom, latest);
        _versions[key].push(Standard({amount: amount, effectiveFrom: effectiveFrom}));
        _heads[key] = uint256(amount) | (uint256(effectiveFrom) << 64) | ((count + 1) << 104);
        _levels[_programmeArea(programme, area)] |= 1 << jurisdiction.level();
        emit StandardSet(jurisdiction, programme, area, count, amount, effectiveFrom, msg.sender);
    }

    /// @inheritdoc IAssistanceStandards
    function standardAt(uint64 jurisdiction, Programme programme, Area area, uint40 time)
        external
        view
        returns (uint64 amount, uint64 setBy)
    {
        return _standardAt(jurisdiction, programme, area, time);
    }

    /// @inheritdoc IAssistanceStandards
    function history(uint64 jurisdiction, Programme programme, Area area) external view returns (Standard[] memory) {
        return _versions[_key(jurisdiction, programme, area)];
    }

    /// @dev Who may set standards (governance) and which jurisdictions exist.
    function _authority() internal view virtual returns (IAidAccess);

    /// @dev `standardAt`: reverts with `StandardNotSet` where there is none.
    function _standardAt(uint64 jurisdiction, Programme programme, Area area, uint40 time)
        internal
        view
        returns (uint64 amount, uint64 setBy)
    {
        (amount, setBy) = _findStandard(jurisdiction, uint8(programme), uint8(area), time);
        if (amount == 0) revert StandardNotSet(jurisdiction, programme, area, time);
    }

    /// @dev The standard in force at `time` and the jurisdiction that set it; (0, 0) where there is
    /// none (a standard is never zero). Programme and area as the case word holds them, unchecked.
    function _findStandard(uint64 jurisdiction, uint8 programme, uint8 area, uint40 time)
        internal
        view
        returns (uint64 amount, uint64 setBy)
    {
        uint256 programmeArea = (uint256(programme) << 8) | area;
        uint256 levels = _levels[programmeArea];
        // Unchecked: levels run from the jurisdiction's (at most 5) down to 0, and a head read is never empty.
        unchecked {
            for (uint256 lvl = uint256(jurisdiction.level()) + 1; lvl > 0; --lvl) {
                if ((levels >> (lvl - 1)) & 1 == 0) continue;
                uint64 code = jurisdiction.ancestorAt(uint8(lvl - 1));
                uint256 key = (uint256(code) << 16) | programmeArea;
                uint256 head = _heads[key];
                if (head == 0) continue;
                if (uint40(head >> 64) <= time) return (uint64(head), code);
                Standard[] storage versions = _versions[key];
                for (uint256 i = (head >> 104) - 1; i > 0; --i) {
                    Standard storage version = versions[i - 1];
                    if (version.effectiveFrom <= time) return (version.amount, code);
                }
            }
        }
    }

    function _key(uint64 jurisdiction, Programme programme, Area area) private pure returns (uint256) {
        return (uint256(jurisdiction) << 16) | _programmeArea(programme, area);
    }

    function _programmeArea(Programme programme, Area area) private pure returns (uint256) {
        return (uint256(uint8(programme)) << 8) | uint8(area);
    }
}
