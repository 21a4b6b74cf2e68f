// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Area, Programme} from "../common/Assistance.sol";

/**
 * @title Assistance standards, versioned with effective dates
 * @notice A standard is an amount in fen per person: per month for monthly programmes, per case
 * for one-off programmes. Each (jurisdiction, programme, area) keeps every version ever set; a
 * jurisdiction without its own standard uses its nearest ancestor's. CaseRegistry answers it, at
 * its own address: the standards are read with the case (see AssistanceStandards.sol).
 */
interface IAssistanceStandards {
    /// @dev Only governance sets standards.
    error StandardUnauthorized(address account);
    /// @dev `jurisdiction` is not registered.
    error StandardJurisdictionUnknown(uint64 jurisdiction);
    /// @dev A standard must be a positive amount.
    error StandardAmountZero();
    /// @dev Versions are appended in effective-date order: `effectiveFrom` precedes the latest, `latestEffectiveFrom`.
    error StandardEffectiveDateNotIncreasing(uint40 effectiveFrom, uint40 latestEffectiveFrom);
    /// @dev Neither `jurisdiction` nor an ancestor has a standard for the programme and area in force at `time`.
    error StandardNotSet(uint64 jurisdiction, Programme programme, Area area, uint40 time);

    /// @notice Version `version` of a standard took effect.
    event StandardSet(
        uint64 indexed jurisdiction,
        Programme indexed programme,
        Area indexed area,
        uint256 version,
        uint64 amount,
        uint40 effectiveFrom,
        address sender
    );

    struct Standard {
        uint64 amount;
        uint40 effectiveFrom;
    }

    /**
     * @notice Appends a new version, in force from `effectiveFrom` (a past or future time).
     * Requirements: governance; `jurisdiction` registered; `amount` positive; `effectiveFrom` not
     * before the latest version's.
     */
    function setStandard(uint64 jurisdiction, Programme programme, Area area, uint64 amount, uint40 effectiveFrom) external;

    /**
     * @notice The standard in force at `time` for a case in `jurisdiction`, and the jurisdiction that set it.
     * Reverts with `StandardNotSet` when there is none.
     */
    function standardAt(uint64 jurisdiction, Programme programme, Area area, uint40 time)
        external
        view
        returns (uint64 amount, uint64 setBy);

    /// @notice Every version set directly at `jurisdiction`, oldest first.
    function history(uint64 jurisdiction, Programme programme, Area area) external view returns (Standard[] memory);
}
