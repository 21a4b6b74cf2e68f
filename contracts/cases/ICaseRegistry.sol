// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Area, Programme} from "../common/Assistance.sol";
import {IAssistanceStandards} from "../standards/IAssistanceStandards.sol";
import {Decision, IDecisions, SignerSignature, Stage} from "./IDecisions.sol";

/// @dev Where a case stands. `InNotice`: approved, public notice running; objections send it back to `Submitted`.
enum CaseStatus {
    None,
    Submitted,
    Reviewed,
    InNotice,
    Active,
    Suspended,
    Rejected,
    Terminated
}

/// @dev The case fields a payout needs, read in one storage slot.
struct PayoutTerms {
    CaseStatus status;
    Programme programme;
    uint64 jurisdiction;
    uint64 approvedAmount;
    /// @dev The first second payouts are for: the end of public notice, or the resumption after a suspension.
    uint40 entitledFrom;
}

/**
 * @dev An application as `submitApplications` takes it, authorised by the caseworker who took it
 * in: an EIP-712 signature (compact, EIP-2098: `r` and `vs`) over an `ApplicationAuthorisation`
 * of its case id, programme, area, jurisdiction, record hash, identities and deadline, in the
 * registry's domain (chain id and address). `identities` is
 * `keccak256(abi.encodePacked(identityCommitment, household))`, worked out on chain from the
 * fields below: whoever relays cannot put other people in the case (and so evade the one open
 * case rule) without the signature failing. The case id is the authorisation's nonce: a case
 * opens once. The keyed commitments are computed by the gateway (it holds the key) and shown to
 * the caseworker to sign; the record holds the resident IDs they are computed from, so an auditor
 * given the key checks them.
 */
struct Application {
    bytes32 caseId;
    Programme programme;
    Area area;
    uint64 jurisdiction;
    bytes32 recordHash;
    /// @dev The applicant's keyed commitment.
    bytes32 identityCommitment;
    /// @dev The keyed commitments of the household's other members, each distinct from the applicant's and each other.
    bytes32[] household;
    address caseworker;
    uint64 deadline;
    bytes32 r;
    bytes32 vs;
}

/**
 * @dev A revision of a case's application record, by the caseworker who sends it. The applicant
 * stays the same (`identityCommitment` must be the case's); members who joined or left the
 * household are named by their commitments, and the household's size changes by as many.
 */
struct Revision {
    bytes32 caseId;
    bytes32 recordHash;
    bytes32 identityCommitment;
    bytes32[] joined;
    bytes32[] left;
    bytes32 evidenceHash;
}

/**
 * @title Case registry
 * @notice The lifecycle of each assistance case: intake, review, approval by EIP-712 signatures,
 * public notice, activation, suspension, exit and record revisions. Only hashes and keyed
 * commitments are held: no personal data is stored or emitted. The registry also holds the
 * assistance standards (IAssistanceStandards, bound at its address), which every approval and
 * payout reads with the case.
 */
interface ICaseRegistry is IDecisions, IAssistanceStandards {
    error CaseUnknown(bytes32 caseId);
    error CaseAlreadyExists(bytes32 caseId);
    /// @dev The identity (an applicant or a household member) already has an open case, `existingCaseId`, in `programme`.
    error CaseIdentityAlreadyOpen(bytes32 identityCommitment, Programme programme, bytes32 existingCaseId);
    /// @dev A case id, record hash or identity commitment was zero.
    error CaseFieldZero(string field);
    /// @dev Cases are opened at county or township level, in a registered jurisdiction.
    error CaseJurisdictionInvalid(uint64 jurisdiction);
    /// @dev The step needs a different status than `status`.
    error CaseStatusInvalid(bytes32 caseId, CaseStatus status);
    /// @dev Public notice runs until `noticeEnd`.
    error CaseNoticeNotOver(bytes32 caseId, uint40 noticeEnd);
    /// @dev Public notice ended at `noticeEnd`; objections are closed.
    error CaseNoticeOver(bytes32 caseId, uint40 noticeEnd);
    /// @dev `account` holds none of the roles that may take this step in `jurisdiction`.
    error CaseUnauthorized(address account, uint64 jurisdiction);
    /// @dev The case is already in `jurisdiction`, or the caller does not cover both ends of the transfer.
    error CaseTransferInvalid(bytes32 caseId, uint64 from, uint64 to);
    /// @dev `submitApplications` was given no application.
    error ApplicationBatchEmpty();
    /// @dev The application's authorisation expired at `deadline`; the chain's time is `time`.
    error ApplicationExpired(bytes32 caseId, uint64 deadline, uint64 time);
    /// @dev The application's signature is not `caseworker`'s over its authorisation.
    error ApplicationSignatureInvalid(bytes32 caseId, address caseworker);
    /// @dev `identityCommitment` is listed twice in the application's household, or is the applicant's.
    error ApplicationHouseholdRepeated(bytes32 caseId, bytes32 identityCommitment);
    /// @dev A revision names `identityCommitment`, which is not the case's applicant: the applicant never changes.
    error RevisionIdentityMismatch(bytes32 caseId, bytes32 identityCommitment);
    /// @dev A member said to leave the household, `identityCommitment`, is not a member of the case.
    error RevisionMemberUnknown(bytes32 caseId, bytes32 identityCommitment);
    /// @dev An application or revision would give the household `size` people, more than a case holds (255).
    error CaseHouseholdTooLarge(bytes32 caseId, uint256 size);

    error DecisionRecordMismatch(bytes32 caseId, bytes32 expected, bytes32 provided);
    error DecisionStageMismatch(bytes32 caseId, CaseStatus status, Stage stage);
    error DecisionThresholdNotConfigured(uint64 jurisdiction, Programme programme, Stage stage);
    error DecisionThresholdNotMet(bytes32 caseId, uint256 required, uint256 provided);
    error DecisionSignerUnauthorized(address signer, bytes32 role, uint64 jurisdiction);
    /// @dev A township-level approver may approve only temporary assistance up to the township ceiling.
    error DecisionSignerLevelTooLow(address signer, uint64 scope);
    error ApprovalAboveStandard(bytes32 caseId, uint64 amount, uint64 cap);
    /// @dev An approval names a positive amount and household size; a review or rejection names neither.
    error DecisionTermsInvalid(bytes32 caseId);
    /// @dev An approval named `provided` people; the case's household, as the ledger holds it, is `householdSize`.
    error ApprovalHouseholdSizeMismatch(bytes32 caseId, uint8 householdSize, uint8 provided);
    error ConfigUnauthorized(address account);
    error ConfigThresholdZero();

    /// @notice A case opened by `actor`, the caseworker whose signature authorised it: its first change of status, from None to Submitted, for which
    /// no CaseTransition is emitted (its time is the block's, its evidence the record hash). One
    /// event where two said the same halved the logs a batch of applications leaves in its receipt.
    /// @notice A case opened by `actor`, its caseworker, with a household of `householdSize` (the
    /// applicant and the members whose commitments the application names): the size every cap
    /// multiplies, which an auditor holds to the application record.
    event CaseSubmitted(
        bytes32 indexed caseId,
        Programme programme,
        Area area,
        uint64 indexed jurisdiction,
        bytes32 identityCommitment,
        uint8 householdSize,
        bytes32 recordHash,
        address indexed actor
    );
    /// @notice Every later change of status, with who, when and the hash of the evidence behind it. For a
    /// decision, `actor` is its first signer (all are in CaseDecided), never the account that relayed it.
    event CaseTransition(
        bytes32 indexed caseId, CaseStatus from, CaseStatus to, address indexed actor, uint64 time, bytes32 evidenceHash
    );
    /// @notice A review or approval passed its threshold; `signers` are the officers whose signatures counted.
    event CaseDecided(
        bytes32 indexed caseId,
        Stage stage,
        bool approve,
        uint64 amount,
        uint8 householdSize,
        uint32 round,
        address[] signers,
        bytes32 digest
    );
    /// @notice The case's record revised by `actor`, its caseworker: the members who joined and left,
    /// by their commitments, and the household's size after it, which an auditor holds to the record.
    event CaseRecordRevised(
        bytes32 indexed caseId,
        uint256 revision,
        bytes32 recordHash,
        address indexed actor,
        uint64 time,
        bytes32 evidenceHash,
        bytes32[] joined,
        bytes32[] left,
        uint8 householdSize
    );
    event CaseTransferred(
        bytes32 indexed caseId, uint64 indexed from, uint64 indexed to, address actor, uint64 time, bytes32 evidenceHash
    );
    event CaseFlagged(bytes32 indexed caseId, address indexed auditor, uint64 time, bytes32 evidenceHash);
    event ThresholdSet(uint64 indexed jurisdiction, Programme indexed programme, Stage indexed stage, uint8 threshold);
    event NoticePeriodSet(Programme indexed programme, uint40 period);
    event TownshipCeilingSet(uint64 ceiling);

    /**
     * @notice Opens a case for each application, all or none: the first application refused
     * reverts the batch with that application's error. Anyone may relay; each application is
     * authorised by its caseworker's signature. Requirements, for each: signature valid and not
     * expired; the caseworker covering `jurisdiction` (a registered county or township), not
     * paused; a new case id; no open case in `programme` anywhere for the applicant or any
     * household member, and no member listed twice. Identity commitments are HMAC-SHA-256 of the
     * normalised resident ID under the deployment's shared key. The case's household size is the
     * applicant and the members: one plus the household's length.
     */
    function submitApplications(Application[] calldata applications) external;

    /**
     * @notice Reverts as `submitApplications` would for `applications` from the caller, without
     * opening a case. Each is judged as if the others were not in the batch: two applications of
     * one identity pass here and are refused there. A gateway asks before taking an application
     * in, so that nothing is written for one the ledger would refuse; this only reads what
     * submitting writes, about a fifth of its gas.
     */
    function checkApplications(Application[] calldata applications) external view;

    /**
     * @notice Records a review or approval signed by officers and relayed by anyone.
     * Requirements: signatures strictly ordered by signer, each valid for the EIP-712 digest of
     * `decision`, each signer holding the stage's role over the case, at least the configured
     * threshold of them; deadline not passed; the case's current round and record hash; an
     * approval's household size the case's (the ledger's count, not the signers'), and its amount
     * within the standard times that size. An approval starts public notice; a rejection closes the case.
     */
    function decide(Decision calldata decision, SignerSignature[] calldata signatures) external;

    /**
     * @notice Reverts as `decide` would for `decision` and these signatures, the threshold aside:
     * the stage due, no pause, the round and record, the terms, the deadline, and each signature
     * and its signer's role, jurisdiction and level. For a gateway that collects signatures one at
     * a time, so that one the ledger would never count is refused when it is given.
     */
    function checkDecision(Decision calldata decision, SignerSignature[] calldata signatures) external view;

    /// @notice Sends a case in public notice back to review. Requirements: caseworker or reviewer; notice not over.
    function lodgeObjection(bytes32 caseId, bytes32 evidenceHash) external;

    /// @notice Starts payments once public notice is over. Requirements: caseworker or approver.
    function activate(bytes32 caseId, bytes32 evidenceHash) external;

    /// @notice Suspends an active case. Requirements: approver.
    function suspend(bytes32 caseId, bytes32 evidenceHash) external;

    /// @notice Resumes a suspended case. Requirements: approver.
    function resume(bytes32 caseId, bytes32 evidenceHash) external;

    /// @notice Closes a case that is not already closed (exit or withdrawal). Requirements: approver.
    function terminate(bytes32 caseId, bytes32 evidenceHash) external;

    /**
     * @notice Appends a revision of the application record (annual re-check, correction).
     * Requirements: caseworker over the case; case open; the applicant unchanged; members who
     * join hold no open case in the programme, members who leave are the case's; the household's
     * size changes by those who joined less those who left. A case already
     * reviewed or decided goes back to `Submitted` (a new round): it is not paid again until it
     * is reviewed and approved on the revised record.
     */
    function reviseRecord(Revision calldata revision) external;

    /// @notice Moves a case to another jurisdiction, keeping its history. Requirements: approver covering both.
    function transferCase(bytes32 caseId, uint64 to, bytes32 evidenceHash) external;

    /// @notice Records an auditor's flag on a case. Requirements: auditor covering the case.
    function flagCase(bytes32 caseId, bytes32 evidenceHash) external;

    /// @notice Sets the signatures needed at `stage` for `programme` in `jurisdiction` and below. Requirements: governance.
    function setThreshold(uint64 jurisdiction, Programme programme, Stage stage, uint8 threshold) external;

    /// @notice Sets the public notice period of `programme`, in seconds. Requirements: governance.
    function setNoticePeriod(Programme programme, uint40 period) external;

    /// @notice Sets the largest temporary-assistance amount a township may approve. Requirements: governance.
    function setTownshipCeiling(uint64 ceiling) external;

    /// @notice The case's payout terms, area, household size (the applicant and the members held now),
    /// approval round and the end of its public notice (kept when a resumption moves on the time
    /// payouts are for); reverts with CaseUnknown for an unknown case.
    function getCase(bytes32 caseId)
        external
        view
        returns (PayoutTerms memory terms, Area area, uint8 householdSize, uint32 round, uint40 noticeEnd);

    /// @notice The case fields a payout checks, in one read.
    function payoutTerms(bytes32 caseId) external view returns (PayoutTerms memory);

    /// @notice The first storage word of each case (see CaseWord.sol), zero for unknown cases: what a payout run reads.
    function caseWords(bytes32[] calldata caseIds) external view returns (uint256[] memory);

    /**
     * @notice What a single payout reads, in one call: the case's first storage word, as
     * `caseWords` gives it, and the standard in force at `time` for its jurisdiction, programme
     * and area (as `standardAt`), or 0 where there is none (a standard is never 0), so that the
     * payout's own rules are checked first.
     */
    function payoutWord(bytes32 caseId, uint40 time) external view returns (uint256 word, uint64 standard);

    /// @notice Every record hash of the case, first submission first.
    function revisions(bytes32 caseId) external view returns (bytes32[] memory);

    /// @notice The threshold in force for a case in `jurisdiction`: its own or its nearest ancestor's.
    function thresholdFor(uint64 jurisdiction, Programme programme, Stage stage) external view returns (uint8);

    /// @notice The EIP-712 digest a caseworker signs to authorise `application`.
    function applicationDigest(Application calldata application) external view returns (bytes32);

    /// @notice The open case of an identity (applicant or member) in a programme, or zero.
    function openCaseOf(bytes32 identityCommitment, Programme programme) external view returns (bytes32);
}
