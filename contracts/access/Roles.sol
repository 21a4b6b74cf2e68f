// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @dev The roles of aidtrail. Governance is OpenZeppelin's DEFAULT_ADMIN_ROLE (0x00).
library Roles {
    bytes32 internal constant GOVERNANCE = 0x00;
    bytes32 internal constant CASEWORKER = keccak256("CASEWORKER");
    bytes32 internal constant REVIEWER = keccak256("REVIEWER");
    bytes32 internal constant APPROVER = keccak256("APPROVER");
    bytes32 internal constant FINANCE_OFFICER = keccak256("FINANCE_OFFICER");
    bytes32 internal constant SETTLEMENT_AGENT = keccak256("SETTLEMENT_AGENT");
    bytes32 internal constant AUDITOR = keccak256("AUDITOR");
    bytes32 internal constant LOG_OPERATOR = keccak256("LOG_OPERATOR");
    /// @dev Held beside a case role to have personal fields of a special category disclosed
    /// (a child's, a disabled person's, medical details): the gateway checks it, the ledger keeps it.
    bytes32 internal constant SPECIAL_CATEGORY_READER = keccak256("SPECIAL_CATEGORY_READER");
}
