import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { sourcesIn } from "./helpers/sources.ts";


/** The codes the source raises: as an error's first argument, a refusal's or a finding's code. */
function codesRaised(): Map<string, string> {
  const raised = new Map<string, string>();
  const patterns = [/(?:Error|[rR]efused|fail|missing|warn)\(\s*"([A-Z][A-Z0-9_]+)"/g, /\bcode: "([A-Z][A-Z0-9_]+)"/g];
  for (const file of sourcesIn("kit", "server", "cli", "demo")) {
    const text = readFileSync(file, "utf8");
    for (const pattern of patterns) for (const [, code] of text.matchAll(pattern)) if (!raised.has(code!)) raised.set(code!, file);
  }
  return raised;
}

describe("error codes", () => {
  it("are each explained in docs/errors.md, or among the ledger's refusals in docs/refusals.md", () => {
    const documented = readFileSync("docs/errors.md", "utf8") + readFileSync("docs/refusals.md", "utf8");
    const raised = codesRaised();
    expect(raised.size).toBeGreaterThan(100);
    const unexplained = [...raised].filter(([code]) => !documented.includes(`\`${code}\``)).map(([code, file]) => `${code} (${file})`);
    expect(unexplained).toEqual([]);
  });
});
