import { hexlify, randomBytes } from "ethers";
import { Programme, Stage } from "../server/chain/domain.ts";
import { buildWorld, DAY, J } from "../test/helpers/world.ts";
const w = await buildWorld();
const ids = Array.from({ length: 100 }, () => hexlify(randomBytes(32)));
const ids2 = Array.from({ length: 200 }, () => hexlify(randomBytes(32)));
const a = await w.contracts.cases.payoutTermsBatch.estimateGas(ids);
const b = await w.contracts.cases.payoutTermsBatch.estimateGas(ids2);
console.log("payoutTermsBatch per id", (Number(b) - Number(a)) / 100);
