import { createRequire } from "node:module";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatTypechain from "@nomicfoundation/hardhat-typechain";
import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

/**
 * Berlin is the newest fork that Hyperledger Besu's QBFT example genesis enables
 * (`"berlinBlock": 0`, no later milestones), so bytecode must not use PUSH0 (Shanghai),
 * MCOPY or transient storage (Cancun). The simulated network runs the same fork so that
 * gas figures are those the permissioned chain will charge.
 */
export const EVM_VERSION = "berlin";

const simulatedChain = {
  type: "edr-simulated",
  chainType: "l1",
  hardfork: EVM_VERSION,
  allowBlocksWithSameTimestamp: true,
} as const;

export default defineConfig({
  plugins: [hardhatEthers, hardhatTypechain],
  solidity: {
    version: "0.8.30",
    // The solc npm package ships the compiler as WebAssembly, so builds need no download.
    path: require.resolve("solc/soljson.js"),
    settings: {
      evmVersion: EVM_VERSION,
      optimizer: { enabled: true, runs: 10_000 },
      viaIR: true,
    },
  },
  paths: {
    tests: { solidity: "test/solidity" },
  },
  // `default` is the network `network.create()` gives the tests and scripts; `hardhat` the one
  // `network.create("hardhat")` and `hardhat node` give. Both are the permissioned chain's fork:
  // until `default` was set here the tests ran on Hardhat's own default, Osaka, whose 16,777,216
  // gas cap on a transaction Besu does not have.
  networks: {
    default: simulatedChain,
    hardhat: simulatedChain,
  },
  test: {
    solidity: {
      fuzz: { runs: 256 },
      invariant: { runs: 64, depth: 32, failOnRevert: false },
    },
  },
  typechain: {
    outDir: "types/ethers-contracts",
  },
});
