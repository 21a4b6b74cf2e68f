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
        /// @dev The allocation's jurisdiction, over which the paying officer must hold the role.
        uint64 scope;
        uint64 scopeDivisor;
        uint64 scopePrefix;
        uint32 period;
        uint256 group;
        uint256 shift;
        /// @dev A case entitled (its notice ended, or it resumed) at or after this is not entitled to the period.
        uint256 periodEnd;
        /// @dev The time whose standard caps the period: its last second, or now for a one-off payout.
        uint40 standardTime;
        /// @dev The case jurisdiction whose role and pause checks passed last; 0, no case's, before the first.
        uint64 checked;
        /// @dev The (jurisdiction, area) whose standard is `standard`; 0 before the first.
        uint256 standardKey;
        uint64 standard;
    }

    /// @dev An allocation as held: what a payout reads and writes (`unspent`, what is neither
    /// passed down nor paid out) in one storage word, the rest in the next.
    struct Funds {
        uint64 jurisdiction;
        Programme programme;
        uint16 fiscalYear;
        bool exists;
        uint80 unspent;
        uint64 parent;
        uint80 amount;
        uint80 allocated;
        bytes32 purposeHash;
    }

    uint64 public constant MAX_ALLOCATIONS = (1 << 24) - 1;
    uint64 public constant MAX_PAYOUT = (1 << 38) - 1;
    /// @dev A county's place value (`Jurisdictions.unit(LEVEL_COUNTY)`): allocations whose coverage
    /// divisor is above it are held above the counties, and pay no case directly.
    uint64 private constant _COUNTY_UNIT = 1e6;

    IAidAccess public immutable access;
    /// @dev The case registry, which holds the assistance standards too (see CaseRegistry).
    ICaseRegistry public immutable cases;

    /// @dev An appropriation waiting for its second finance officer.
    struct Proposal {
        address proposer;
        bytes32 termsHash;
    }

    uint64 public allocationCount;
    uint64 public appropriationProposalCount;
    mapping(uint64 allocationId => Funds) private _allocations;
    mapping(uint64 proposalId => Proposal) private _proposals;
    /// @dev Keyed by keccak256(caseId, group of four months): one hash per lookup where a nested mapping takes two.
    mapping(bytes32 caseGroup => uint256 payouts) private _payouts;

    constructor(IAidAccess access_, ICaseRegistry cases_) {
        access = access_;
        cases = cases_;
    }

    /// @inheritdoc IFundLedger
    function proposeAppropriation(
        Programme programme,
        uint16 fiscalYear,
        uint64 jurisdiction,
        uint80 amount,
        bytes32 purposeHash
    ) external returns (uint64 proposalId) {
        (bool registered,) = access.jurisdiction(jurisdiction);
        if (!registered) revert AllocationJurisdictionUnknown(jurisdiction);
        access.checkRole(Roles.FINANCE_OFFICER, msg.sender, jurisdiction);
        if (amount == 0) revert AllocationAmountZero();
        proposalId = ++appropriationProposalCount;
        _proposals[proposalId] = Proposal({
            proposer: msg.sender,
            termsHash: keccak256(abi.encode(programme, fiscalYear, jurisdiction, amount, purposeHash))
        });
        emit AppropriationProposed(proposalId, programme, fiscalYear, jurisdiction, amount, purposeHash, msg.sender);
    }

    /// @inheritdoc IFundLedger
    function approveAppropriation(
        uint64 proposalId,
        Programme programme,
        uint16 fiscalYear,
        uint64 jurisdiction,
        uint80 amount,
        bytes32 purposeHash
    ) external returns (uint64 allocationId) {
        Proposal memory proposal = _pendingProposal(proposalId);
        if (proposal.termsHash != keccak256(abi.encode(programme, fiscalYear, jurisdiction, amount, purposeHash))) {
            revert AppropriationTermsMismatch(proposalId);
        }
        if (proposal.proposer == msg.sender) revert AppropriationSelfApproval(proposalId, msg.sender);
        access.checkRole(Roles.FINANCE_OFFICER, msg.sender, jurisdiction);
        // A maker whose role was revoked or moved since proposing no longer vouches for the terms.
        access.checkRole(Roles.FINANCE_OFFICER, proposal.proposer, jurisdiction);
        delete _proposals[proposalId];
        allocationId = _create(0, jurisdiction, programme, fiscalYear, amount, purposeHash);
        emit AppropriationMade(
            allocationId, proposalId, programme, fiscalYear, jurisdiction, amount, purposeHash, proposal.proposer, msg.sender
        );
    }

    /// @inheritdoc IFundLedger
    function withdrawAppropriation(uint64 proposalId) external {
        Proposal memory proposal = _pendingProposal(proposalId);
        if (proposal.proposer != msg.sender) revert AppropriationNotProposer(proposalId, msg.sender);
        delete _proposals[proposalId];
        emit AppropriationWithdrawn(proposalId, msg.sender);
    }

    /// @inheritdoc IFundLedger
    function appropriationProposal(uint64 proposalId) external view returns (address proposer, bytes32 termsHash) {
        Proposal memory proposal = _proposals[proposalId];
        return (proposal.proposer, proposal.termsHash);
    }

    /// @inheritdoc IFundLedger
    function allocate(uint64 parentId, uint64 jurisdiction, uint80 amount, bytes32 purposeHash)
        external
        returns (uint64 allocationId)
    {
        Funds storage parent = _existing(parentId);
        access.checkRole(Roles.FINANCE_OFFICER, msg.sender, parent.jurisdiction);
        (bool registered,) = access.jurisdiction(jurisdiction);
        if (!registered) revert AllocationJurisdictionUnknown(jurisdiction);
        if (!parent.jurisdiction.covers(jurisdiction)) revert AllocationOutsideParent(parentId, jurisdiction);
        uint80 left = parent.unspent;
        if (amount > left) revert AllocationInsufficient(parentId, left, amount);
        parent.unspent = left - amount;
        parent.allocated += amount;
        allocationId = _create(parentId, jurisdiction, parent.programme, parent.fiscalYear, amount, purposeHash);
        emit AllocationMade(allocationId, parentId, jurisdiction, amount, purposeHash, msg.sender);
    }

    /// @inheritdoc IFundLedger
    function pay(uint64 allocationId, bytes32 caseId, uint32 period, uint64 amount) external {
        Funds storage funds = _allocations[allocationId];
        // The allocation's first word read once, for its rules and its debit (layout: `Funds`).
        uint256 head;
        assembly ("memory-safe") {
            head := sload(funds.slot)
        }
        if (uint8(head >> 88) == 0) revert AllocationUnknown(allocationId);
        Programme programme = funds.programme;
        (uint256 group, uint256 shift, uint256 periodEnd, uint40 standardTime) =
            _periodBounds(allocationId, programme, uint16(head >> 72), period);
        (uint256 caseWord, uint64 standard) = _payoutWord(caseId, standardTime);
        uint64 scope = uint64(head);
        (uint64 divisor, uint64 prefix) = _payingScope(allocationId, scope);
        uint64 jurisdiction = _checkCase(caseId, amount, caseWord, allocationId, programme, divisor, prefix, period, periodEnd);
        _checkOfficer(scope, jurisdiction);
        // Refused here, where the standard's own call would have refused it, not before the case's rules.
        if (standard == 0) revert IAssistanceStandards.StandardNotSet(jurisdiction, programme, caseWord.area(), standardTime);
        _checkStandard(caseId, amount, standard, caseWord);
        _record(caseId, group, shift, period, allocationId, amount);
        _debit(funds, head, allocationId, amount);
    }

    /// @inheritdoc IFundLedger
    function payBatch(uint64 allocationId, uint32 period, Payment[] calldata payments) external {
        uint256 count = payments.length;
        if (count == 0) revert PayoutBatchEmpty();
        Funds storage funds = _existing(allocationId);
        Run memory run;
        run.allocationId = allocationId;
        run.programme = funds.programme;
        run.period = period;
        (run.group, run.shift, run.periodEnd, run.standardTime) =
            _periodBounds(allocationId, run.programme, funds.fiscalYear, period);
        run.scope = funds.jurisdiction;
        (run.scopeDivisor, run.scopePrefix) = _payingScope(allocationId, run.scope);
        uint256[] memory words = _caseWords(payments);

        uint256 total;
        for (uint256 i; i < count; ++i) {
            Payment calldata line = payments[i];
            uint64 amount = line.amount;
            _payLine(run, line.caseId, amount, words[i]);
            unchecked {
                // At most 2^64 fen a line.
                total += amount;
            }
        }
        uint256 head;
        assembly ("memory-safe") {
            head := sload(funds.slot)
        }
        _debit(funds, head, allocationId, total);
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
            emit PayoutSettled(caseId, period, settlements[i].evidenceHash, msg.sender);
        }
    }

    /// @inheritdoc IFundLedger
    function reversePayout(uint64 allocationId, bytes32 caseId, uint32 period, uint64 amount, bytes32 reasonHash)
        external
    {
        (uint256 group, uint256 shift) = _slotOf(period);
        bytes32 key = _key(caseId, group);
        uint256 cells = _payouts[key];
        PayoutState state = _stateIn(cells, shift);
        if (state != PayoutState.Paid) revert PayoutNotOutstanding(caseId, period, state);
        (uint64 paidFrom, uint64 paidAmount) = _paymentIn(cells, shift);
        if (allocationId != paidFrom || amount != paidAmount) revert PayoutReversalMismatch(caseId, period, paidFrom, paidAmount);
        // Over the funds credited, not the case: a case transferred since stays paid from, and
        // reversed to, the allocation of the county that paid it.
        access.checkRole(Roles.FINANCE_OFFICER, msg.sender, _allocations[paidFrom].jurisdiction);
        _payouts[key] = _withState(cells, shift, PayoutState.Reversed);
        _allocations[paidFrom].unspent += paidAmount;
        emit PayoutReversed(caseId, period, paidFrom, paidAmount, reasonHash, msg.sender);
    }

    /// @inheritdoc IFundLedger
    function recordAcknowledgement(bytes32 caseId, uint32 period, bytes32 acknowledgementHash) external {
        uint64 jurisdiction = cases.payoutTerms(caseId).jurisdiction;
        // The caseworker's own word: the gateway's operator account, a relayer, attests nothing.
        if (!access.hasScopedRole(Roles.CASEWORKER, msg.sender, jurisdiction)) revert FundUnauthorized(msg.sender);
        (uint256 group, uint256 shift) = _slotOf(period);
        PayoutState state = _stateIn(_payouts[_key(caseId, group)], shift);
        if (state != PayoutState.Paid && state != PayoutState.Settled) revert PayoutNotMade(caseId, period, state);
        emit PayoutAcknowledged(caseId, period, acknowledgementHash, msg.sender);
    }

    /// @inheritdoc IFundLedger
    function allocation(uint64 allocationId) external view returns (Allocation memory) {
        Funds storage funds = _existing(allocationId);
        return Allocation({
            parent: funds.parent,
            jurisdiction: funds.jurisdiction,
            programme: funds.programme,
            fiscalYear: funds.fiscalYear,
            amount: funds.amount,
            allocated: funds.allocated,
            paid: funds.amount - funds.allocated - funds.unspent,
            purposeHash: funds.purposeHash
        });
    }

    /// @inheritdoc IFundLedger
    function available(uint64 allocationId) external view returns (uint256) {
        return _existing(allocationId).unspent;
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

    /// @dev The period's rules that do not depend on the case; returns where its payouts are held,
    /// the first second after it (a case whose notice ended at or after it is not entitled to it)
    /// and the time whose standard caps it (its last second; now for a one-off payout).
    function _periodBounds(uint64 allocationId, Programme programme, uint16 fiscalYear, uint32 period)
        private
        view
        returns (uint256 group, uint256 shift, uint256 periodEnd, uint40 standardTime)
    {
        if (isMonthly(programme) != (period != 0)) revert PayoutPeriodInvalid(period);
        (group, shift) = _slotOf(period);
        if (period == 0) {
            uint32 current = Periods.periodAt(block.timestamp);
            if (current / 100 != fiscalYear) revert PayoutOutsideFiscalYear(allocationId, 0, fiscalYear);
            return (group, shift, type(uint256).max, uint40(block.timestamp));
        }
        if (period / 100 != fiscalYear) revert PayoutOutsideFiscalYear(allocationId, period, fiscalYear);
        // After the current month exactly when it starts after now; the current month is worked out only to say so.
        if (Periods.startOf(period) > block.timestamp) revert PayoutPeriodInFuture(period, Periods.periodAt(block.timestamp));
        periodEnd = Periods.endOf(period);
        unchecked {
            standardTime = uint40(periodEnd - 1);
        }
    }

    /// @dev The rules of a payout line read from the case's word alone; returns the case's jurisdiction.
    function _checkCase(
        bytes32 caseId,
        uint64 amount,
        uint256 caseWord,
        uint64 allocationId,
        Programme programme,
        uint64 scopeDivisor,
        uint64 scopePrefix,
        uint32 period,
        uint256 periodEnd
    ) private pure returns (uint64 jurisdiction) {
        // Status and programme compared as the word's bytes: converting them to enums first costs a range check each.
        if (caseWord & 0xff != uint8(CaseStatus.Active)) revert PayoutCaseNotActive(caseId, caseWord.status());
        if (caseWord.entitledFrom() >= periodEnd) revert PayoutBeforeEntitlement(caseId, period, caseWord.entitledFrom());
        if ((caseWord >> 8) & 0xff != uint8(programme)) revert PayoutProgrammeMismatch(caseId, allocationId);
        jurisdiction = caseWord.jurisdiction();
        if (jurisdiction / scopeDivisor != scopePrefix) revert PayoutOutsideAllocation(caseId, allocationId);
        uint64 limit = caseWord.approvedAmount();
        if (limit > MAX_PAYOUT) limit = MAX_PAYOUT;
        if (amount == 0 || amount > limit) revert PayoutAboveApproved(caseId, amount, limit);
    }

    function _checkStandard(bytes32 caseId, uint64 amount, uint64 standard, uint256 caseWord) private pure {
        uint256 cap;
        unchecked {
            // A 64-bit standard times an 8-bit household size.
            cap = uint256(standard) * caseWord.householdSize();
        }
        if (amount > cap) revert PayoutAboveStandard(caseId, amount, cap);
    }

    /// @dev Records the payout in the case's cell for the period, unless one is made already, and says so.
    function _record(bytes32 caseId, uint256 group, uint256 shift, uint32 period, uint64 allocationId, uint64 amount) private {
        // `_payouts[_key(caseId, group)]`, its slot worked out once for the read and the write.
        bytes32 key = _key(caseId, group);
        uint256 slot;
        uint256 cells;
        assembly ("memory-safe") {
            mstore(0x00, key)
            mstore(0x20, _payouts.slot)
            slot := keccak256(0x00, 0x40)
            cells := sload(slot)
        }
        uint256 state = (cells >> shift) & 3;
        if (state == uint8(PayoutState.Paid) || state == uint8(PayoutState.Settled)) revert PayoutAlreadyMade(caseId, period);
        uint256 cell = uint256(PayoutState.Paid) | (uint256(allocationId) << 2) | (uint256(amount) << 26);
        cells = (cells & ~(_CELL << shift)) | (cell << shift);
        assembly ("memory-safe") {
            sstore(slot, cells)
        }
        emit PayoutMade(caseId, allocationId, period, amount, msg.sender);
    }

    /// @dev One line of a batch under the rules of `pay`. The officer's role and the pause are
    /// checked once per stretch of lines in one jurisdiction, the standard once per stretch in one
    /// jurisdiction and area.
    function _payLine(Run memory run, bytes32 caseId, uint64 amount, uint256 caseWord) private {
        uint64 jurisdiction = _checkCase(
            caseId, amount, caseWord, run.allocationId, run.programme, run.scopeDivisor, run.scopePrefix, run.period, run.periodEnd
        );
        if (jurisdiction != run.checked) {
            run.checked = jurisdiction;
            _checkOfficer(run.scope, jurisdiction);
        }
        uint256 standardKey = (uint256(jurisdiction) << 8) | (((caseWord >> 16) & 0xff) + 1);
        if (standardKey != run.standardKey) {
            run.standardKey = standardKey;
            run.standard = _standardAt(jurisdiction, run.programme, caseWord.area(), run.standardTime);
        }
        _checkStandard(caseId, amount, run.standard, caseWord);
        _record(caseId, run.group, run.shift, run.period, run.allocationId, amount);
    }

    /// @dev `funds.unspent -= amount`, refused beyond it, written over `head`, the word as read
    /// (`exists` is its bits 88-95, `unspent` 96-175; `allocation` and `available` read them back,
    /// so their tests pin the layout).
    function _debit(Funds storage funds, uint256 head, uint64 allocationId, uint256 amount) private {
        uint256 left = uint80(head >> 96);
        if (amount > left) revert AllocationInsufficient(allocationId, left, amount);
        assembly ("memory-safe") {
            sstore(funds.slot, sub(head, shl(96, amount)))
        }
    }

    /// @dev `cases.caseWords(caseIds of payments)`, the call's arguments written straight from the
    /// payments and its answer taken as it is returned: at a hundred lines a batch, building the
    /// array and decoding the answer cost more than reading the words.
    function _caseWords(Payment[] calldata payments) private view returns (uint256[] memory words) {
        bytes4 selector = ICaseRegistry.caseWords.selector;
        ICaseRegistry registry = cases;
        assembly ("memory-safe") {
            let count := payments.length
            let p := mload(0x40)
            mstore(p, selector)
            mstore(add(p, 0x04), 0x20)
            mstore(add(p, 0x24), count)
            let to := add(p, 0x44)
            for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                mstore(add(to, shl(5, i)), calldataload(add(payments.offset, shl(6, i))))
            }
            if iszero(staticcall(gas(), registry, p, add(0x44, shl(5, count)), 0, 0)) {
                returndatacopy(p, 0, returndatasize())
                revert(p, returndatasize())
            }
            // The answer is (0x20, count, the words): taken only if it is exactly that.
            if iszero(eq(returndatasize(), add(0x40, shl(5, count)))) { revert(0, 0) }
            returndatacopy(p, 0, returndatasize())
            if iszero(and(eq(mload(p), 0x20), eq(mload(add(p, 0x20)), count))) { revert(0, 0) }
            p := add(p, 0x20)
            words := p
            mstore(0x40, add(p, add(0x20, shl(5, count))))
        }
    }

    /// @dev The coverage of an allocation that pays cases: one made to a county or a township.
    function _payingScope(uint64 allocationId, uint64 scope) private pure returns (uint64 divisor, uint64 prefix) {
        (divisor, prefix) = scope.coverage();
        if (divisor > _COUNTY_UNIT) revert PayoutAllocationAboveCounty(allocationId, scope);
    }

    /// @dev `access.checkAuthorisedWithin(FINANCE_OFFICER, msg.sender, scope, jurisdiction)`,
    /// encoded by hand: the officer spends the allocation's funds (held at `scope`) on a case of
    /// `jurisdiction`, neither paused. The call every payout makes, its revert passed on as it is.
    /// It returns nothing, so, as Solidity does, it is refused where no code answers: a call to none
    /// would succeed.
    function _checkOfficer(uint64 scope, uint64 jurisdiction) private view {
        bytes4 selector = IAidAccess.checkAuthorisedWithin.selector;
        bytes32 role = Roles.FINANCE_OFFICER;
        IAidAccess authority = access;
        assembly ("memory-safe") {
            if iszero(extcodesize(authority)) { revert(0, 0) }
            let p := mload(0x40)
            mstore(p, selector)
            mstore(add(p, 0x04), role)
            mstore(add(p, 0x24), caller())
            mstore(add(p, 0x44), scope)
            mstore(add(p, 0x64), jurisdiction)
            if iszero(staticcall(gas(), authority, p, 0x84, 0, 0)) {
                returndatacopy(p, 0, returndatasize())
                revert(p, returndatasize())
            }
        }
    }

    /// @dev `cases.payoutWord(caseId, time)`, encoded by hand as `_checkOfficer`: a single payout's one call to the registry.
    function _payoutWord(bytes32 caseId, uint40 time) private view returns (uint256 word, uint64 standard) {
        bytes4 selector = ICaseRegistry.payoutWord.selector;
        ICaseRegistry registry = cases;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, selector)
            mstore(add(p, 0x04), caseId)
            mstore(add(p, 0x24), time)
            if iszero(staticcall(gas(), registry, p, 0x44, p, 0x40)) {
                returndatacopy(p, 0, returndatasize())
                revert(p, returndatasize())
            }
            if lt(returndatasize(), 0x40) { revert(0, 0) }
            word := mload(p)
            standard := and(mload(add(p, 0x20)), 0xffffffffffffffff)
        }
    }

    /// @dev `cases.standardAt(jurisdiction, programme, area, time)`'s amount, encoded by hand as `_checkOfficer`.
    function _standardAt(uint64 jurisdiction, Programme programme, Area area, uint40 time) private view returns (uint64 amount) {
        bytes4 selector = IAssistanceStandards.standardAt.selector;
        ICaseRegistry source = cases;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, selector)
            mstore(add(p, 0x04), jurisdiction)
            mstore(add(p, 0x24), programme)
            mstore(add(p, 0x44), area)
            mstore(add(p, 0x64), time)
            if iszero(staticcall(gas(), source, p, 0x84, p, 0x40)) {
                returndatacopy(p, 0, returndatasize())
                revert(p, returndatasize())
            }
            if lt(returndatasize(), 0x40) { revert(0, 0) }
            amount := and(mload(p), 0xffffffffffffffff)
        }
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
        _allocations[allocationId] = Funds({
            jurisdiction: jurisdiction,
            programme: programme,
            fiscalYear: fiscalYear,
            exists: true,
            unspent: amount,
            parent: parent,
            amount: amount,
            allocated: 0,
            purposeHash: purposeHash
        });
    }

    function _pendingProposal(uint64 proposalId) private view returns (Proposal memory proposal) {
        proposal = _proposals[proposalId];
        if (proposal.proposer == address(0)) revert AppropriationProposalNotPending(proposalId);
    }

    function _existing(uint64 allocationId) private view returns (Funds storage funds) {
        funds = _allocations[allocationId];
        if (!funds.exists) revert AllocationUnknown(allocationId);
    }

    uint256 private constant _CELL = (1 << 64) - 1;

    /// @dev Month `YYYYMM`, the `m`-th since year 0, lives in group `m / 4 + 1` at bit `64 * (m % 4)`; period 0 in group 0.
    function _slotOf(uint32 period) private pure returns (uint256 group, uint256 shift) {
        if (period == 0) return (0, 0);
        uint32 year = period / 100;
        uint32 month = period % 100;
        if (year < 2000 || year > 2999 || month == 0 || month > 12) revert PayoutPeriodInvalid(period);
        unchecked {
            uint256 m = uint256(year) * 12 + month - 1;
            return (m / 4 + 1, 64 * (m % 4));
        }
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
