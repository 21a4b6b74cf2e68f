// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IAidAccess} from "../access/IAidAccess.sol";
import {Jurisdictions} from "../access/Jurisdictions.sol";
import {Roles} from "../access/Roles.sol";
import {Area, Programme} from "../common/Assistance.sol";
import {AssistanceStandards} from "../standards/AssistanceStandards.sol";
import {DecisionVerifier} from "./DecisionVerifier.sol";
import {CaseWord} from "./CaseWord.sol";
import {Decision, SignerSignature, Stage} from "./IDecisions.sol";
import {Application, CaseStatus, ICaseRegistry, PayoutTerms, Revision} from "./ICaseRegistry.sol";

/**
 * @title CaseRegistry
 * @dev Holds the assistance standards as well as the cases (AssistanceStandards): every decision
 * and every payout reads the standard with the case, and a contract of their own cost every
 * payout a cold call to it. A payout gets the case's word and its standard in one call
 * (`payoutWord`).
 */
contract CaseRegistry is ICaseRegistry, DecisionVerifier, AssistanceStandards {
    using Jurisdictions for uint64;
    using CaseWord for uint256;

    uint64 public constant DEFAULT_TOWNSHIP_CEILING = 500_000;
    uint40 public constant DEFAULT_NOTICE_PERIOD = 7 days;
    /// @dev The most people a case's household holds, the applicant included: its size is a `uint8`.
    uint256 public constant MAX_HOUSEHOLD = type(uint8).max;
    bytes32 public constant APPLICATION_TYPEHASH = keccak256(
        "ApplicationAuthorisation(bytes32 caseId,uint8 programme,uint8 area,uint64 jurisdiction,bytes32 recordHash,bytes32 identities,uint64 deadline)"
    );

    /// @dev Slot 0 is what a payout reads, whole (CaseWord.sol): keep it within 256 bits and in this order.
    struct CaseData {
        CaseStatus status;
        Programme programme;
        Area area;
        /// @dev The applicant and the members the case holds: one plus the application's household, then changed by each revision.
        uint8 householdSize;
        uint64 jurisdiction;
        uint64 approvedAmount;
        /// @dev The first second payouts are for: the end of public notice, until a resumption moves it on.
        uint40 entitledFrom;
        uint32 round;
        /// @dev Held here, not as an array's length in a slot of its own: an application writes one word fewer.
        uint24 revisionCount;
    }

    IAidAccess public immutable access;

    uint64 public townshipCeiling = DEFAULT_TOWNSHIP_CEILING;
    mapping(Programme => uint40) public noticePeriod;

    mapping(bytes32 caseId => CaseData) private _cases;
    /// @dev The end of public notice of a case resumed since its approval, kept when `entitledFrom`
    /// moves on to the resumption: written by a resumption alone and cleared by the next approval,
    /// so that a payout still reads one word and the notice's end is never lost.
    mapping(bytes32 caseId => uint40 noticeEnd) private _resumedNoticeEnds;
    mapping(bytes32 caseId => mapping(uint256 revision => bytes32 recordHash)) private _revisions;
    /// @dev The identity's latest case in the programme as its applicant, open unless closed since. A closed case is
    /// not cleared from here, so a case need not hold its identity to clear it: an application
    /// writes three words, not four, and on a busy chain mining them is most of the work.
    mapping(bytes32 identityCommitment => mapping(Programme => bytes32 caseId)) private _latestCases;
    /// @dev The identity's latest case in the programme as a household member, likewise. Held
    /// apart from applicants' so that a revision can tell the applicant from a member.
    mapping(bytes32 identityCommitment => mapping(Programme => bytes32 caseId)) private _memberCases;
    mapping(uint64 jurisdiction => mapping(Programme => mapping(Stage => uint8))) private _thresholds;

    constructor(IAidAccess access_) EIP712("aidtrail CaseRegistry", "1") {
        access = access_;
        for (uint8 p; p <= uint8(type(Programme).max); ++p) {
            noticePeriod[Programme(p)] = DEFAULT_NOTICE_PERIOD;
        }
    }

    /// @inheritdoc ICaseRegistry
    function submitApplications(Application[] calldata applications) external {
        uint256 count = applications.length;
        if (count == 0) revert ApplicationBatchEmpty();
        uint256 run;
        for (uint256 i; i < count; ++i) {
            Application calldata a = applications[i];
            // Checked after the ones before it are opened, so that a second application of one
            // identity in the batch is refused.
            run = _checkApplication(a, run);
            _open(a);
        }
    }

    /// @inheritdoc ICaseRegistry
    function checkApplications(Application[] calldata applications) external view {
        uint256 count = applications.length;
        if (count == 0) revert ApplicationBatchEmpty();
        uint256 run;
        for (uint256 i; i < count; ++i) {
            run = _checkApplication(applications[i], run);
        }
    }

    /// @inheritdoc ICaseRegistry
    function applicationDigest(Application calldata application) external view returns (bytes32) {
        return _applicationDigest(application);
    }

    /// @dev What refuses an application of a batch. The caseworker's role and the jurisdiction are
    /// asked of AidAccess only where a run of one caseworker in one jurisdiction starts (`run`, the
    /// previous application's pair, is returned for the next): a batch is mostly in long runs, and
    /// the answers cannot change within the call.
    function _checkApplication(Application calldata a, uint256 run) private view returns (uint256) {
        _checkFields(a.caseId, a.recordHash, a.identityCommitment);
        uint64 time = _time();
        if (a.deadline < time) revert ApplicationExpired(a.caseId, a.deadline, time);
        (address signer, ECDSA.RecoverError failure,) = ECDSA.tryRecover(_applicationDigest(a), a.r, a.vs);
        if (failure != ECDSA.RecoverError.NoError || signer != a.caseworker) {
            revert ApplicationSignatureInvalid(a.caseId, a.caseworker);
        }
        uint256 pair = (uint256(uint160(a.caseworker)) << 64) | a.jurisdiction;
        if (pair != run) _checkIntakeAt(a.jurisdiction, a.caseworker);
        if (_cases[a.caseId].status != CaseStatus.None) revert CaseAlreadyExists(a.caseId);
        _checkNotOpen(a.identityCommitment, a.programme);
        bytes32[] calldata household = a.household;
        if (household.length >= MAX_HOUSEHOLD) revert CaseHouseholdTooLarge(a.caseId, household.length + 1);
        for (uint256 i; i < household.length; ++i) {
            bytes32 member = household[i];
            if (member == 0) revert CaseFieldZero("household");
            if (member == a.identityCommitment) revert ApplicationHouseholdRepeated(a.caseId, member);
            for (uint256 j; j < i; ++j) {
                if (household[j] == member) revert ApplicationHouseholdRepeated(a.caseId, member);
            }
            _checkNotOpen(member, a.programme);
        }
        return pair;
    }

    function _applicationDigest(Application calldata a) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    APPLICATION_TYPEHASH,
                    a.caseId,
                    a.programme,
                    a.area,
                    a.jurisdiction,
                    a.recordHash,
                    _identities(a.identityCommitment, a.household),
                    a.deadline
                )
            )
        );
    }

    /// @dev `keccak256(abi.encodePacked(identityCommitment, household))`, hashed in scratch memory
    /// past the free pointer, which is not moved: a batch does not keep every application's copy.
    function _identities(bytes32 identityCommitment, bytes32[] calldata household) private pure returns (bytes32 hash) {
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, identityCommitment)
            let size := shl(5, household.length)
            calldatacopy(add(p, 0x20), household.offset, size)
            hash := keccak256(p, add(0x20, size))
        }
    }

    function _checkFields(bytes32 caseId, bytes32 recordHash, bytes32 identityCommitment) private pure {
        if (caseId == 0) revert CaseFieldZero("caseId");
        if (recordHash == 0) revert CaseFieldZero("recordHash");
        if (identityCommitment == 0) revert CaseFieldZero("identityCommitment");
    }

    /// @dev Applications are taken in at a registered county or township, by a caseworker over it.
    function _checkIntakeAt(uint64 jurisdiction, address caseworker) private view {
        uint8 lvl = jurisdiction.level();
        (bool registered,) = access.jurisdiction(jurisdiction);
        if (!registered || (lvl != Jurisdictions.LEVEL_COUNTY && lvl != Jurisdictions.LEVEL_TOWNSHIP)) {
            revert CaseJurisdictionInvalid(jurisdiction);
        }
        access.checkAuthorised(Roles.CASEWORKER, caseworker, jurisdiction);
    }

    /// @dev No open case in the programme holds the identity, as applicant or as household member.
    function _checkNotOpen(bytes32 identityCommitment, Programme programme) private view {
        bytes32 open = _openCaseOf(identityCommitment, programme);
        if (open != 0) revert CaseIdentityAlreadyOpen(identityCommitment, programme, open);
    }

    function _open(Application calldata a) private {
        bytes32 caseId = a.caseId;
        Programme programme = a.programme;
        // Field by field, not from a struct built in memory: a case is never deleted, so its other
        // fields are zero, and a batch does not leave a struct in memory for every application.
        CaseData storage c = _cases[caseId];
        bytes32[] calldata household = a.household;
        c.status = CaseStatus.Submitted;
        c.programme = programme;
        c.area = a.area;
        c.jurisdiction = a.jurisdiction;
        // In the word written anyway; the size was checked to fit with the household.
        c.householdSize = uint8(household.length + 1);
        c.revisionCount = 1;
        _revisions[caseId][0] = a.recordHash;
        _latestCases[a.identityCommitment][programme] = caseId;
        for (uint256 i; i < household.length; ++i) {
            _memberCases[household[i]][programme] = caseId;
        }
        emit CaseSubmitted(caseId, programme, a.area, a.jurisdiction, a.identityCommitment, uint8(household.length + 1), a.recordHash, a.caseworker);
    }

    /// @inheritdoc ICaseRegistry
    function decide(Decision calldata d, SignerSignature[] calldata signatures) external {
        CaseData storage c = _existing(d.caseId);
        _checkDecisionTerms(d, c);
        uint8 required = thresholdFor(c.jurisdiction, c.programme, d.stage);
        if (signatures.length < required) revert DecisionThresholdNotMet(d.caseId, required, signatures.length);
        (address[] memory signers, bytes32 digest) = _checkSigners(d, c, signatures);
        _applyDecision(d, c, signers, digest);
    }

    /// @inheritdoc ICaseRegistry
    function checkDecision(Decision calldata d, SignerSignature[] calldata signatures) external view {
        CaseData storage c = _existing(d.caseId);
        _checkDecisionTerms(d, c);
        _checkSigners(d, c, signatures);
    }

    /// @dev A decision's rules that do not depend on who signed it.
    function _checkDecisionTerms(Decision calldata d, CaseData storage c) private view {
        CaseStatus status = c.status;
        if (status != (d.stage == Stage.Review ? CaseStatus.Submitted : CaseStatus.Reviewed)) {
            revert DecisionStageMismatch(d.caseId, status, d.stage);
        }
        access.checkNotPaused(c.jurisdiction);
        if (d.round != c.round) revert DecisionNonceMismatch(d.caseId, c.round, d.round);
        bytes32 latest = _latestRecord(d.caseId);
        if (d.recordHash != latest) revert DecisionRecordMismatch(d.caseId, latest, d.recordHash);
        _checkTerms(d, c);
    }

    /// @dev The deadline, each signature, and each signer's role, jurisdiction and level.
    function _checkSigners(Decision calldata d, CaseData storage c, SignerSignature[] calldata signatures)
        private
        view
        returns (address[] memory signers, bytes32 digest)
    {
        digest = _decisionDigest(d);
        signers = _recoverSigners(d, digest, signatures);
        bytes32 role = d.stage == Stage.Review ? Roles.REVIEWER : Roles.APPROVER;
        for (uint256 i; i < signers.length; ++i) {
            _checkSigner(signers[i], role, d, c);
        }
    }

    /// @inheritdoc ICaseRegistry
    function lodgeObjection(bytes32 caseId, bytes32 evidenceHash) external {
        CaseData storage c = _existing(caseId);
        _checkEither(Roles.CASEWORKER, Roles.REVIEWER, c.jurisdiction);
        _requireStatus(caseId, c.status, CaseStatus.InNotice);
        // In public notice no resumption has moved `entitledFrom` on: it is the notice's end.
        if (_time() >= c.entitledFrom) revert CaseNoticeOver(caseId, c.entitledFrom);
        c.round += 1;
        _transition(caseId, c, CaseStatus.Submitted, evidenceHash);
    }

    /// @inheritdoc ICaseRegistry
    function activate(bytes32 caseId, bytes32 evidenceHash) external {
        CaseData storage c = _existing(caseId);
        _checkEither(Roles.CASEWORKER, Roles.APPROVER, c.jurisdiction);
        _requireStatus(caseId, c.status, CaseStatus.InNotice);
        if (_time() < c.entitledFrom) revert CaseNoticeNotOver(caseId, c.entitledFrom);
        _transition(caseId, c, CaseStatus.Active, evidenceHash);
    }

    /// @inheritdoc ICaseRegistry
    function suspend(bytes32 caseId, bytes32 evidenceHash) external {
        CaseData storage c = _existing(caseId);
        access.checkRole(Roles.APPROVER, msg.sender, c.jurisdiction);
        _requireStatus(caseId, c.status, CaseStatus.Active);
        _transition(caseId, c, CaseStatus.Suspended, evidenceHash);
    }

    /// @inheritdoc ICaseRegistry
    function resume(bytes32 caseId, bytes32 evidenceHash) external {
        CaseData storage c = _existing(caseId);
        access.checkRole(Roles.APPROVER, msg.sender, c.jurisdiction);
        _requireStatus(caseId, c.status, CaseStatus.Suspended);
        // A resumed case is entitled from the month it resumed: the months it was suspended, and
        // any left unpaid before, are not paid back (payouts compare their month with this time).
        // The notice's end is kept apart, once, for whoever asks when it was.
        if (_resumedNoticeEnds[caseId] == 0) _resumedNoticeEnds[caseId] = c.entitledFrom;
        c.entitledFrom = uint40(_time());
        _transition(caseId, c, CaseStatus.Active, evidenceHash);
    }

    /// @inheritdoc ICaseRegistry
    function terminate(bytes32 caseId, bytes32 evidenceHash) external {
        CaseData storage c = _existing(caseId);
        access.checkRole(Roles.APPROVER, msg.sender, c.jurisdiction);
        if (_isClosed(c.status)) revert CaseStatusInvalid(caseId, c.status);
        _transition(caseId, c, CaseStatus.Terminated, evidenceHash);
    }

    /// @inheritdoc ICaseRegistry
    function reviseRecord(Revision calldata r) external {
        bytes32 caseId = r.caseId;
        CaseData storage c = _existing(caseId);
        access.checkAuthorised(Roles.CASEWORKER, msg.sender, c.jurisdiction);
        CaseStatus status = c.status;
        if (_isClosed(status)) revert CaseStatusInvalid(caseId, status);
        if (r.recordHash == 0) revert CaseFieldZero("recordHash");
        Programme programme = c.programme;
        if (_latestCases[r.identityCommitment][programme] != caseId) revert RevisionIdentityMismatch(caseId, r.identityCommitment);
        for (uint256 i; i < r.left.length; ++i) {
            bytes32 member = r.left[i];
            if (_memberCases[member][programme] != caseId) revert RevisionMemberUnknown(caseId, member);
            delete _memberCases[member][programme];
        }
        for (uint256 i; i < r.joined.length; ++i) {
            bytes32 member = r.joined[i];
            if (member == 0) revert CaseFieldZero("household");
            bytes32 open = _openCaseOf(member, programme);
            if (open == caseId) revert ApplicationHouseholdRepeated(caseId, member);
            if (open != 0) revert CaseIdentityAlreadyOpen(member, programme, open);
            _memberCases[member][programme] = caseId;
        }
        // At least the applicant stays: every member who left was one of the case's.
        uint256 size = c.householdSize + r.joined.length - r.left.length;
        if (size > MAX_HOUSEHOLD) revert CaseHouseholdTooLarge(caseId, size);
        c.householdSize = uint8(size);
        uint24 revision = c.revisionCount;
        _revisions[caseId][revision] = r.recordHash;
        c.revisionCount = revision + 1;
        emit CaseRecordRevised(caseId, revision, r.recordHash, msg.sender, _time(), r.evidenceHash, r.joined, r.left, uint8(size));
        // Every decision was taken on the record before this one.
        if (status != CaseStatus.Submitted) {
            c.round += 1;
            _transition(caseId, c, CaseStatus.Submitted, r.evidenceHash);
        }
    }

    /// @inheritdoc ICaseRegistry
    function transferCase(bytes32 caseId, uint64 to, bytes32 evidenceHash) external {
        CaseData storage c = _existing(caseId);
        uint64 from = c.jurisdiction;
        uint8 lvl = to.level();
        (bool registered,) = access.jurisdiction(to);
        if (
            from == to || !registered || (lvl != Jurisdictions.LEVEL_COUNTY && lvl != Jurisdictions.LEVEL_TOWNSHIP)
                || !access.hasScopedRole(Roles.APPROVER, msg.sender, from)
                || !access.hasScopedRole(Roles.APPROVER, msg.sender, to)
        ) revert CaseTransferInvalid(caseId, from, to);
        if (_isClosed(c.status)) revert CaseStatusInvalid(caseId, c.status);
        c.jurisdiction = to;
        emit CaseTransferred(caseId, from, to, msg.sender, _time(), evidenceHash);
    }

    /// @inheritdoc ICaseRegistry
    function flagCase(bytes32 caseId, bytes32 evidenceHash) external {
        CaseData storage c = _existing(caseId);
        access.checkRole(Roles.AUDITOR, msg.sender, c.jurisdiction);
        emit CaseFlagged(caseId, msg.sender, _time(), evidenceHash);
    }

    /// @inheritdoc ICaseRegistry
    function setThreshold(uint64 jurisdiction, Programme programme, Stage stage, uint8 threshold) external {
        _onlyGovernance();
        (bool registered,) = access.jurisdiction(jurisdiction);
        if (!registered) revert CaseJurisdictionInvalid(jurisdiction);
        if (threshold == 0) revert ConfigThresholdZero();
        _thresholds[jurisdiction][programme][stage] = threshold;
        emit ThresholdSet(jurisdiction, programme, stage, threshold);
    }

    /// @inheritdoc ICaseRegistry
    function setNoticePeriod(Programme programme, uint40 period) external {
        _onlyGovernance();
        noticePeriod[programme] = period;
        emit NoticePeriodSet(programme, period);
    }

    /// @inheritdoc ICaseRegistry
    function setTownshipCeiling(uint64 ceiling) external {
        _onlyGovernance();
        townshipCeiling = ceiling;
        emit TownshipCeilingSet(ceiling);
    }

    /// @inheritdoc ICaseRegistry
    function getCase(bytes32 caseId)
        external
        view
        returns (PayoutTerms memory terms, Area area, uint8 householdSize, uint32 round, uint40 noticeEnd)
    {
        CaseData storage c = _existing(caseId);
        noticeEnd = _resumedNoticeEnds[caseId];
        return (_terms(c), c.area, c.householdSize, c.round, noticeEnd != 0 ? noticeEnd : c.entitledFrom);
    }

    /// @inheritdoc ICaseRegistry
    function payoutTerms(bytes32 caseId) external view returns (PayoutTerms memory) {
        return _terms(_cases[caseId]);
    }

    /// @inheritdoc ICaseRegistry
    function caseWords(bytes32[] calldata caseIds) external view returns (uint256[] memory words) {
        words = new uint256[](caseIds.length);
        for (uint256 i; i < caseIds.length; ++i) {
            CaseData storage c = _cases[caseIds[i]];
            uint256 word;
            assembly ("memory-safe") {
                word := sload(c.slot)
            }
            words[i] = word;
        }
    }

    /// @inheritdoc ICaseRegistry
    function payoutWord(bytes32 caseId, uint40 time) external view returns (uint256 word, uint64 standard) {
        CaseData storage c = _cases[caseId];
        assembly ("memory-safe") {
            word := sload(c.slot)
        }
        (standard,) = _findStandard(word.jurisdiction(), uint8(word >> 8), uint8(word >> 16), time);
    }

    /// @inheritdoc ICaseRegistry
    function revisions(bytes32 caseId) external view returns (bytes32[] memory all) {
        all = new bytes32[](_cases[caseId].revisionCount);
        for (uint256 i; i < all.length; ++i) {
            all[i] = _revisions[caseId][i];
        }
    }

    /// @inheritdoc ICaseRegistry
    function thresholdFor(uint64 jurisdiction, Programme programme, Stage stage) public view returns (uint8) {
        for (uint8 lvl = jurisdiction.level() + 1; lvl > 0; --lvl) {
            uint8 threshold = _thresholds[jurisdiction.ancestorAt(lvl - 1)][programme][stage];
            if (threshold != 0) return threshold;
        }
        revert DecisionThresholdNotConfigured(jurisdiction, programme, stage);
    }

    /// @inheritdoc ICaseRegistry
    function openCaseOf(bytes32 identityCommitment, Programme programme) external view returns (bytes32) {
        return _openCaseOf(identityCommitment, programme);
    }

    function _openCaseOf(bytes32 identityCommitment, Programme programme) private view returns (bytes32) {
        bytes32 applied = _latestCases[identityCommitment][programme];
        if (applied != 0 && !_isClosed(_cases[applied].status)) return applied;
        bytes32 member = _memberCases[identityCommitment][programme];
        return member == 0 || _isClosed(_cases[member].status) ? bytes32(0) : member;
    }

    function _applyDecision(Decision calldata d, CaseData storage c, address[] memory signers, bytes32 digest) private {
        CaseStatus previous = c.status;
        CaseStatus next;
        c.round = d.round + 1;
        if (!d.approve) {
            next = CaseStatus.Rejected;
        } else if (d.stage == Stage.Review) {
            next = CaseStatus.Reviewed;
        } else {
            next = CaseStatus.InNotice;
            c.approvedAmount = d.amount;
            c.entitledFrom = uint40(_time()) + noticePeriod[c.programme];
            if (_resumedNoticeEnds[d.caseId] != 0) delete _resumedNoticeEnds[d.caseId];
        }
        c.status = next;
        emit CaseDecided(d.caseId, d.stage, d.approve, d.amount, d.householdSize, d.round, signers, digest);
        emit CaseTransition(d.caseId, previous, next, signers[0], _time(), digest);
    }

    function _checkTerms(Decision calldata d, CaseData storage c) private view {
        bool grants = d.approve && d.stage == Stage.Approval;
        if (grants != (d.amount != 0) || grants != (d.householdSize != 0)) revert DecisionTermsInvalid(d.caseId);
        if (!grants) return;
        uint8 size = c.householdSize;
        if (d.householdSize != size) revert ApprovalHouseholdSizeMismatch(d.caseId, size, d.householdSize);
        (uint64 standard,) = _standardAt(c.jurisdiction, c.programme, c.area, uint40(_time()));
        uint256 cap = uint256(standard) * size;
        if (d.amount > cap) revert ApprovalAboveStandard(d.caseId, d.amount, uint64(cap));
    }

    function _checkSigner(address signer, bytes32 role, Decision calldata d, CaseData storage c) private view {
        (bool held, uint64 scope) = access.scopeOf(role, signer);
        if (!held || !scope.covers(c.jurisdiction)) revert DecisionSignerUnauthorized(signer, role, c.jurisdiction);
        if (
            d.stage == Stage.Approval && scope.level() == Jurisdictions.LEVEL_TOWNSHIP
                && (c.programme != Programme.Temporary || d.amount > townshipCeiling)
        ) revert DecisionSignerLevelTooLow(signer, scope);
    }

    function _transition(bytes32 caseId, CaseData storage c, CaseStatus next, bytes32 evidenceHash) private {
        access.checkNotPaused(c.jurisdiction);
        CaseStatus previous = c.status;
        c.status = next;
        emit CaseTransition(caseId, previous, next, msg.sender, _time(), evidenceHash);
    }

    function _checkEither(bytes32 roleA, bytes32 roleB, uint64 jurisdiction) private view {
        if (!access.hasScopedRole(roleA, msg.sender, jurisdiction) && !access.hasScopedRole(roleB, msg.sender, jurisdiction)) {
            revert CaseUnauthorized(msg.sender, jurisdiction);
        }
    }

    function _authority() internal view override returns (IAidAccess) {
        return access;
    }

    function _onlyGovernance() private view {
        if (!access.hasRole(Roles.GOVERNANCE, msg.sender)) revert ConfigUnauthorized(msg.sender);
    }

    function _existing(bytes32 caseId) private view returns (CaseData storage c) {
        c = _cases[caseId];
        if (c.status == CaseStatus.None) revert CaseUnknown(caseId);
    }

    function _requireStatus(bytes32 caseId, CaseStatus status, CaseStatus expected) private pure {
        if (status != expected) revert CaseStatusInvalid(caseId, status);
    }

    function _isClosed(CaseStatus status) private pure returns (bool) {
        return status == CaseStatus.Rejected || status == CaseStatus.Terminated;
    }

    function _latestRecord(bytes32 caseId) private view returns (bytes32) {
        return _revisions[caseId][_cases[caseId].revisionCount - 1];
    }

    function _terms(CaseData storage c) private view returns (PayoutTerms memory) {
        return PayoutTerms({
            status: c.status,
            programme: c.programme,
            jurisdiction: c.jurisdiction,
            approvedAmount: c.approvedAmount,
            entitledFrom: c.entitledFrom
        });
    }
}
