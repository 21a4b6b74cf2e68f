// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {AidAccess} from "../../contracts/access/AidAccess.sol";
import {Roles} from "../../contracts/access/Roles.sol";
import {Area, Programme} from "../../contracts/common/Assistance.sol";
import {CaseRegistry} from "../../contracts/cases/CaseRegistry.sol";
import {Application} from "../../contracts/cases/ICaseRegistry.sol";
import {Decision, SignerSignature, Stage} from "../../contracts/cases/IApprovals.sol";
import {FundLedger} from "../../contracts/funds/FundLedger.sol";
import {Allocation, Payment, Settlement} from "../../contracts/funds/IFundLedger.sol";
import {AssistanceStandards} from "../../contracts/standards/AssistanceStandards.sol";
import {vm} from "./Vm.sol";

/// @dev Drives FundLedger with random payouts, batches, reversals, settlements and allocations,
/// keeping its own account of what should have happened.
contract FundHandler {
    FundLedger public immutable funds;
    bytes32[] public caseIds;
    uint64[] public allocationIds;
    uint64[] private _jurisdictions;
    uint32[4] private _periods = [uint32(202601), 202602, 202603, 202612];

    struct Paid {
        uint64 allocationId;
        uint64 amount;
        uint8 outstanding;
    }

    mapping(bytes32 caseId => mapping(uint32 period => Paid)) public paid;
    mapping(uint64 allocationId => uint256) public netPaid;
    uint256 public doublePayments;

    constructor(FundLedger funds_, bytes32[] memory caseIds_, uint64[] memory allocationIds_, uint64[] memory jurisdictions_) {
        funds = funds_;
        caseIds = caseIds_;
        allocationIds = allocationIds_;
        _jurisdictions = jurisdictions_;
    }

    function allocationCount() external view returns (uint256) {
        return allocationIds.length;
    }

    function pay(uint256 caseSeed, uint256 periodSeed, uint256 allocationSeed, uint64 amount) external {
        bytes32 caseId = caseIds[caseSeed % caseIds.length];
        uint32 period = _periods[periodSeed % _periods.length];
        uint64 allocationId = allocationIds[allocationSeed % allocationIds.length];
        amount = uint64(1 + amount % 200_000);
        try funds.pay(allocationId, caseId, period, amount) {
            _record(caseId, period, allocationId, amount);
        } catch {}
    }

    function payBatch(uint256 seed, uint8 count, uint256 periodSeed, uint256 allocationSeed) external {
        uint32 period = _periods[periodSeed % _periods.length];
        uint64 allocationId = allocationIds[allocationSeed % allocationIds.length];
        Payment[] memory payments = new Payment[](1 + count % 8);
        for (uint256 i; i < payments.length; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            payments[i] = Payment({caseId: caseIds[r % caseIds.length], amount: uint64(1 + (r >> 128) % 160_000)});
        }
        try funds.payBatch(allocationId, period, payments) {
            for (uint256 i; i < payments.length; ++i) {
                _record(payments[i].caseId, period, allocationId, payments[i].amount);
            }
        } catch {}
    }

    function reverse(uint256 caseSeed, uint256 periodSeed) external {
        bytes32 caseId = caseIds[caseSeed % caseIds.length];
        uint32 period = _periods[periodSeed % _periods.length];
        Paid storage p = paid[caseId][period];
        try funds.reversePayout(p.allocationId, caseId, period, p.amount, keccak256("returned")) {
            p.outstanding -= 1;
            netPaid[p.allocationId] -= p.amount;
        } catch {}
    }

    function settle(uint256 caseSeed, uint256 periodSeed) external {
        Settlement[] memory batch = new Settlement[](1);
        batch[0] = Settlement({caseId: caseIds[caseSeed % caseIds.length], receiptHash: keccak256("arrived")});
        try funds.confirmSettlements(_periods[periodSeed % _periods.length], batch) {} catch {}
    }

    function allocate(uint256 parentSeed, uint256 jurisdictionSeed, uint80 amount) external {
        uint64 parent = allocationIds[parentSeed % allocationIds.length];
        try funds.allocate(parent, _jurisdictions[jurisdictionSeed % _jurisdictions.length], 1 + amount % 2_000_000, 0) returns (
            uint64 id
        ) {
            allocationIds.push(id);
        } catch {}
    }

    function _record(bytes32 caseId, uint32 period, uint64 allocationId, uint64 amount) private {
        Paid storage p = paid[caseId][period];
        if (p.outstanding != 0) ++doublePayments;
        p.outstanding += 1;
        p.allocationId = allocationId;
        p.amount = amount;
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

    function setUp() public {
        // Cases open and are activated early in January 2026 (China Standard Time), then the clock
        // moves to December, so that every month of the fiscal year is theirs and none is in the future.
        vm.warp(1_767_300_000);
        access = new AidAccess(address(this));
        AssistanceStandards standards = new AssistanceStandards(access);
        cases = new CaseRegistry(access, standards);
        funds = new FundLedger(access, cases, standards);

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
        standards.setStandard(PROVINCE, Programme.Dibao, Area.Urban, 1_000_000, 0);
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
            _decide(caseIds[i], recordHash, Stage.Approval, 150_000, 2);
            cases.activate(caseIds[i], 0);
        }

        vm.warp(1_797_300_000);
        appropriation = funds.appropriate(Programme.Dibao, 2026, 0, 5_000_000, 0);
        uint64[] memory allocationIds = new uint64[](4);
        allocationIds[0] = appropriation;
        allocationIds[1] = funds.allocate(appropriation, PROVINCE, 3_000_000, 0);
        allocationIds[2] = funds.allocate(allocationIds[1], COUNTY_A, 1_000_000, 0);
        allocationIds[3] = funds.allocate(allocationIds[1], COUNTY_B, 1_000_000, 0);
        uint64[] memory jurisdictions = new uint64[](5);
        (jurisdictions[0], jurisdictions[1], jurisdictions[2], jurisdictions[3], jurisdictions[4]) =
            (PROVINCE, COUNTY_A, COUNTY_B, TOWNSHIP_A, TOWNSHIP_B);
        handler = new FundHandler(funds, caseIds, allocationIds, jurisdictions);
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
        require(totalPaid <= funds.allocation(appropriation).amount, "payouts exceed the appropriation");
    }

    function test_SetUpPaysAndRefusesAsExpected() public {
        bytes32 caseId = handler.caseIds(0);
        funds.pay(handler.allocationIds(2), caseId, 202601, 150_000);
        try funds.pay(handler.allocationIds(2), caseId, 202601, 1) {
            revert("second payment for a period accepted");
        } catch {}
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
        (,,, uint32 round) = cases.getCase(caseId);
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
