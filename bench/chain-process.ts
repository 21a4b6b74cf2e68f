/**
 * Hardhat's simulated chain as a process of its own, serving JSON-RPC on a free loopback port: the
 * benchmark's chain, as `npm start`'s is, so that its work is not done on the load generator's
 * thread. Prints `{"rpcUrl": ...}` once it listens; ends on SIGTERM.
 */
import { network } from "hardhat";

const server = await network.createServer("hardhat", "127.0.0.1", 0);
const { port } = await server.listen();
console.log(JSON.stringify({ rpcUrl: `http://127.0.0.1:${port}` }));
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
