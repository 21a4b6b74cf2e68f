/**
 * Hardhat's simulated chain as a process of its own, serving JSON-RPC on a free loopback port: the
 * benchmark's chain, as `npm start`'s is, so that its work is not done on the load generator's
 * thread. Prints `{"rpcUrl": ...}` once it listens; ends on SIGTERM.
 *
 * The simulator (EDR) is served through the small HTTP front end below rather than Hardhat's own
 * (`network.createServer`): Hardhat 3.0's reads a request body by pushing it into an array one byte
 * at a time, which for the requests a batch of applications makes (its dry run, then its
 * transaction) spent the chain's CPU in a loop that a permissioned chain's node (Besu's, in Java)
 * does not have, on the cores the gateway is measured on (docs/performance.md).
 */
import { createServer } from "node:http";
import { network } from "hardhat";

const { provider } = await network.create("hardhat");

interface JsonRpcRequest {
  id?: number | string | null;
  method: string;
  params?: unknown[];
}

/** The node's answer to one request; errors as Hardhat's node gives them (a revert as code 3 with its return data, which ethers decodes). */
async function answer(request: JsonRpcRequest) {
  const id = request?.id ?? null;
  if (typeof request?.method !== "string") return { jsonrpc: "2.0", id, error: { code: -32600, message: "Invalid request" } };
  try {
    return { jsonrpc: "2.0", id, result: await provider.request({ method: request.method, params: request.params ?? [] }) };
  } catch (caught) {
    const error = caught as { code?: unknown; message: string; data?: unknown };
    const code = typeof error.code === "number" ? error.code : -32603;
    const nested = error.data as { data?: unknown; transactionHash?: unknown } | undefined;
    const returnData = typeof error.data === "string" ? error.data : typeof nested?.data === "string" ? nested.data : undefined;
    return { jsonrpc: "2.0", id, error: { code, message: error.message, data: code === 3 ? returnData : { message: error.message, txHash: nested?.transactionHash, data: returnData } } };
  }
}

const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let body: JsonRpcRequest | JsonRpcRequest[];
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (error) {
    res.setHeader("content-type", "application/json").end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: `Parse error: ${(error as Error).message}` } }));
    return;
  }
  const result = Array.isArray(body) ? await Promise.all(body.map(answer)) : await answer(body);
  res.setHeader("content-type", "application/json").end(JSON.stringify(result));
});
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ rpcUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
process.on("SIGTERM", () => process.exit(0));
