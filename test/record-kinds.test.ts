import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RECORD_KINDS } from "../server/records/record.ts";
import { sourcesIn } from "./helpers/sources.ts";


describe("docs/records.md", () => {
  it("names every kind of record the gateway logs, and every type of document, complaint and feedback it writes, with who took the step", () => {
    const docs = readFileSync("docs/records.md", "utf8");
    const table = docs.slice(docs.indexOf("| record | the record's own field |"));
    const code = sourcesIn("server").map((file) => readFileSync(file, "utf8")).join("\n");
    // The types records are written with: `public: { type: "…" }`, an approver's step's, a citizen's feedback's.
    const types = new Set([
      ...[...code.matchAll(/public: \{ type: "([a-z-]+)"/g)].map(([, t]) => t!),
      ...[...code.matchAll(/approverStep\("\w+", "([a-z-]+)"\)/g)].map(([, t]) => t!),
      ...[...code.matchAll(/kind: z\.enum\(\[([^\]]+)\]\)/g)].flatMap(([, list]) => [...list!.matchAll(/"([a-z-]+)"/g)].map(([, t]) => t!)),
    ]);
    expect(types.size).toBeGreaterThan(10);
    const missing = [...RECORD_KINDS, ...types].filter((name) => !table.includes(`\`${name}\``) && !new RegExp(`^\\| ${name}\\b`, "m").test(table));
    expect(missing).toEqual([]);
  });
});
