// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

/**
 * @title Multi-party governance
 * @notice An M-of-N council of accounts (for example the civil-affairs, finance and audit
 * departments) that holds governance in AidAccess: a call runs only once M current members
 * have confirmed it. The council changes its own members and threshold through proposals too.
 */
interface IGovernanceCouncil {
    error CouncilNotMember(address account);
    error CouncilProposalUnknown(uint256 proposalId);
    error CouncilAlreadyConfirmed(uint256 proposalId, address member);
    error CouncilNotConfirmed(uint256 proposalId, address member);
    error CouncilThresholdNotMet(uint256 proposalId, uint256 confirmations, uint256 threshold);
    error CouncilAlreadyExecuted(uint256 proposalId);
    /// @dev Membership and threshold change only through an executed proposal.
    error CouncilOnlySelf(address account);
    /// @dev A council needs 1 <= threshold <= members, distinct non-zero members.
    error CouncilConfigInvalid(uint256 members, uint256 threshold);
    error CouncilMemberExists(address account);

    event ProposalCreated(uint256 indexed proposalId, address indexed proposer, address target, uint256 value, bytes data);
    event ProposalConfirmed(uint256 indexed proposalId, address indexed member);
    event ConfirmationRevoked(uint256 indexed proposalId, address indexed member);
    event ProposalExecuted(uint256 indexed proposalId, address indexed executor);
    event MemberAdded(address indexed account);
    event MemberRemoved(address indexed account);
    event ThresholdChanged(uint256 threshold);

    /// @notice Proposes `target.call{value}(data)` and confirms it for the caller. Requirements: member.
    function propose(address target, uint256 value, bytes calldata data) external returns (uint256 proposalId);

    /// @notice Confirms a pending proposal. Requirements: member; not confirmed by the caller yet.
    function confirm(uint256 proposalId) external;

    /// @notice Withdraws the caller's confirmation of a pending proposal. Requirements: member who confirmed.
    function revokeConfirmation(uint256 proposalId) external;

    /// @notice Runs a proposal confirmed by at least the threshold of current members. Requirements: member.
    function execute(uint256 proposalId) external returns (bytes memory result);

    /// @notice Requirements: called by the council itself.
    function addMember(address account) external;

    /// @notice Requirements: called by the council itself; the threshold still reachable afterwards.
    function removeMember(address account) external;

    /// @notice Requirements: called by the council itself; 1 <= threshold <= members.
    function setThreshold(uint256 threshold) external;

    function members() external view returns (address[] memory);

    function threshold() external view returns (uint256);

    /// @notice Confirmations of `proposalId` by accounts that are members now.
    function confirmations(uint256 proposalId) external view returns (uint256);
}
