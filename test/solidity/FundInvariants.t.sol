// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {AidAccess} from "../../contracts/access/AidAccess.sol";
import {Jurisdictions} from "../../contracts/access/Jurisdictions.sol";
import {Roles} from "../../contracts/access/Roles.sol";
import {Area, Programme} from "../../contracts/common/Assistance.sol";
import {CaseRegistry} from "../../contracts/cases/CaseRegistry.sol";
import {Application} from "../../contracts/cases/ICaseRegistry.sol";
import {Decision, SignerSignature, Stage} from "../../contracts/cases/IDecisions.sol";
import {FundLedger} from "../../contracts/funds/FundLedger.sol";
import {Allocation, Payment, PayoutState, Settlement} from "../../contracts/funds/IFundLedger.sol";
import {vm} from "./Vm.sol";

/// @dev A finance officer's account, held at `scope`: the handler takes steps through it as that officer.
contract Officer {
    FundLedger private immutable _funds;
    uint64 public immutable scope;

    constructor(FundLedger funds_, uint64 scope_) {
        _funds = funds_;
        scope = scope_;
    }

    function act(bytes calldata data) external returns (bool ok, bytes memory answer) {
        (ok, answer) = address(_funds).call(data);
    }
}

/// @dev Drives FundLedger with random payouts and batches by officers of every level from every
/// allocation, reversals (right and wrong), settlements, allocations and appropriations (by two
/// officers, by one alone, with altered terms), keeping its own account of what should have happened.
contract FundHandler {
    using Jurisdictions for uint64;

    FundLedger public immutable funds;
    bytes32[] public caseIds;
    uint64[] public allocationIds;
    uint64[] private _jurisdictions;
    /// @dev An allocation of fiscal 2025: it may pay none of the months the cases are entitled to.
    uint64 private immutable _lastYear;
    /// @dev Months of fiscal 2026 up to the clock's October: three share January's storage word, one starts the next.
    uint32[5] private _periods = [uint32(202601), 202602, 202604, 202605, 202610];
    /// @dev Periods no 2026 allocation may pay now: the year before, months after the clock's in the year and beyond it, a one-off period.
    uint32[5] private _refused = [uint32(202512), 202611, 202612, 202701, 0];

    /// @dev The payout of a case for a period as the handler saw it made, settled or reversed.
    struct Record {
        PayoutState state;
        uint64 allocationId;
        uint64 amount;
    }

    mapping(bytes32 caseId => mapping(uint32 period => Record)) private _records;
    mapping(uint64 allocationId => uint256) public netPaid;
    uint256 public doublePayments;
    /// @dev Reversals that should have been refused and were not: of another allocation or amount, or of a payout not outstanding.
    uint256 public wrongReversals;
    /// @dev Reversals accepted that credited anything but the payout's own allocation with its own amount.
    uint256 public misCredits;
    /// @dev Payouts accepted for a period outside the allocation's fiscal year or after the current month.
    uint256 public periodViolations;
    uint256 public reversalsRefused;
    uint256 public reversalsMade;
    /// @dev Payouts accepted from an allocation the paying officer holds no role over, or held above the counties.
    uint256 public foreignSpends;
    uint256 public spendsRefused;
    /// @dev Appropriations made by one officer alone, with terms other than proposed, or by an officer not over their jurisdiction.
    uint256 public unauthorisedAppropriations;
    uint256 public appropriationsRefused;
    /// @dev Fen appropriated in all, as the handler saw two officers make it.
    uint256 public appropriated;

    Officer[] private _officers;

    constructor(
        FundLedger funds_,
        bytes32[] memory caseIds_,
        uint64[] memory allocationIds_,
        uint64[] memory jurisdictions_,
        uint64 lastYear,
        Officer[] memory officers_,
        uint256 appropriatedBefore
    ) {
        funds = funds_;
        _lastYear = lastYear;
        caseIds = caseIds_;
        allocationIds = allocationIds_;
        _jurisdictions = jurisdictions_;
        _officers = officers_;
        appropriated = appropriatedBefore;
    }

    function allocationCount() external view returns (uint256) {
        return allocationIds.length;
    }

    function periodCount() external view returns (uint256) {
        return _periods.length;
    }

    function periods(uint256 i) external view returns (uint32) {
        return _periods[i];
    }

    function caseCount() external view returns (uint256) {
        return caseIds.length;
    }

    function record(bytes32 caseId, uint32 period) external view returns (Record memory) {
        return _records[caseId][period];
    }

    function pay(uint256 officerSeed, uint256 caseSeed, uint256 periodSeed, uint256 allocationSeed, uint64 amount) external {
        Officer officer = _officers[officerSeed % _officers.length];
        bytes32 caseId = caseIds[caseSeed % caseIds.length];
        uint32 period = _periods[periodSeed % _periods.length];
        uint64 allocationId = allocationIds[allocationSeed % allocationIds.length];
        amount = uint64(1 + amount % 200_000);
        (bool ok,) = officer.act(abi.encodeCall(funds.pay, (allocationId, caseId, period, amount)));
        if (!ok) return _spendRefused(officer, allocationId);
        _spent(officer, allocationId);
        _paid(caseId, period, allocationId, amount);
    }

    function payBatch(uint256 officerSeed, uint256 seed, uint8 count, uint256 periodSeed, uint256 allocationSeed) external {
        Officer officer = _officers[officerSeed % _officers.length];
        uint32 period = _periods[periodSeed % _periods.length];
        uint64 allocationId = allocationIds[allocationSeed % allocationIds.length];
        Payment[] memory payments = new Payment[](1 + count % 8);
        for (uint256 i; i < payments.length; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            payments[i] = Payment({caseId: caseIds[r % caseIds.length], amount: uint64(1 + (r >> 128) % 160_000)});
        }
        (bool ok,) = officer.act(abi.encodeCall(funds.payBatch, (allocationId, period, payments)));
        if (!ok) return _spendRefused(officer, allocationId);
        _spent(officer, allocationId);
        for (uint256 i; i < payments.length; ++i) {
            _paid(payments[i].caseId, period, allocationId, payments[i].amount);
        }
    }

    /// @dev A maker proposes an appropriation and a checker (perhaps the same officer) approves it,
    /// with the terms proposed or altered: made only by two officers over its jurisdiction, as proposed.
    function appropriate(uint256 makerSeed, uint256 checkerSeed, uint256 jurisdictionSeed, uint80 amount, bool alterTerms) external {
        Officer maker = _officers[makerSeed % _officers.length];
        Officer checker = _officers[checkerSeed % _officers.length];
        uint256 pick = jurisdictionSeed % (_jurisdictions.length + 1);
        uint64 jurisdiction = pick == _jurisdictions.length ? Jurisdictions.NATION : _jurisdictions[pick];
        amount = 1 + amount % 5_000_000;
        (bool proposed, bytes memory answer) =
            maker.act(abi.encodeCall(funds.proposeAppropriation, (Programme.Dibao, 2026, jurisdiction, amount, 0)));
        if (!proposed) return;
        if (!maker.scope().covers(jurisdiction)) ++unauthorisedAppropriations;
        uint64 proposalId = abi.decode(answer, (uint64));
        uint80 approvedAmount = alterTerms ? amount + 1 : amount;
        (bool made, bytes memory made_) = checker.act(
            abi.encodeCall(funds.approveAppropriation, (proposalId, Programme.Dibao, 2026, jurisdiction, approvedAmount, 0))
        );
        if (!made) {
            ++appropriationsRefused;
            return;
        }
        if (maker == checker || alterTerms || !checker.scope().covers(jurisdiction)) ++unauthorisedAppropriations;
        allocationIds.push(abi.decode(made_, (uint64)));
        appropriated += amount;
    }

    /// @dev A payout for a period the allocations of 2026 may not pay, single or in a batch: any success is a violation.
    function payRefusedPeriod(uint256 caseSeed, uint256 periodSeed, uint256 allocationSeed, bool batch) external {
        bytes32 caseId = caseIds[caseSeed % caseIds.length];
        uint32 period = _refused[periodSeed % _refused.length];
        uint64 allocationId = allocationIds[allocationSeed % allocationIds.length];
        if (batch) {
            Payment[] memory payments = new Payment[](1);
            payments[0] = Payment({caseId: caseId, amount: 1});
            try funds.payBatch(allocationId, period, payments) {
                ++periodViolations;
            } catch {}
        } else {
            try funds.pay(allocationId, caseId, period, 1) {
                ++periodViolations;
            } catch {}
        }
    }

    /// @dev A payout of a 2026 month from the 2025 allocation, single or in a batch: any success is a violation.
    function payFromAnotherYear(uint256 caseSeed, uint256 periodSeed, bool batch) external {
        bytes32 caseId = caseIds[caseSeed % caseIds.length];
        uint32 period = _periods[periodSeed % _periods.length];
        Payment[] memory payments = new Payment[](1);
        payments[0] = Payment({caseId: caseId, amount: 1});
        if (batch) {
            try funds.payBatch(_lastYear, period, payments) {
                ++periodViolations;
            } catch {}
        } else {
            try funds.pay(_lastYear, caseId, period, 1) {
                ++periodViolations;
            } catch {}
        }
    }

    /// @dev The reversal of a payout as the ledger recorded it: accepted exactly when it is outstanding, crediting its allocation alone.
    function reverse(uint256 caseSeed, uint256 periodSeed) external {
        bytes32 caseId = caseIds[caseSeed % caseIds.length];
        uint32 period = _periods[periodSeed % _periods.length];
        Record storage r = _records[caseId][period];
        uint256[] memory before = _availability();
        try funds.reversePayout(r.allocationId, caseId, period, r.amount, keccak256("returned")) {
            if (r.state != PayoutState.Paid) ++wrongReversals;
            uint256[] memory afterwards = _availability();
            for (uint256 i; i < before.length; ++i) {
                uint256 expected = before[i] + (allocationIds[i] == r.allocationId ? r.amount : 0);
                if (afterwards[i] != expected) ++misCredits;
            }
            r.state = PayoutState.Reversed;
            netPaid[r.allocationId] -= r.amount;
            ++reversalsMade;
        } catch {}
    }

    /// @dev A reversal naming another allocation than the payout drew from: must be refused.
    function reverseOtherAllocation(uint256 caseSeed, uint256 periodSeed, uint256 allocationSeed) external {
        bytes32 caseId = caseIds[caseSeed % caseIds.length];
        uint32 period = _periods[periodSeed % _periods.length];
        Record storage r = _records[caseId][period];
        uint64 other = allocationIds[allocationSeed % allocationIds.length];
        if (other == r.allocationId) other = r.allocationId + 1;
        _attemptWrong(other, caseId, period, r.amount);
    }

    /// @dev A reversal of part of a payout, or of more than it: must be refused.
    function reverseOtherAmount(uint256 caseSeed, uint256 periodSeed, uint64 delta, bool below) external {
        bytes32 caseId = caseIds[caseSeed % caseIds.length];
        uint32 period = _periods[periodSeed % _periods.length];
        Record storage r = _records[caseId][period];
        uint64 amount;
        if (below) {
            if (r.amount < 2) return;
            amount = 1 + delta % (r.amount - 1);
        } else {
            amount = r.amount + 1 + delta % 1_000_000;
        }
        _attemptWrong(r.allocationId, caseId, period, amount);
    }

    function settle(uint256 caseSeed, uint256 periodSeed) external {
        bytes32 caseId = caseIds[caseSeed % caseIds.length];
        uint32 period = _periods[periodSeed % _periods.length];
        Settlement[] memory batch = new Settlement[](1);
        batch[0] = Settlement({caseId: caseId, evidenceHash: keccak256("arrived")});
        try funds.confirmSettlements(period, batch) {
            _records[caseId][period].state = PayoutState.Settled;
        } catch {}
    }

    function allocate(uint256 parentSeed, uint256 jurisdictionSeed, uint80 amount) external {
        uint64 parent = allocationIds[parentSeed % allocationIds.length];
        try funds.allocate(parent, _jurisdictions[jurisdictionSeed % _jurisdictions.length], 1 + amount % 2_000_000, 0) returns (
            uint64 id
        ) {
            allocationIds.push(id);
        } catch {}
    }

    function _spent(Officer officer, uint64 allocationId) private {
        uint64 held = funds.allocation(allocationId).jurisdiction;
        if (!officer.scope().covers(held) || held.level() < Jurisdictions.LEVEL_COUNTY) ++foreignSpends;
    }

    function _spendRefused(Officer officer, uint64 allocationId) private {
        uint64 held = funds.allocation(allocationId).jurisdiction;
        if (!officer.scope().covers(held) || held.level() < Jurisdictions.LEVEL_COUNTY) ++spendsRefused;
    }

    function _attemptWrong(uint64 allocationId, bytes32 caseId, uint32 period, uint64 amount) private {
        try funds.reversePayout(allocationId, caseId, period, amount, keccak256("wrong")) {
            ++wrongReversals;
        } catch {
            ++reversalsRefused;
        }
    }

    function _availability() private view returns (uint256[] memory left) {
        left = new uint256[](allocationIds.length);
        for (uint256 i; i < left.length; ++i) {
            left[i] = funds.available(allocationIds[i]);
        }
    }

    function _paid(bytes32 caseId, uint32 period, uint64 allocationId, uint64 amount) private {
        Record storage r = _records[caseId][period];
        if (r.state == PayoutState.Paid || r.state == PayoutState.Settled) ++doublePayments;
        r.state = PayoutState.Paid;
        r.allocationId = allocationId;
        r.amount = amount;
        netPaid[allocationId] += amount;
    }
}

contract FundInvariantsTest {
    uint64 private constant PROVINCE = 440000000000;
    uint64 private constant COUNTY_A = 440105000000;
    uint64 private constant COUNTY_B = 440106000000;
    uint64 private constant TOWNSHIP_A = 440105001000;
    uint64 private constant TOWNSHIP_B = 440106001000;
    uint256 private constant OFFICER_KEY = 0xA11CE;

    AidAccess private access;
    CaseRegistry private cases;
    FundLedger private funds;
    FundHandler private handler;
    uint64 private appropriation;
    Officer private checker;

    function setUp() public {
        // Cases open and are activated early in January 2026 (China Standard Time), then the clock
        // moves to mid-October: every month of the fiscal year is theirs, November and December are
        // in the future.
        vm.warp(1_767_300_000);
        access = new AidAccess(address(this));
        cases = new CaseRegistry(access);
        funds = new FundLedger(access, cases);

        access.registerJurisdiction(PROVINCE, 0);
        access.registerJurisdiction(COUNTY_A, PROVINCE);
        access.registerJurisdiction(COUNTY_B, PROVINCE);
        access.registerJurisdiction(TOWNSHIP_A, COUNTY_A);
        access.registerJurisdiction(TOWNSHIP_B, COUNTY_B);
        address officer = vm.addr(OFFICER_KEY);
        access.grantScopedRole(Roles.CASEWORKER, officer, 0);
        access.grantScopedRole(Roles.CASEWORKER, address(this), 0);
        access.grantScopedRole(Roles.REVIEWER, officer, 0);
        access.grantScopedRole(Roles.APPROVER, officer, 0);
        access.grantScopedRole(Roles.FINANCE_OFFICER, address(this), 0);
        cases.setStandard(PROVINCE, Programme.Dibao, Area.Urban, 1_000_000, 0);
        cases.setThreshold(0, Programme.Dibao, Stage.Review, 1);
        cases.setThreshold(0, Programme.Dibao, Stage.Approval, 1);
        cases.setNoticePeriod(Programme.Dibao, 0);

        bytes32[] memory caseIds = new bytes32[](12);
        for (uint256 i; i < caseIds.length; ++i) {
            caseIds[i] = keccak256(abi.encode("case", i));
            bytes32 recordHash = keccak256(abi.encode("record", i));
            uint64 township = i % 2 == 0 ? TOWNSHIP_A : TOWNSHIP_B;
            _submit(caseIds[i], township, recordHash, keccak256(abi.encode("id", i)));
            _decide(caseIds[i], recordHash, Stage.Review, 0, 0);
            _decide(caseIds[i], recordHash, Stage.Approval, 150_000, 1);
            cases.activate(caseIds[i], 0);
        }

        vm.warp(1_792_022_400);
        // Finance officers at every level, two at the nation: the maker (this contract) and the checker.
        uint64[6] memory scopes = [uint64(0), 0, PROVINCE, COUNTY_A, COUNTY_B, TOWNSHIP_A];
        Officer[] memory officers = new Officer[](scopes.length);
        for (uint256 i; i < scopes.length; ++i) {
            officers[i] = new Officer(funds, scopes[i]);
            access.grantScopedRole(Roles.FINANCE_OFFICER, address(officers[i]), scopes[i]);
        }
        checker = officers[0];
        appropriation = _appropriate(2026, 5_000_000);
        uint64[] memory allocationIds = new uint64[](4);
        allocationIds[0] = appropriation;
        allocationIds[1] = funds.allocate(appropriation, PROVINCE, 3_000_000, 0);
        allocationIds[2] = funds.allocate(allocationIds[1], COUNTY_A, 1_000_000, 0);
        allocationIds[3] = funds.allocate(allocationIds[1], COUNTY_B, 1_000_000, 0);
        uint64[] memory jurisdictions = new uint64[](5);
        (jurisdictions[0], jurisdictions[1], jurisdictions[2], jurisdictions[3], jurisdictions[4]) =
            (PROVINCE, COUNTY_A, COUNTY_B, TOWNSHIP_A, TOWNSHIP_B);
        uint64 lastYear = _appropriate(2025, 5_000_000);
        handler = new FundHandler(funds, caseIds, allocationIds, jurisdictions, lastYear, officers, 10_000_000);
        access.grantScopedRole(Roles.FINANCE_OFFICER, address(handler), 0);
        access.grantScopedRole(Roles.SETTLEMENT_AGENT, address(handler), 0);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev No case is ever paid twice for a period, whatever mix of single and batch payouts and reversals.
    function invariant_NoCasePaidTwiceForAPeriod() public view {
        require(handler.doublePayments() == 0, "a case was paid twice for one period");
    }

    /// @dev Children and payouts never exceed an allocation, and the ledger's books match the handler's.
    function invariant_AllocationsNeverOverdrawn() public view {
        uint256 count = handler.allocationCount();
        uint256 totalPaid;
        for (uint256 i; i < count; ++i) {
            uint64 id = handler.allocationIds(i);
            Allocation memory a = funds.allocation(id);
            require(uint256(a.allocated) + a.paid <= a.amount, "allocation overdrawn");
            require(a.paid == handler.netPaid(id), "allocation books differ from payouts made");
            uint256 children;
            for (uint256 j; j < count; ++j) {
                Allocation memory child = funds.allocation(handler.allocationIds(j));
                if (child.parent == id) children += child.amount;
            }
            require(children == a.allocated, "children do not add up to what was allocated");
            totalPaid += a.paid;
        }
        require(totalPaid <= _appropriatedOnLedger(), "payouts exceed the appropriations");
    }

    /// @dev Every payout drew on an allocation made to a county or township over which its officer holds the role.
    function invariant_PayoutsDrawOnlyOnTheOfficersOwnAllocations() public view {
        require(handler.foreignSpends() == 0, "a payout drew on an allocation its officer holds no role over");
    }

    /// @dev The appropriations on the ledger add up to what two officers made together, and to nothing else.
    function invariant_AppropriationsOnlyByTwoOfficers() public view {
        require(handler.unauthorisedAppropriations() == 0, "an appropriation was made by one officer, altered or out of scope");
        require(_appropriatedOnLedger() == handler.appropriated(), "appropriations changed otherwise than by two officers");
    }

    /// @dev No reversal was accepted for another allocation or amount than its payout's, or for a
    /// payout not outstanding, and each accepted one credited its payout's allocation with its
    /// amount and nothing else.
    function invariant_ReversalsReturnExactlyWhatWasPaid() public view {
        require(handler.wrongReversals() == 0, "a reversal of another allocation or amount, or of no outstanding payout, was accepted");
        require(handler.misCredits() == 0, "a reversal credited another allocation or amount");
    }

    /// @dev No payout was accepted for a month outside the allocation's fiscal year or after the current month, nor a one-off period.
    function invariant_PeriodsWithinTheFiscalYearAndTheClock() public view {
        require(handler.periodViolations() == 0, "a payout outside the fiscal year or in the future was accepted");
    }

    /// @dev The ledger's record of each payout, its state, allocation and amount, is the handler's.
    function invariant_LedgerPayoutsMatchRecords() public view {
        uint256 caseTotal = handler.caseCount();
        uint256 months = handler.periodCount();
        for (uint256 i; i < caseTotal; ++i) {
            bytes32 caseId = handler.caseIds(i);
            for (uint256 j; j < months; ++j) {
                uint32 period = handler.periods(j);
                FundHandler.Record memory expected = handler.record(caseId, period);
                (PayoutState state, uint64 allocationId, uint64 amount) = funds.payout(caseId, period);
                require(state == expected.state, "payout state differs from the handler's");
                require(allocationId == expected.allocationId && amount == expected.amount, "payout allocation or amount differs from the handler's");
            }
        }
    }

    /// @dev The handler's officer paths do what the invariants rely on: foreign spends and lone
    /// appropriations attempted and refused, the legitimate ones made.
    function test_HandlerRefusesForeignSpendsAndLoneAppropriations() public {
        // Officers: 0 and 1 the nation's, 2 the province's, 3 county A's, 4 county B's, 5 township A's.
        // Allocations: 0 the appropriation, 1 the province's, 2 county A's, 3 county B's.
        handler.pay(4, 0, 0, 2, 1); // county B's officer, county A's funds
        handler.pay(0, 0, 0, 0, 1); // the nation's officer, the nation's funds
        handler.pay(2, 0, 0, 1, 1); // the province's officer, the province's funds
        handler.payBatch(5, 0, 0, 0, 2); // township A's officer, county A's funds
        require(handler.spendsRefused() == 4 && handler.foreignSpends() == 0, "a foreign spend was not refused");
        handler.pay(3, 0, 0, 2, 1);
        require(handler.record(handler.caseIds(0), 202601).state == PayoutState.Paid, "county A's officer could not pay from county A's funds");
        uint256 before = handler.appropriated();
        handler.appropriate(3, 3, 1, 100, false); // one officer alone
        handler.appropriate(3, 0, 1, 100, true); // terms altered
        handler.appropriate(4, 3, 1, 100, false); // county B's maker, county A's budget: not proposed
        handler.appropriate(3, 4, 1, 100, false); // county B's checker, county A's budget
        require(handler.appropriationsRefused() == 3 && handler.appropriated() == before, "a lone or altered appropriation was made");
        handler.appropriate(3, 0, 1, 100, false);
        require(handler.appropriated() == before + 101, "two officers could not appropriate");
        invariant_AppropriationsOnlyByTwoOfficers();
        invariant_PayoutsDrawOnlyOnTheOfficersOwnAllocations();
    }

    function test_SetUpPaysAndRefusesAsExpected() public {
        bytes32 caseId = handler.caseIds(0);
        funds.pay(handler.allocationIds(2), caseId, 202601, 150_000);
        try funds.pay(handler.allocationIds(2), caseId, 202601, 1) {
            revert("second payment for a period accepted");
        } catch {}
    }

    /// @dev The handler's paths do what the invariants rely on: wrong reversals and refused periods
    /// are attempted and refused, the right reversal is made, and the ledger agrees with its records.
    function test_HandlerRefusesWrongReversalsAndMakesTheRightOne() public {
        // Case 0 is in township A, allocation 2 is county A's; 1 + 99_999 fen.
        handler.pay(3, 0, 0, 2, 99_999);
        bytes32 caseId = handler.caseIds(0);
        FundHandler.Record memory paid = handler.record(caseId, 202601);
        require(paid.state == PayoutState.Paid && paid.amount == 100_000, "the handler's payout was not made");
        handler.reverseOtherAllocation(0, 0, 3);
        handler.reverseOtherAmount(0, 0, 5, true);
        handler.reverseOtherAmount(0, 0, 5, false);
        require(handler.reversalsRefused() == 3 && handler.wrongReversals() == 0, "a wrong reversal was not refused");
        handler.reverse(0, 0);
        require(handler.reversalsMade() == 1 && handler.misCredits() == 0, "the right reversal was not made exactly");
        handler.reverse(0, 0);
        require(handler.reversalsMade() == 1 && handler.wrongReversals() == 0, "a reversed payout was reversed again");
        for (uint256 i; i < 5; ++i) {
            handler.payRefusedPeriod(0, i, 2, i % 2 == 0);
            handler.payRefusedPeriod(0, i, 2, i % 2 == 1);
        }
        handler.payFromAnotherYear(1, 0, false);
        handler.payFromAnotherYear(1, 4, true);
        require(handler.periodViolations() == 0, "a refused period was paid");
        invariant_LedgerPayoutsMatchRecords();
        invariant_AllocationsNeverOverdrawn();
    }

    /// @dev An appropriation of the nation's, proposed by this contract and approved by `checker`.
    function _appropriate(uint16 fiscalYear, uint80 amount) private returns (uint64) {
        uint64 proposalId = funds.proposeAppropriation(Programme.Dibao, fiscalYear, 0, amount, 0);
        (bool ok, bytes memory answer) =
            checker.act(abi.encodeCall(funds.approveAppropriation, (proposalId, Programme.Dibao, fiscalYear, 0, amount, 0)));
        require(ok, "the checker could not approve");
        return abi.decode(answer, (uint64));
    }

    function _appropriatedOnLedger() private view returns (uint256 total) {
        uint64 count = funds.allocationCount();
        for (uint64 id = 1; id <= count; ++id) {
            Allocation memory a = funds.allocation(id);
            if (a.parent == 0) total += a.amount;
        }
    }

    function _submit(bytes32 caseId, uint64 township, bytes32 recordHash, bytes32 identity) private {
        Application[] memory batch = new Application[](1);
        batch[0] = Application({
            caseId: caseId,
            programme: Programme.Dibao,
            area: Area.Urban,
            jurisdiction: township,
            recordHash: recordHash,
            identityCommitment: identity,
            household: new bytes32[](0),
            caseworker: vm.addr(OFFICER_KEY),
            deadline: uint64(block.timestamp + 1 hours),
            r: 0,
            vs: 0
        });
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(OFFICER_KEY, cases.applicationDigest(batch[0]));
        batch[0].r = r;
        batch[0].vs = bytes32(uint256(s) | (uint256(v - 27) << 255));
        cases.submitApplications(batch);
    }

    function _decide(bytes32 caseId, bytes32 recordHash, Stage stage, uint64 amount, uint8 householdSize) private {
        (,,, uint32 round,) = cases.getCase(caseId);
        Decision memory d = Decision({
            caseId: caseId,
            stage: stage,
            approve: true,
            recordHash: recordHash,
            amount: amount,
            householdSize: householdSize,
            round: round,
            deadline: uint64(block.timestamp + 1 hours)
        });
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(OFFICER_KEY, cases.decisionDigest(d));
        SignerSignature[] memory signatures = new SignerSignature[](1);
        signatures[0] = SignerSignature({signer: vm.addr(OFFICER_KEY), signature: abi.encodePacked(r, s, v)});
        cases.decide(d, signatures);
    }
}
