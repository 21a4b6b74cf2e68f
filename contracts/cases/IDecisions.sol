// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/// @dev The level a decision is taken at: township eligibility review, then approval.
enum Stage {
    Review,
    Approval
}

/**
 * @dev What officers sign (EIP-712). `round` is the case's nonce: every decision and objection
 * advances it, so a signature is good for one step of one case on one registry on one chain.
 */
struct Decision {
    bytes32 caseId;
    Stage stage;
    bool approve;
    bytes32 recordHash;
    uint64 amount;
    /// @dev For an approval, the case's household size as the registry holds it (signed so that signers attest it); zero otherwise.
    uint8 householdSize;
    uint32 round;
    uint64 deadline;
}

/// @dev A signature and the account that claims it; accounts must be strictly ascending.
struct SignerSignature {
    address signer;
    bytes signature;
}

/**
 * @title Officers' signed decisions
 * @notice Reviews and approvals are EIP-712 signatures over a `Decision`, made with the officers'
 * own keys and relayed by anyone in one transaction.
 */
interface IDecisions {
    error DecisionExpired(uint64 deadline, uint64 time);
    error DecisionNonceMismatch(bytes32 caseId, uint32 expected, uint32 provided);
    error DecisionSignatureInvalid(address signer);
    error DecisionSignerDuplicate(address signer);
    error DecisionSignersUnordered(address signer);

    /// @notice The EIP-712 digest officers sign for `decision`.
    function decisionDigest(Decision calldata decision) external view returns (bytes32);
}
