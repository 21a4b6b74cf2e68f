// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {IAidAccess} from "../access/IAidAccess.sol";
import {Jurisdictions} from "../access/Jurisdictions.sol";
import {Roles} from "../access/Roles.sol";
import {Area, Programme, isMonthly} from "../common/Assistance.sol";
import {IAssistanceStandards} from "../standards/IAssistanceStandards.sol";
import {Periods} from "./Periods.sol";
import {CaseStatus, ICaseRegistry, PayoutTerms} from "../cases/ICaseRegistry.sol";
import {CaseWord} from "../cases/CaseWord.sol";
import {Allocation, IFundLedger, Payment, PayoutState, Settlement} from "./IFundLedger.sol";

/**
 * @title FundLedger
 * @dev Each payout is recorded in 64 bits: its state (2 bits), the allocation it drew from (24)
 * and its amount (38), so that a reversal credits exactly what was paid to where it came from.
 * Four months share a storage word (a third of a year): a case's first payment of each third
 * writes a new word, the others rewrite it (see the gas report).
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
        uint256 group;
        uint256 shift;
        /// @dev A case whose notice ended at or after this is not entitled to the period.
        uint256 periodEnd;
        /// @dev The time whose standard caps the period: its last second, or now for a one-off payout.
        uint40 standardTime;
        /// @dev The jurisdiction whose role and pause checks passed last; 0, no case's, before the first.
        uint64 checked;
        /// @dev The (jurisdiction, area) whose standard is `standard`; 0 before the first.
        uint256 standardKey;
        uint64 standard;
    }

    uint64 public constant MAX_ALLOCATIONS = (1 << 24) - 1;
    uint64 public constant MAX_PAYOUT = (1 << 38) - 1;

    IAidAccess public immutable access;
    ICaseRegistry public immutable cases;
    IAssistanceStandards public immutable standards;

    uint64 public allocationCount;
    mapping(uint64 allocationId => Allocation) private _allocations;
    /// @dev Keyed by keccak256(caseId, group of four months): one hash per lookup where a nested mapping takes two.
    mapping(bytes32 caseGroup => uint256 payouts) private _payouts;

    constructor(IAidAccess access_, ICaseRegistry cases_, IAssistanceStandards standards_) {
        access = access_;
        cases = cases_;
        standards = standards_;
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
        (uint256 group, uint256 shift) = _slotOf(period);
        for (uint256 i; i < settlements.length; ++i) {
            bytes32 caseId = settlements[i].caseId;
            access.checkRole(Roles.SETTLEMENT_AGENT, msg.sender, cases.payoutTerms(caseId).jurisdiction);
            bytes32 key = _key(caseId, group);
            uint256 cells = _payouts[key];
            PayoutState state = _stateIn(cells, shift);
            if (state != PayoutState.Paid) revert PayoutNotOutstanding(caseId, period, state);
            _payouts[key] = _withState(cells, shift, PayoutState.Settled);
            emit PayoutSettled(caseId, period, settlements[i].receiptHash, msg.sender);
        }
    }

    /// @inheritdoc IFundLedger
    function reversePayout(uint64 allocationId, bytes32 caseId, uint32 period, uint64 amount, bytes32 reasonHash)
        external
    {
        PayoutTerms memory terms = cases.payoutTerms(caseId);
        access.checkRole(Roles.FINANCE_OFFICER, msg.sender, terms.jurisdiction);
        (uint256 group, uint256 shift) = _slotOf(period);
        bytes32 key = _key(caseId, group);
        uint256 cells = _payouts[key];
        PayoutState state = _stateIn(cells, shift);
        if (state != PayoutState.Paid) revert PayoutNotOutstanding(caseId, period, state);
        (uint64 paidFrom, uint64 paidAmount) = _paymentIn(cells, shift);
        if (allocationId != paidFrom || amount != paidAmount) revert PayoutReversalMismatch(caseId, period, paidFrom, paidAmount);
        _payouts[key] = _withState(cells, shift, PayoutState.Reversed);
        _allocations[paidFrom].paid -= paidAmount;
        emit PayoutReversed(caseId, period, paidFrom, paidAmount, reasonHash, msg.sender);
    }

    /// @inheritdoc IFundLedger
    function recordAcknowledgement(bytes32 caseId, uint32 period, bytes32 acknowledgementHash) external {
        uint64 jurisdiction = cases.payoutTerms(caseId).jurisdiction;
        if (
            !access.hasScopedRole(Roles.CASEWORKER, msg.sender, jurisdiction)
                && !access.hasScopedRole(Roles.LOG_OPERATOR, msg.sender, jurisdiction)
        ) revert FundUnauthorized(msg.sender);
        (uint256 group, uint256 shift) = _slotOf(period);
        PayoutState state = _stateIn(_payouts[_key(caseId, group)], shift);
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
        (uint256 group, uint256 shift) = _slotOf(period);
        return _stateIn(_payouts[_key(caseId, group)], shift);
    }

    /// @inheritdoc IFundLedger
    function payout(bytes32 caseId, uint32 period) external view returns (PayoutState state, uint64 allocationId, uint64 amount) {
        (uint256 group, uint256 shift) = _slotOf(period);
        uint256 cells = _payouts[_key(caseId, group)];
        (allocationId, amount) = _paymentIn(cells, shift);
        return (_stateIn(cells, shift), allocationId, amount);
    }

    function _startRun(uint64 allocationId, uint32 period) private view returns (Run memory run, Allocation storage funds) {
        funds = _existing(allocationId);
        Programme programme = funds.programme;
        if (isMonthly(programme) != (period != 0)) revert PayoutPeriodInvalid(period);
        (uint256 group, uint256 shift) = _slotOf(period);
        uint256 periodEnd;
        uint40 standardTime;
        if (period != 0) {
            if (period / 100 != funds.fiscalYear) revert PayoutOutsideFiscalYear(allocationId, period, funds.fiscalYear);
            uint32 current = Periods.periodAt(block.timestamp);
            if (period > current) revert PayoutPeriodInFuture(period, current);
            periodEnd = Periods.endOf(period);
            standardTime = uint40(periodEnd - 1);
        } else {
            if (Periods.periodAt(block.timestamp) / 100 != funds.fiscalYear) revert PayoutOutsideFiscalYear(allocationId, 0, funds.fiscalYear);
            periodEnd = type(uint256).max;
            standardTime = uint40(block.timestamp);
        }
        (uint64 divisor, uint64 prefix) = funds.jurisdiction.coverage();
        run = Run({
            allocationId: allocationId,
            programme: programme,
            scopeDivisor: divisor,
            scopePrefix: prefix,
            period: period,
            group: group,
            shift: shift,
            periodEnd: periodEnd,
            standardTime: standardTime,
            checked: 0,
            standardKey: 0,
            standard: 0
        });
    }

    /// @dev Every rule of one payout line, then its record and event. The officer's role and the
    /// pause are checked once per stretch of lines in one jurisdiction, the standard once per
    /// stretch in one jurisdiction and area.
    function _payLine(Run memory run, bytes32 caseId, uint64 amount, uint256 caseWord) private {
        if (caseWord.status() != CaseStatus.Active) revert PayoutCaseNotActive(caseId, caseWord.status());
        if (caseWord.noticeEnd() >= run.periodEnd) revert PayoutBeforeEntitlement(caseId, run.period, caseWord.noticeEnd());
        if (caseWord.programme() != run.programme) revert PayoutProgrammeMismatch(caseId, run.allocationId);
        uint64 jurisdiction = caseWord.jurisdiction();
        if (jurisdiction / run.scopeDivisor != run.scopePrefix) revert PayoutOutsideAllocation(caseId, run.allocationId);
        uint64 limit = caseWord.approvedAmount();
        if (limit > MAX_PAYOUT) limit = MAX_PAYOUT;
        if (amount == 0 || amount > limit) revert PayoutAboveApproved(caseId, amount, limit);
        if (jurisdiction != run.checked) {
            run.checked = jurisdiction;
            access.checkAuthorised(Roles.FINANCE_OFFICER, msg.sender, jurisdiction);
        }
        Area area = caseWord.area();
        uint256 standardKey = (uint256(jurisdiction) << 8) | (uint256(uint8(area)) + 1);
        if (standardKey != run.standardKey) {
            run.standardKey = standardKey;
            (run.standard,) = standards.standardAt(jurisdiction, run.programme, area, run.standardTime);
        }
        uint256 cap = uint256(run.standard) * caseWord.householdSize();
        if (amount > cap) revert PayoutAboveStandard(caseId, amount, cap);
        bytes32 key = _key(caseId, run.group);
        uint256 cells = _payouts[key];
        PayoutState state = _stateIn(cells, run.shift);
        if (state == PayoutState.Paid || state == PayoutState.Settled) revert PayoutAlreadyMade(caseId, run.period);
        uint256 cell = uint256(PayoutState.Paid) | (uint256(run.allocationId) << 2) | (uint256(amount) << 26);
        _payouts[key] = (cells & ~(_CELL << run.shift)) | (cell << run.shift);
        emit PayoutMade(caseId, run.allocationId, run.period, amount, msg.sender);
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
        if (allocationCount == MAX_ALLOCATIONS) revert AllocationLimitReached(MAX_ALLOCATIONS);
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

    uint256 private constant _CELL = (1 << 64) - 1;

    /// @dev Month `YYYYMM`, the `m`-th since year 0, lives in group `m / 4 + 1` at bit `64 * (m % 4)`; period 0 in group 0.
    function _slotOf(uint32 period) private pure returns (uint256 group, uint256 shift) {
        if (period == 0) return (0, 0);
        uint32 year = period / 100;
        uint32 month = period % 100;
        if (year < 2000 || year > 2999 || month == 0 || month > 12) revert PayoutPeriodInvalid(period);
        uint256 m = uint256(year) * 12 + month - 1;
        return (m / 4 + 1, 64 * (m % 4));
    }

    function _stateIn(uint256 cells, uint256 shift) private pure returns (PayoutState) {
        return PayoutState((cells >> shift) & 3);
    }

    function _paymentIn(uint256 cells, uint256 shift) private pure returns (uint64 allocationId, uint64 amount) {
        uint256 cell = (cells >> shift) & _CELL;
        return (uint64((cell >> 2) & MAX_ALLOCATIONS), uint64(cell >> 26));
    }

    function _withState(uint256 cells, uint256 shift, PayoutState state) private pure returns (uint256) {
        return (cells & ~(uint256(3) << shift)) | (uint256(uint8(state)) << shift);
    }

    function _key(bytes32 caseId, uint256 group) private pure returns (bytes32 key) {
        assembly ("memory-safe") {
            mstore(0x00, caseId)
            mstore(0x20, group)
            key := keccak256(0x00, 0x40)
        }
    }
}
