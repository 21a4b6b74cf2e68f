import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { createServer, request as forward, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The local demo chain keeps its state in memory. To let a second `npm start` find the chain as
 * the first left it, every transaction that reaches the chain is journaled (the raw signed
 * transaction and its block's time) as it is mined, and replayed into a fresh chain at start:
 * the same signed transactions in the same order at the same times give the same state.
 */
export interface JournalEntry {
  raw: string;
  timestamp: number;
}

export function readJournal(path: string): JournalEntry[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as JournalEntry);
}

interface RpcRequest {
  id?: unknown;
  method: string;
  params?: unknown[];
}

async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** Replays a journal into a fresh chain at `url`; throws, naming the entry, if the chain refuses one. */
export async function replayJournal(url: string, entries: JournalEntry[]): Promise<void> {
  for (const [i, entry] of entries.entries()) {
    try {
      await rpc(url, "evm_setNextBlockTimestamp", [entry.timestamp]);
      await rpc(url, "eth_sendRawTransaction", [entry.raw]);
    } catch (error) {
      throw new Error(`transaction ${i + 1} of ${entries.length} of the chain journal cannot be replayed: ${(error as Error).message}`);
    }
  }
}

/** A JSON-RPC proxy in front of the chain at `upstream` that journals every mined transaction to `path`. */
export async function journalingProxy(upstream: string, path: string, host: string, port: number): Promise<{ url: string; server: Server }> {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const upstreamRequest = forward(
        { host: target.hostname, port: target.port, path: target.pathname, method: req.method, headers: { ...req.headers, "content-length": body.length } },
        (reply) => {
          const replyChunks: Buffer[] = [];
          reply.on("data", (c: Buffer) => replyChunks.push(c));
          reply.on("end", async () => {
            const replyBody = Buffer.concat(replyChunks);
            try {
              await journal(body, replyBody);
            } catch {
              // A request or answer that is not JSON-RPC carries no transaction to journal.
            }
            res.writeHead(reply.statusCode ?? 502, reply.headers);
            res.end(replyBody);
          });
        },
      );
      upstreamRequest.on("error", () => res.destroy());
      upstreamRequest.end(body);
    });
  });

  async function journal(requestBody: Buffer, replyBody: Buffer): Promise<void> {
    const requests = ([] as RpcRequest[]).concat(JSON.parse(requestBody.toString()));
    const replies = ([] as { id?: unknown; result?: unknown }[]).concat(JSON.parse(replyBody.toString()));
    for (const request of requests.filter((r) => r.method === "eth_sendRawTransaction")) {
      const reply = replies.find((r) => r.id === request.id);
      if (typeof reply?.result !== "string") continue;
      const receipt = (await rpc(upstream, "eth_getTransactionReceipt", [reply.result])) as { blockNumber: string } | null;
      if (!receipt) continue;
      const block = (await rpc(upstream, "eth_getBlockByNumber", [receipt.blockNumber, false])) as { timestamp: string };
      appendFileSync(path, JSON.stringify({ raw: request.params![0], timestamp: Number(block.timestamp) }) + "\n");
    }
  }

  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return { url: `http://${host}:${(server.address() as AddressInfo).port}`, server };
}
