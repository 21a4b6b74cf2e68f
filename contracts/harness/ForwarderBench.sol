// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.30;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {ERC2771Forwarder} from "@openzeppelin/contracts/metatx/ERC2771Forwarder.sol";

/// @dev OpenZeppelin 5.1's forwarder, unchanged: what bench/gas.ts weighs the ledger's own authorisations against. Not deployed by aidtrail.
contract BenchForwarder is ERC2771Forwarder {
    constructor() ERC2771Forwarder("aidtrail bench forwarder") {}
}

/// @dev The least a forwarded call can do: write a fresh storage word of its sender's. The same
/// call sent directly and through BenchForwarder differs only by what forwarding costs.
contract ForwarderTarget is ERC2771Context {
    mapping(address sender => mapping(uint256 key => uint256)) public values;

    constructor(address forwarder) ERC2771Context(forwarder) {}

    function write(uint256 key) external {
        values[_msgSender()][key] = 1;
    }
}
