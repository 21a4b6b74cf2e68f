/**
 * Writes docs/refusals.md: every LEDGER_* code with its plain words in Chinese and English, as the
 * API, the command line and the pages give them (server/chain/refusals.ts), each read with example
 * values. `npm run docs:refusals`; test/refusals.test.ts fails when the file is not what this writes.
 */
import { writeFileSync } from "node:fs";
import { refusalsDocument } from "../server/chain/refusals-doc.ts";

writeFileSync("docs/refusals.md", refusalsDocument());
console.log("wrote docs/refusals.md");
