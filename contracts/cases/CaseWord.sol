// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Area, Programme} from "../common/Assistance.sol";
import {CaseStatus} from "./ICaseRegistry.sol";

/**
 * @dev The first storage word of a case as CaseRegistry's `CaseData` struct lays it out
 * (Solidity packs struct members from the low-order bits up). A payout run reads this one word
 * per case instead of an ABI-encoded struct: at hundreds of cases per transaction the encoding,
 * not the storage read, was the larger cost. test/funds.test.ts pins the layout.
 */
library CaseWord {
    function status(uint256 word) internal pure returns (CaseStatus) {
        return CaseStatus(uint8(word));
    }

    function programme(uint256 word) internal pure returns (Programme) {
        return Programme(uint8(word >> 8));
    }

    function area(uint256 word) internal pure returns (Area) {
        return Area(uint8(word >> 16));
    }

    function householdSize(uint256 word) internal pure returns (uint8) {
        return uint8(word >> 24);
    }

    function jurisdiction(uint256 word) internal pure returns (uint64) {
        return uint64(word >> 32);
    }

    function approvedAmount(uint256 word) internal pure returns (uint64) {
        return uint64(word >> 96);
    }

    function entitledFrom(uint256 word) internal pure returns (uint40) {
        return uint40(word >> 160);
    }
}
