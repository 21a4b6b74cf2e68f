// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Decision, IDecisions, SignerSignature} from "./IDecisions.sol";

/**
 * @dev EIP-712 verification of officers' decisions. The domain binds chain id and registry
 * address; the `round` inside the decision binds one step of one case. SignatureChecker accepts
 * ERC-1271 contract wallets as well as EOAs, and OpenZeppelin's ECDSA refuses high-s (malleable)
 * signatures; strictly ascending signers make a duplicate impossible to count twice.
 */
abstract contract DecisionVerifier is EIP712, IDecisions {
    bytes32 public constant DECISION_TYPEHASH = keccak256(
        "Decision(bytes32 caseId,uint8 stage,bool approve,bytes32 recordHash,uint64 amount,uint8 householdSize,uint32 round,uint64 deadline)"
    );

    /// @inheritdoc IDecisions
    function decisionDigest(Decision calldata decision) external view returns (bytes32) {
        return _decisionDigest(decision);
    }

    function _decisionDigest(Decision calldata d) internal view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    DECISION_TYPEHASH,
                    d.caseId,
                    d.stage,
                    d.approve,
                    d.recordHash,
                    d.amount,
                    d.householdSize,
                    d.round,
                    d.deadline
                )
            )
        );
    }

    /// @dev Checks deadline and signatures; role and threshold rules are the registry's.
    function _recoverSigners(Decision calldata d, bytes32 digest, SignerSignature[] calldata signatures)
        internal
        view
        returns (address[] memory signers)
    {
        uint64 time = _time();
        if (d.deadline < time) revert DecisionExpired(d.deadline, time);
        signers = new address[](signatures.length);
        address previous;
        for (uint256 i; i < signatures.length; ++i) {
            address signer = signatures[i].signer;
            if (i > 0 && signer == previous) revert DecisionSignerDuplicate(signer);
            if (signer < previous) revert DecisionSignersUnordered(signer);
            if (!SignatureChecker.isValidSignatureNow(signer, digest, signatures[i].signature)) {
                revert DecisionSignatureInvalid(signer);
            }
            signers[i] = signer;
            previous = signer;
        }
    }

    /// @dev The clock that deadlines and notice periods run on.
    function _time() internal view virtual returns (uint64) {
        return uint64(block.timestamp);
    }
}
