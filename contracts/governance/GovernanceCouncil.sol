// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {IGovernanceCouncil} from "./IGovernanceCouncil.sol";

/// @title GovernanceCouncil
contract GovernanceCouncil is IGovernanceCouncil {
    struct Proposal {
        address target;
        bool executed;
        uint256 value;
        bytes data;
    }

    address[] private _members;
    mapping(address account => bool) public isMember;
    uint256 public threshold;

    uint256 public proposalCount;
    mapping(uint256 proposalId => Proposal) private _proposals;
    mapping(uint256 proposalId => mapping(address member => bool)) public confirmedBy;

    constructor(address[] memory initialMembers, uint256 initialThreshold) {
        for (uint256 i; i < initialMembers.length; ++i) {
            _addMember(initialMembers[i]);
        }
        _setThreshold(initialThreshold);
    }

    modifier onlyMember() {
        if (!isMember[msg.sender]) revert CouncilNotMember(msg.sender);
        _;
    }

    modifier onlySelf() {
        if (msg.sender != address(this)) revert CouncilOnlySelf(msg.sender);
        _;
    }

    /// @inheritdoc IGovernanceCouncil
    function propose(address target, uint256 value, bytes calldata data) external onlyMember returns (uint256 proposalId) {
        proposalId = ++proposalCount;
        _proposals[proposalId] = Proposal({target: target, executed: false, value: value, data: data});
        emit ProposalCreated(proposalId, msg.sender, target, value, data);
        _confirm(proposalId);
    }

    /// @inheritdoc IGovernanceCouncil
    function confirm(uint256 proposalId) external onlyMember {
        _pending(proposalId);
        _confirm(proposalId);
    }

    /// @inheritdoc IGovernanceCouncil
    function revokeConfirmation(uint256 proposalId) external onlyMember {
        _pending(proposalId);
        if (!confirmedBy[proposalId][msg.sender]) revert CouncilNotConfirmed(proposalId, msg.sender);
        confirmedBy[proposalId][msg.sender] = false;
        emit ConfirmationRevoked(proposalId, msg.sender);
    }

    /// @inheritdoc IGovernanceCouncil
    function execute(uint256 proposalId) external onlyMember returns (bytes memory result) {
        Proposal storage proposal = _pending(proposalId);
        uint256 count = confirmations(proposalId);
        if (count < threshold) revert CouncilThresholdNotMet(proposalId, count, threshold);
        proposal.executed = true;
        emit ProposalExecuted(proposalId, msg.sender);
        return Address.functionCallWithValue(proposal.target, proposal.data, proposal.value);
    }

    /// @inheritdoc IGovernanceCouncil
    function addMember(address account) external onlySelf {
        _addMember(account);
    }

    /// @inheritdoc IGovernanceCouncil
    function removeMember(address account) external onlySelf {
        if (!isMember[account]) revert CouncilNotMember(account);
        if (_members.length - 1 < threshold) revert CouncilConfigInvalid(_members.length - 1, threshold);
        isMember[account] = false;
        for (uint256 i; i < _members.length; ++i) {
            if (_members[i] == account) {
                _members[i] = _members[_members.length - 1];
                _members.pop();
                break;
            }
        }
        emit MemberRemoved(account);
    }

    /// @inheritdoc IGovernanceCouncil
    function setThreshold(uint256 newThreshold) external onlySelf {
        _setThreshold(newThreshold);
    }

    /// @inheritdoc IGovernanceCouncil
    function members() external view returns (address[] memory) {
        return _members;
    }

    /// @inheritdoc IGovernanceCouncil
    function confirmations(uint256 proposalId) public view returns (uint256 count) {
        for (uint256 i; i < _members.length; ++i) {
            if (confirmedBy[proposalId][_members[i]]) ++count;
        }
    }

    function _confirm(uint256 proposalId) private {
        if (confirmedBy[proposalId][msg.sender]) revert CouncilAlreadyConfirmed(proposalId, msg.sender);
        confirmedBy[proposalId][msg.sender] = true;
        emit ProposalConfirmed(proposalId, msg.sender);
    }

    function _pending(uint256 proposalId) private view returns (Proposal storage proposal) {
        proposal = _proposals[proposalId];
        if (proposal.target == address(0)) revert CouncilProposalUnknown(proposalId);
        if (proposal.executed) revert CouncilAlreadyExecuted(proposalId);
    }

    function _addMember(address account) private {
        if (account == address(0)) revert CouncilConfigInvalid(_members.length, threshold);
        if (isMember[account]) revert CouncilMemberExists(account);
        isMember[account] = true;
        _members.push(account);
        emit MemberAdded(account);
    }

    function _setThreshold(uint256 newThreshold) private {
        if (newThreshold == 0 || newThreshold > _members.length) revert CouncilConfigInvalid(_members.length, newThreshold);
        threshold = newThreshold;
        emit ThresholdChanged(newThreshold);
    }
}
