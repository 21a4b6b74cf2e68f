// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Programme} from "../common/Assistance.sol";
import {CaseStatus} from "../cases/ICaseRegistry.sol";

/// @dev Where the payout of one case for one period stands. `Reversed` may be paid again.
enum PayoutState {
    None,
    Paid,
    Settled,
    Reversed
}

/// @dev One line of a payout batch.
struct Payment {
    bytes32 caseId;
    uint64 amount;
}

/// @dev One line of a settlement batch: a case's payout, and the leaf hash of the settlement record that
/// holds the payment channel's return for it (its evidence, as a transition's `evidenceHash`).
struct Settlement {
    bytes32 caseId;
    bytes32 evidenceHash;
}

/// @dev An appropriation (parent 0) or an allocation beneath one. Amounts in fen.
struct Allocation {
    uint64 parent;
    uint64 jurisdiction;
    Programme programme;
    uint16 fiscalYear;
    uint80 amount;
    /// @dev Passed down to child allocations.
    uint80 allocated;
    /// @dev Paid out to cases, net of reversals.
    uint80 paid;
    bytes32 purposeHash;
}

/**
 * @title Earmarked funds, payouts and settlements
 * @notice Budget is appropriated to a programme and fiscal year, allocated down the jurisdiction
 * tree, and paid to active cases. An allocation's children and payouts never exceed it; a case
 * is paid at most once per period (a month `YYYYMM`, or 0 for one-off programmes).
 */
interface IFundLedger {
    error FundUnauthorized(address account);
    error AllocationUnknown(uint64 allocationId);
    error AllocationAmountZero();
    /// @dev `allocationId` has `available` fen left; `requested` were asked for.
    error AllocationInsufficient(uint64 allocationId, uint256 available, uint256 requested);
    /// @dev An allocation goes to the parent's jurisdiction or beneath it.
    error AllocationOutsideParent(uint64 parentId, uint64 jurisdiction);
    error AllocationJurisdictionUnknown(uint64 jurisdiction);
    error PayoutBatchEmpty();
    error PayoutCaseNotActive(bytes32 caseId, CaseStatus status);
    /// @dev A case is paid from the month its public notice ended (back pay to that month is
    /// allowed; the delay of activation is the office's, not the household's), or, once resumed
    /// after a suspension, from the month it resumed; `entitledFrom` is that time.
    error PayoutBeforeEntitlement(bytes32 caseId, uint32 period, uint40 entitledFrom);
    /// @dev A payout is positive and at most `limit`: the case's approved amount (and never above 2^38 - 1 fen).
    error PayoutAboveApproved(bytes32 caseId, uint64 amount, uint64 limit);
    /// @dev A payout is at most the standard in force for its period times the household size, `cap`.
    error PayoutAboveStandard(bytes32 caseId, uint64 amount, uint256 cap);
    /// @dev A monthly payout's period lies in its allocation's fiscal year; a one-off one is made in it.
    error PayoutOutsideFiscalYear(uint64 allocationId, uint32 period, uint16 fiscalYear);
    /// @dev `period` is after the chain's current month, `current` (China Standard Time).
    error PayoutPeriodInFuture(uint32 period, uint32 current);
    error PayoutProgrammeMismatch(bytes32 caseId, uint64 allocationId);
    /// @dev The case lies outside the jurisdiction of the allocation named.
    error PayoutOutsideAllocation(bytes32 caseId, uint64 allocationId);
    /// @dev Monthly programmes pay periods `YYYYMM` (years 2000 to 2999); one-off programmes pay period 0.
    error PayoutPeriodInvalid(uint32 period);
    error PayoutAlreadyMade(bytes32 caseId, uint32 period);
    /// @dev Settling or reversing needs a payout that is paid and not settled; it is `state`.
    error PayoutNotOutstanding(bytes32 caseId, uint32 period, PayoutState state);
    /// @dev A reversal names the allocation the payout drew from and its whole amount: the payout was `paidAmount` from `paidFrom`.
    error PayoutReversalMismatch(bytes32 caseId, uint32 period, uint64 paidFrom, uint64 paidAmount);
    /// @dev Allocation ids fit the 24 bits a payout records its allocation in.
    error AllocationLimitReached(uint64 limit);
    /// @dev An acknowledgement needs a payout that was made and not reversed; it is `state`.
    error PayoutNotMade(bytes32 caseId, uint32 period, PayoutState state);
    /// @dev Payouts draw on allocations made to a county or a township: central, provincial and
    /// city funds reach a case only by allocation. `allocationId` is held at `jurisdiction`.
    error PayoutAllocationAboveCounty(uint64 allocationId, uint64 jurisdiction);
    /// @dev `proposalId` is not an appropriation waiting for its second officer (never proposed, made or withdrawn).
    error AppropriationProposalNotPending(uint64 proposalId);
    /// @dev The terms approved are not those proposed as `proposalId`.
    error AppropriationTermsMismatch(uint64 proposalId);
    /// @dev An appropriation is made by two finance officers: `officer` proposed `proposalId` and cannot approve it too.
    error AppropriationSelfApproval(uint64 proposalId, address officer);
    /// @dev Only the officer who proposed `proposalId` withdraws it; `account` did not.
    error AppropriationNotProposer(uint64 proposalId, address account);

    /// @notice `actor`, a finance officer, proposed an appropriation (the budget as passed); a second officer makes it.
    event AppropriationProposed(
        uint64 indexed proposalId,
        Programme programme,
        uint16 fiscalYear,
        uint64 indexed jurisdiction,
        uint80 amount,
        bytes32 purposeHash,
        address actor
    );
    /// @notice `actor` withdrew their proposal `proposalId` before a second officer approved it.
    event AppropriationWithdrawn(uint64 indexed proposalId, address actor);
    /// @notice `actor`, the second finance officer, approved `proposer`'s proposal `proposalId`: its budget is now `allocationId`.
    event AppropriationMade(
        uint64 indexed allocationId,
        uint64 indexed proposalId,
        Programme programme,
        uint16 fiscalYear,
        uint64 indexed jurisdiction,
        uint80 amount,
        bytes32 purposeHash,
        address proposer,
        address actor
    );
    event AllocationMade(
        uint64 indexed allocationId,
        uint64 indexed parent,
        uint64 indexed jurisdiction,
        uint80 amount,
        bytes32 purposeHash,
        address actor
    );
    /// @notice `actor`, the finance officer, paid a case for a period. `period` is not indexed: a topic
    /// costs 119 gas more than a data word, on every line of every payout run.
    event PayoutMade(bytes32 indexed caseId, uint64 indexed allocationId, uint32 period, uint64 amount, address actor);
    event PayoutSettled(bytes32 indexed caseId, uint32 indexed period, bytes32 evidenceHash, address agent);
    /// @notice The compensating entry for a payout that did not arrive: funds return to `allocationId`.
    event PayoutReversed(
        bytes32 indexed caseId,
        uint32 indexed period,
        uint64 indexed allocationId,
        uint64 amount,
        bytes32 reasonHash,
        address actor
    );
    event PayoutAcknowledged(bytes32 indexed caseId, uint32 indexed period, bytes32 acknowledgementHash, address actor);

    /**
     * @notice Proposes a budget line for `programme` in `fiscalYear` (the budget as passed, entered
     * by its maker); it is made when a second finance officer approves the same terms. No single
     * key creates money. Requirements: finance officer covering `jurisdiction` (the nation for
     * central budget), registered; amount positive.
     */
    function proposeAppropriation(
        Programme programme,
        uint16 fiscalYear,
        uint64 jurisdiction,
        uint80 amount,
        bytes32 purposeHash
    ) external returns (uint64 proposalId);

    /**
     * @notice Makes the appropriation proposed as `proposalId` (the checker's step), naming its terms
     * again so that the checker's own transaction says what they approve. Requirements: the
     * proposal pending; the terms those proposed; a finance officer covering `jurisdiction` other
     * than the proposer, who still holds the role there.
     */
    function approveAppropriation(
        uint64 proposalId,
        Programme programme,
        uint16 fiscalYear,
        uint64 jurisdiction,
        uint80 amount,
        bytes32 purposeHash
    ) external returns (uint64 allocationId);

    /// @notice Withdraws a pending proposal. Requirements: its proposer.
    function withdrawAppropriation(uint64 proposalId) external;

    /// @notice Who proposed `proposalId` and the hash of its terms (`abi.encode` of the proposal's
    /// arguments); zero once made or withdrawn.
    function appropriationProposal(uint64 proposalId) external view returns (address proposer, bytes32 termsHash);

    /**
     * @notice Transfers part of `parentId` down to `jurisdiction` (a transfer payment).
     * Requirements: finance officer covering the parent's jurisdiction; `jurisdiction` registered
     * and within it; `amount` not above what the parent has left.
     */
    function allocate(uint64 parentId, uint64 jurisdiction, uint80 amount, bytes32 purposeHash)
        external
        returns (uint64 allocationId);

    /**
     * @notice Pays one case for one period from `allocationId`. Requirements: the allocation made to
     * a county or a township, and the finance officer over its jurisdiction (whoever pays spends
     * their own budget); the case within it and active; the period within the allocation's fiscal year, not after the chain's
     * current month (China Standard Time) and not before the month the case's public notice ended;
     * amount positive, within its approved amount and within the standard in force at the end of
     * the period times its household size; programme and jurisdiction within the allocation;
     * period not paid yet; funds left; neither the case's jurisdiction nor the allocation's paused. A one-off programme pays period 0, in the
     * allocation's fiscal year, within the standard in force now.
     */
    function pay(uint64 allocationId, bytes32 caseId, uint32 period, uint64 amount) external;

    /// @notice Pays many cases for one period from one allocation, all or none, under the rules of `pay`.
    function payBatch(uint64 allocationId, uint32 period, Payment[] calldata payments) external;

    /// @notice The settlement agent confirms payouts arrived. Requirements: settlement agent over each case; each payout outstanding.
    function confirmSettlements(uint32 period, Settlement[] calldata settlements) external;

    /**
     * @notice Reverses an unsettled payout (the payment channel returned it), crediting the
     * allocation it drew from with what it paid; the period may then be paid again. Requirements:
     * finance officer over the jurisdiction of the allocation the payout drew from; payout
     * outstanding; `allocationId` and `amount` those the ledger recorded for the payout.
     */
    function reversePayout(uint64 allocationId, bytes32 caseId, uint32 period, uint64 amount, bytes32 reasonHash)
        external;

    /// @notice Records a citizen's acknowledgement of receipt. Requirements: caseworker over the case.
    function recordAcknowledgement(bytes32 caseId, uint32 period, bytes32 acknowledgementHash) external;

    function allocation(uint64 allocationId) external view returns (Allocation memory);

    /// @notice Fen of `allocationId` neither passed down nor paid out.
    function available(uint64 allocationId) external view returns (uint256);

    function payoutState(bytes32 caseId, uint32 period) external view returns (PayoutState);

    /// @notice The payout of a case for a period as the ledger recorded it: its state, the allocation it drew from and its amount.
    function payout(bytes32 caseId, uint32 period) external view returns (PayoutState state, uint64 allocationId, uint64 amount);

    /// @notice The number of allocations and appropriations so far; ids run from 1 to this.
    function allocationCount() external view returns (uint64);
}
