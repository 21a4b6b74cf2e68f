// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IAidAccess} from "../access/IAidAccess.sol";
import {Jurisdictions} from "../access/Jurisdictions.sol";
import {Roles} from "../access/Roles.sol";
import {Programme, isMonthly} from "../common/Assistance.sol";
import {CaseStatus, ICaseRegistry, PayoutTerms} from "../cases/ICaseRegistry.sol";
import {CaseWord} from "../cases/CaseWord.sol";
import {Allocation, IFundLedger, Payment, PayoutState, Settlement} from "./IFundLedger.sol";

/**
 * @title FundLedger
 * @dev Payout states are two bits per case and period, 120 months (a decade) to a storage word:
 * a case's first payment of a decade writes a new word, every later month rewrites it. That is
 * what keeps a national monthly payroll within a day of blocks (see the gas report).
 */
contract FundLedger is IFundLedger {
    using Jurisdictions for uint64;
    using CaseWord for uint256;

    /// @dev What every line of a payout run shares.
    struct Run {
        uint64 allocationId;
        Programme programme;
        uint64 scopeDivisor;
        uint64 scopePrefix;
        uint32 period;
        uint256 decade;
        uint256 shift;
        /// @dev The jurisdiction whose role and pause checks passed last; 0, no case's, before the first.
        uint64 checked;
    }

    IAidAccess public immutable access;
    ICaseRegistry public immutable cases;

    uint64 public allocationCount;
    mapping(uint64 allocationId => Allocation) private _allocations;
    /// @dev Keyed by keccak256(caseId, decade): one hash per lookup where a nested mapping takes two.
    mapping(bytes32 caseDecade => uint256 states) private _payouts;

    constructor(IAidAccess access_, ICaseRegistry cases_) {
        access = access_;
        cases = cases_;
    }

    /// @inheritdoc IFundLedger
    function appropriate(
        Programme programme,
        uint16 fiscalYear,
        uint64 jurisdiction,
        uint80 amount,
        bytes32 purposeHash
    ) external returns (uint64 allocationId) {
        (bool registered,) = access.jurisdiction(jurisdiction);
        if (!registered) revert AllocationJurisdictionUnknown(jurisdiction);
        access.checkRole(Roles.FINANCE_OFFICER, msg.sender, jurisdiction);
        allocationId = _create(0, jurisdiction, programme, fiscalYear, amount, purposeHash);
        emit AppropriationMade(allocationId, programme, fiscalYear, jurisdiction, amount, purposeHash, msg.sender);
    }

    /// @inheritdoc IFundLedger
    function allocate(uint64 parentId, uint64 jurisdiction, uint80 amount, bytes32 purposeHash)
        external
        returns (uint64 allocationId)
    {
        Allocation storage parent = _existing(parentId);
        access.checkRole(Roles.FINANCE_OFFICER, msg.sender, parent.jurisdiction);
        (bool registered,) = access.jurisdiction(jurisdiction);
        if (!registered) revert AllocationJurisdictionUnknown(jurisdiction);
        if (!parent.jurisdiction.covers(jurisdiction)) revert AllocationOutsideParent(parentId, jurisdiction);
        uint256 left = _available(parent);
        if (amount > left) revert AllocationInsufficient(parentId, left, amount);
        parent.allocated += amount;
        allocationId = _create(parentId, jurisdiction, parent.programme, parent.fiscalYear, amount, purposeHash);
        emit AllocationMade(allocationId, parentId, jurisdiction, amount, purposeHash, msg.sender);
    }

    /// @inheritdoc IFundLedger
    function pay(uint64 allocationId, bytes32 caseId, uint32 period, uint64 amount) external {
        (Run memory run, Allocation storage funds) = _startRun(allocationId, period);
        bytes32[] memory caseIds = new bytes32[](1);
        caseIds[0] = caseId;
        uint256 caseWord = cases.caseWords(caseIds)[0];
        _payLine(run, caseId, amount, caseWord);
        _debit(funds, allocationId, amount);
    }

    /// @inheritdoc IFundLedger
    function payBatch(uint64 allocationId, uint32 period, Payment[] calldata payments) external {
        uint256 count = payments.length;
        if (count == 0) revert PayoutBatchEmpty();
        (Run memory run, Allocation storage funds) = _startRun(allocationId, period);
        bytes32[] memory caseIds = new bytes32[](count);
        for (uint256 i; i < count; ++i) {
            caseIds[i] = payments[i].caseId;
        }
        uint256[] memory words = cases.caseWords(caseIds);

        uint256 total;
        for (uint256 i; i < count; ++i) {
            _payLine(run, payments[i].caseId, payments[i].amount, words[i]);
            total += payments[i].amount;
        }
        _debit(funds, allocationId, total);
    }

    /// @inheritdoc IFundLedger
    function confirmSettlements(uint32 period, Settlement[] calldata settlements) external {
        (uint256 decade, uint256 shift) = _slotOf(period);
        for (uint256 i; i < settlements.length; ++i) {
            bytes32 caseId = settlements[i].caseId;
            access.checkRole(Roles.SETTLEMENT_AGENT, msg.sender, cases.payoutTerms(caseId).jurisdiction);
            PayoutState state = _state(caseId, decade, shift);
            if (state != PayoutState.Paid) revert PayoutNotOutstanding(caseId, period, state);
            _setState(caseId, decade, shift, PayoutState.Settled);
            emit PayoutSettled(caseId, period, settlements[i].receiptHash, msg.sender);
        }
    }

    /// @inheritdoc IFundLedger
    function reversePayout(uint64 allocationId, bytes32 caseId, uint32 period, uint64 amount, bytes32 reasonHash)
        external
    {
        Allocation storage funds = _existing(allocationId);
        PayoutTerms memory terms = cases.payoutTerms(caseId);
        access.checkRole(Roles.FINANCE_OFFICER, msg.sender, terms.jurisdiction);
        if (terms.programme != funds.programme) revert PayoutProgrammeMismatch(caseId, allocationId);
        if (!funds.jurisdiction.covers(terms.jurisdiction)) revert PayoutOutsideAllocation(caseId, allocationId);
        (uint256 decade, uint256 shift) = _slotOf(period);
        PayoutState state = _state(caseId, decade, shift);
        if (state != PayoutState.Paid) revert PayoutNotOutstanding(caseId, period, state);
        uint256 limit = terms.approvedAmount < funds.paid ? terms.approvedAmount : funds.paid;
        if (amount == 0 || amount > limit) revert PayoutReversalTooLarge(caseId, amount, limit);
        _setState(caseId, decade, shift, PayoutState.Reversed);
        funds.paid -= amount;
        emit PayoutReversed(caseId, period, allocationId, amount, reasonHash, msg.sender);
    }

    /// @inheritdoc IFundLedger
    function recordAcknowledgement(bytes32 caseId, uint32 period, bytes32 acknowledgementHash) external {
        uint64 jurisdiction = cases.payoutTerms(caseId).jurisdiction;
        if (
            !access.hasScopedRole(Roles.CASEWORKER, msg.sender, jurisdiction)
                && !access.hasScopedRole(Roles.LOG_OPERATOR, msg.sender, jurisdiction)
        ) revert FundUnauthorized(msg.sender);
        (uint256 decade, uint256 shift) = _slotOf(period);
        PayoutState state = _state(caseId, decade, shift);
        if (state != PayoutState.Paid && state != PayoutState.Settled) revert PayoutNotMade(caseId, period, state);
        emit PayoutAcknowledged(caseId, period, acknowledgementHash, msg.sender);
    }

    /// @inheritdoc IFundLedger
    function allocation(uint64 allocationId) external view returns (Allocation memory) {
        return _existing(allocationId);
    }

    /// @inheritdoc IFundLedger
    function available(uint64 allocationId) external view returns (uint256) {
        return _available(_existing(allocationId));
    }

    /// @inheritdoc IFundLedger
    function payoutState(bytes32 caseId, uint32 period) external view returns (PayoutState) {
        (uint256 decade, uint256 shift) = _slotOf(period);
        return _state(caseId, decade, shift);
    }

    function _startRun(uint64 allocationId, uint32 period) private view returns (Run memory run, Allocation storage funds) {
        funds = _existing(allocationId);
        Programme programme = funds.programme;
        if (isMonthly(programme) != (period != 0)) revert PayoutPeriodInvalid(period);
        (uint256 decade, uint256 shift) = _slotOf(period);
        (uint64 divisor, uint64 prefix) = funds.jurisdiction.coverage();
        run = Run({
            allocationId: allocationId,
            programme: programme,
            scopeDivisor: divisor,
            scopePrefix: prefix,
            period: period,
            decade: decade,
            shift: shift,
            checked: 0
        });
    }

    /// @dev Every rule of one payout line, then its state and event. The officer's role and the pause
    /// are checked once per stretch of lines in one jurisdiction.
    function _payLine(Run memory run, bytes32 caseId, uint64 amount, uint256 caseWord) private {
        if (caseWord.status() != CaseStatus.Active) revert PayoutCaseNotActive(caseId, caseWord.status());
        if (caseWord.noticeEnd() > block.timestamp) revert PayoutNoticeNotOver(caseId, caseWord.noticeEnd());
        if (caseWord.programme() != run.programme) revert PayoutProgrammeMismatch(caseId, run.allocationId);
        if (caseWord.jurisdiction() / run.scopeDivisor != run.scopePrefix) revert PayoutOutsideAllocation(caseId, run.allocationId);
        if (amount == 0 || amount > caseWord.approvedAmount()) {
            revert PayoutAboveApproved(caseId, amount, caseWord.approvedAmount());
        }
        uint64 jurisdiction = caseWord.jurisdiction();
        if (jurisdiction != run.checked) {
            run.checked = jurisdiction;
            access.checkAuthorised(Roles.FINANCE_OFFICER, msg.sender, jurisdiction);
        }
        bytes32 key = _key(caseId, run.decade);
        uint256 states = _payouts[key];
        PayoutState state = PayoutState((states >> run.shift) & 3);
        if (state == PayoutState.Paid || state == PayoutState.Settled) revert PayoutAlreadyMade(caseId, run.period);
        _payouts[key] = _with(states, run.shift, PayoutState.Paid);
        emit PayoutMade(caseId, run.allocationId, run.period, amount);
    }

    function _debit(Allocation storage funds, uint64 allocationId, uint256 amount) private {
        uint256 left = _available(funds);
        if (amount > left) revert AllocationInsufficient(allocationId, left, amount);
        funds.paid += uint80(amount);
    }

    function _create(
        uint64 parent,
        uint64 jurisdiction,
        Programme programme,
        uint16 fiscalYear,
        uint80 amount,
        bytes32 purposeHash
    ) private returns (uint64 allocationId) {
        if (amount == 0) revert AllocationAmountZero();
        allocationId = ++allocationCount;
        _allocations[allocationId] = Allocation({
            parent: parent,
            jurisdiction: jurisdiction,
            programme: programme,
            fiscalYear: fiscalYear,
            amount: amount,
            allocated: 0,
            paid: 0,
            purposeHash: purposeHash
        });
    }

    function _existing(uint64 allocationId) private view returns (Allocation storage funds) {
        funds = _allocations[allocationId];
        if (funds.amount == 0) revert AllocationUnknown(allocationId);
    }

    function _available(Allocation storage funds) private view returns (uint256) {
        return uint256(funds.amount) - funds.allocated - funds.paid;
    }

    /// @dev Period `YYYYMM` lives in decade `YYYY / 10` at bit `2 * ((YYYY % 10) * 12 + MM - 1)`; period 0 in decade 0.
    function _slotOf(uint32 period) private pure returns (uint256 decade, uint256 shift) {
        if (period == 0) return (0, 0);
        uint32 year = period / 100;
        uint32 month = period % 100;
        if (year < 2000 || year > 2999 || month == 0 || month > 12) revert PayoutPeriodInvalid(period);
        return (year / 10, 2 * ((year % 10) * 12 + month - 1));
    }

    function _state(bytes32 caseId, uint256 decade, uint256 shift) private view returns (PayoutState) {
        return PayoutState((_payouts[_key(caseId, decade)] >> shift) & 3);
    }

    function _setState(bytes32 caseId, uint256 decade, uint256 shift, PayoutState state) private {
        bytes32 key = _key(caseId, decade);
        _payouts[key] = _with(_payouts[key], shift, state);
    }

    function _key(bytes32 caseId, uint256 decade) private pure returns (bytes32 key) {
        assembly ("memory-safe") {
            mstore(0x00, caseId)
            mstore(0x20, decade)
            key := keccak256(0x00, 0x40)
        }
    }

    function _with(uint256 states, uint256 shift, PayoutState state) private pure returns (uint256) {
        return (states & ~(uint256(3) << shift)) | (uint256(uint8(state)) << shift);
    }
}
