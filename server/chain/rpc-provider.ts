import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { JsonRpcProvider, type JsonRpcPayload, type JsonRpcResult } from "ethers";

/**
 * ethers' JSON-RPC provider, its requests made with Node's own HTTP client on kept-alive
 * connections. ethers converts every body in JavaScript, which under intake load (each intake a
 * role check and a dry run, and the indexer's logs) is much of the gateway's time, and gathers a
 * response by copying all it has so far for every chunk, which the indexer's eth_getLogs
 * answers, megabytes under load, pay for in full (docs/performance.md).
 */
export class NodeJsonRpcProvider extends JsonRpcProvider {
  readonly #agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const connection = this._getConnection();
    const url = new URL(connection.url);
    const secure = url.protocol === "https:";
    const body = Buffer.from(JSON.stringify(payload));
    const text = await new Promise<string>((resolve, reject) => {
      const answered = (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(Buffer.concat(chunks).toString("utf8"));
          else reject(new Error(`${url.origin} answered HTTP ${status} ${response.statusMessage ?? ""}`.trim()));
        });
      };
      const options = {
        method: "POST",
        agent: secure ? this.#agents.https : this.#agents.http,
        headers: { ...connection.headers, "content-type": "application/json", "content-length": body.length },
        timeout: connection.timeout,
      };
      const request = secure ? httpsRequest(url, options, answered) : httpRequest(url, options, answered);
      request.on("timeout", () => request.destroy(new Error(`${url.origin} did not answer within ${connection.timeout / 1000} s`)));
      request.on("error", reject);
      request.end(body);
    });
    const parsed: unknown = JSON.parse(text);
    return (Array.isArray(parsed) ? parsed : [parsed]) as JsonRpcResult[];
  }

  override destroy(): void {
    super.destroy();
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }
}
