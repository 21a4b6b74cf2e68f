// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IAidAccess} from "../access/IAidAccess.sol";
import {Jurisdictions} from "../access/Jurisdictions.sol";
import {Roles} from "../access/Roles.sol";
import {Area, Programme} from "../common/Assistance.sol";
import {IAssistanceStandards} from "./IAssistanceStandards.sol";

/// @title AssistanceStandards
contract AssistanceStandards is IAssistanceStandards {
    using Jurisdictions for uint64;

    IAidAccess public immutable access;

    mapping(uint64 jurisdiction => mapping(Programme => mapping(Area => Standard[]))) private _versions;

    constructor(IAidAccess access_) {
        access = access_;
    }

    /// @inheritdoc IAssistanceStandards
    function setStandard(uint64 jurisdiction, Programme programme, Area area, uint64 amount, uint40 effectiveFrom)
        external
    {
        if (!access.hasRole(Roles.GOVERNANCE, msg.sender)) revert StandardUnauthorized(msg.sender);
        (bool registered,) = access.jurisdiction(jurisdiction);
        if (!registered) revert StandardJurisdictionUnknown(jurisdiction);
        if (amount == 0) revert StandardAmountZero();
        Standard[] storage versions = _versions[jurisdiction][programme][area];
        uint256 count = versions.length;
        if (count > 0 && effectiveFrom < versions[count - 1].effectiveFrom) {
            revert StandardEffectiveDateNotIncreasing(effectiveFrom, versions[count - 1].effectiveFrom);
        }
        versions.push(Standard({amount: amount, effectiveFrom: effectiveFrom}));
        emit StandardSet(jurisdiction, programme, area, count, amount, effectiveFrom, msg.sender);
    }

    /// @inheritdoc IAssistanceStandards
    function standardAt(uint64 jurisdiction, Programme programme, Area area, uint40 time)
        external
        view
        returns (uint64 amount, uint64 setBy)
    {
        for (uint8 lvl = jurisdiction.level() + 1; lvl > 0; --lvl) {
            uint64 code = jurisdiction.ancestorAt(lvl - 1);
            Standard[] storage versions = _versions[code][programme][area];
            for (uint256 i = versions.length; i > 0; --i) {
                if (versions[i - 1].effectiveFrom <= time) return (versions[i - 1].amount, code);
            }
        }
        revert StandardNotSet(jurisdiction, programme, area, time);
    }

    /// @inheritdoc IAssistanceStandards
    function history(uint64 jurisdiction, Programme programme, Area area) external view returns (Standard[] memory) {
        return _versions[jurisdiction][programme][area];
    }
}
