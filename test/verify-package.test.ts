import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fenOf, recordHash as serverRecordHash, SUITES, yuan } from "../kit/index.ts";

/** Imports `aidtrail/verify` the way another project would: plain Node ESM resolution of the package exports. */
function fromPackage(script: string): string {
  return execFileSync(process.execPath, ["--input-type=module", "-e", `import * as kit from "aidtrail/verify"; ${script}`], { encoding: "utf8" });
}

describe("aidtrail/verify", () => {
  it("exports exactly its public surface (changes to it are deliberate)", () => {
    expect(JSON.parse(fromPackage("console.log(JSON.stringify(Object.keys(kit).sort()))"))).toEqual([
      "APPLICATION_TYPES",
      "AidtrailError",
      "BUNDLE_FORMAT",
      "DECISION_TYPES",
      "PROGRAMME_NAMES",
      "ProofRangeError",
      "RECORD_FORMAT",
      "RECORD_NAMES",
      "RecordFormatError",
      "STAGE_LIMITS_DAYS",
      "STATUS_NAMES",
      "STEP_NAMES",
      "SUITES",
      "buildConsistencyPath",
      "buildInclusionPath",
      "canonicalize",
      "checkBundle",
      "checkCharacter",
      "checkpointText",
      "consistencyProof",
      "consistencyRanges",
      "decisionDomain",
      "disclosureMismatches",
      "emptyRoot",
      "equalBytes",
      "equalization",
      "fenOf",
      "fieldCommitment",
      "fieldSalt",
      "inclusionProof",
      "inclusionRanges",
      "leafHash",
      "loggedRecord",
      "memoryRangeHasher",
      "nodeHash",
      "perfectParts",
      "readResidentId",
      "recordHash",
      "recordLeaf",
      "rootFromInclusionProof",
      "rootHash",
      "rootsOverRange",
      "splitPoint",
      "stageTimings",
      "verifyCheckpointSignature",
      "verifyConsistency",
      "verifyInclusion",
      "verifyRecord",
      "yuan",
    ]);
  });

  it("writes amounts in yuan exactly, for every amount the ledger stores: the pages, the CLI and the gateway's refusals share it", () => {
    expect([0n, 5n, 120000n, 123456789n, -250n].map((fen) => yuan(fen))).toEqual(["0.00", "0.05", "1,200.00", "1,234,567.89", "-2.50"]);
    // The largest uint64 amount: a Number divided by 100 would round it.
    expect(yuan(2n ** 64n - 1n)).toBe("184,467,440,737,095,516.15");
    expect(yuan("120000")).toBe(yuan(120000));
    // And back, as a person types it or a bank writes it.
    expect(["950", "950.5", "1,234.56", " 0.05 ", "９５０．５", "1，000"].map(fenOf)).toEqual(["95000", "95050", "123456", "5", "95050", "100000"]);
    expect(["-1", "1.234", "12a", "", "1234567890123456"].map(fenOf)).toEqual([null, null, null, null, null]);
  });

  it.each(SUITES)("hashes a record of the %s suite as the gateway does, its personal fields committed, with Node's hashes and with a browser's", (suite) => {
    const record = { format: 2, suite, recordId: "r" + "0".repeat(32), revision: 0, kind: "application", caseId: null, jurisdiction: "440105001000", createdAt: "2026-12-07T00:00:00.000Z", salt: "ab".repeat(16), public: { b: [1, "二"], a: { z: null, y: 1e21 } }, personal: { name: "王小明", address: "北京市朝阳区建国路1号院2号楼3单元401".repeat(3) } } as const;
    const hashing = `process.stdout.write(Buffer.from(kit.recordHash(${JSON.stringify(record)})).toString("hex"))`;
    const expected = Buffer.from(serverRecordHash(record)).toString("hex");
    expect(fromPackage(hashing)).toBe(expected);
    // Without node:crypto, as in a browser: the kit's JavaScript SHA-256, SM3 and HMAC-SM3.
    const inBrowser = execFileSync(process.execPath, ["--input-type=module", "-e", `process.getBuiltinModule = undefined; const kit = await import("aidtrail/verify"); ${hashing}`], { encoding: "utf8" });
    expect(inBrowser).toBe(expected);
  });

  it("uses no Node-only API, so it runs in a browser", () => {
    const dir = new URL("../dist/verify/", import.meta.url);
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".js"))) {
      const source = readFileSync(new URL(file, dir), "utf8");
      expect(source, file).not.toMatch(/from "node:|require\(|\bBuffer\b|\bprocess\./);
    }
  });

  it("publishes its proof-checking part apart, aidtrail/verify/proofs, which loads no ethers: what the citizen's page needs", () => {
    const proofs = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", 'import * as p from "aidtrail/verify/proofs"; console.log(JSON.stringify(Object.keys(p).sort()))'], { encoding: "utf8" }));
    expect(proofs).toEqual(["canonicalize", "equalBytes", "recordHash", "rootFromInclusionProof", "yuan"]);
    // Its whole module graph, followed through the built files: no module of it imports ethers.
    const dir = new URL("../dist/verify/", import.meta.url);
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(new URL(file, dir), "utf8");
      expect(source, file).not.toMatch(/from "ethers"/);
      for (const [, next] of source.matchAll(/from "\.\/([^"]+)"/g)) visit(next!);
    };
    visit("proofs.js");
    expect([...seen].sort()).toEqual(["amounts.js", "canonical.js", "errors.js", "hash.js", "proof-check.js", "proofs.js", "record.js", "sm3.js"]);
    expect(fromPackage(`import("aidtrail/verify/proofs").then((p) => process.stdout.write(String(p.recordHash === kit.recordHash)))`)).toBe("true");
  });
});
