import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { createServer, request as forward, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The local demo chain keeps its state in memory. To let a second `npm start` find the chain as
 * the first left it, exactly as it was (the same blocks, hashes and events), every block is
 * journaled as it is mined: the genesis block's time first, then each block a transaction made
 * (the raw signed transaction and its block's time) and each empty block `evm_mine` made (a
 * moved clock's time included). Replayed into a fresh chain started at the genesis time, the same
 * transactions in the same blocks at the same times give the same chain.
 */
export type JournalEntry = { genesis: number } | { raw: string; timestamp: number } | { mined: true; timestamp: number };

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

/** When the journal's chain began, in seconds: the time a fresh chain must start at to replay it. */
export function genesisOf(entries: JournalEntry[]): number | null {
  const first = entries[0];
  return first && "genesis" in first ? first.genesis : null;
}

/** Replays a journal into a fresh chain at `url`, block by block; throws, naming the entry, if the chain refuses one. */
export async function replayJournal(url: string, entries: JournalEntry[]): Promise<void> {
  for (const [i, entry] of entries.entries()) {
    if ("genesis" in entry) continue;
    try {
      await rpc(url, "evm_setNextBlockTimestamp", [entry.timestamp]);
      if ("raw" in entry) await rpc(url, "eth_sendRawTransaction", [entry.raw]);
      else await rpc(url, "evm_mine", []);
    } catch (error) {
      throw new Error(`block ${i} of ${entries.length - 1} of the chain journal cannot be replayed: ${(error as Error).message}`);
    }
  }
}

/** Starts a journal at `path` with the genesis block's time of the chain at `url`. */
export async function beginJournal(url: string, path: string): Promise<void> {
  const genesis = (await rpc(url, "eth_getBlockByNumber", ["0x0", false])) as { timestamp: string };
  appendFileSync(path, JSON.stringify({ genesis: Number(genesis.timestamp) } satisfies JournalEntry) + "\n");
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
    const replies = ([] as { id?: unknown; result?: unknown; error?: unknown }[]).concat(JSON.parse(replyBody.toString()));
    for (const request of requests) {
      const reply = replies.find((r) => r.id === request.id);
      if (!reply || reply.error !== undefined) continue;
      if (request.method === "eth_sendRawTransaction" && typeof reply.result === "string") {
        const receipt = (await rpc(upstream, "eth_getTransactionReceipt", [reply.result])) as { blockNumber: string } | null;
        if (!receipt) continue;
        const block = (await rpc(upstream, "eth_getBlockByNumber", [receipt.blockNumber, false])) as { timestamp: string };
        appendFileSync(path, JSON.stringify({ raw: request.params![0] as string, timestamp: Number(block.timestamp) } satisfies JournalEntry) + "\n");
      } else if (request.method === "evm_mine") {
        // An empty block, at the time the moved clock gave it.
        const block = (await rpc(upstream, "eth_getBlockByNumber", ["latest", false])) as { timestamp: string };
        appendFileSync(path, JSON.stringify({ mined: true, timestamp: Number(block.timestamp) } satisfies JournalEntry) + "\n");
      }
    }
  }

  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return { url: `http://${host}:${(server.address() as AddressInfo).port}`, server };
}
