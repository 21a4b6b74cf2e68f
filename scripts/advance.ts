/**
 * Demo only: moves the demo chain's clock on by some days and mines a block, as the passing of a
 * public notice or of a month would, through the demo's journaling endpoint so that a restart
 * replays it. `npm run demo:advance -- 8`. A real chain's clock is nobody's to move.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { JsonRpcProvider } from "ethers";
import { periodAt } from "../server/funds/periods.ts";

const days = Number(process.argv[2] ?? "8");
if (!(Number.isInteger(days) && days > 0 && days <= 400)) {
  console.error("aidtrail demo: give the days to move the clock on, a whole number from 1 to 400 (npm run demo:advance -- 8)");
  process.exit(2);
}
const demoPath = join(process.env.AIDTRAIL_DATA ?? ".aidtrail", "demo.json");
const { rpcUrl } = JSON.parse(readFileSync(demoPath, "utf8")) as { rpcUrl: string };
const chain = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
await chain.send("evm_increaseTime", [days * 24 * 3600]);
await chain.send("evm_mine", []);
const now = (await chain.getBlock("latest"))!.timestamp;
console.log(`the demo's clock is now ${new Date(now * 1000).toISOString()}, month ${periodAt(now)} (China Standard Time)`);
chain.destroy();
