import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RECORD_KINDS } from "../server/records/record.ts";
import { RECORD_SHAPES } from "../server/records/kinds/index.ts";
import { shaped } from "../server/records/kinds/shape.ts";
import { PAYOUT_REVERSAL } from "../server/records/kinds/documents.ts";
import { RecordFormatError } from "../kit/errors.ts";
import { RECORD_NAMES } from "../kit/names.ts";
import { sourcesIn } from "./helpers/sources.ts";

const docs = readFileSync("docs/records.md", "utf8");
/** The rows of the table that starts with `header`, as cells. */
const rows = (header: string) => {
  const table = docs.slice(docs.indexOf(header)).split("\n\n")[0]!.split("\n").slice(2);
  return table.map((row) => row.split(" | ").map((cell) => cell.replace(/^\| |\|$/g, "").trim()));
};
/** The field names a cell gives: its back-quoted identifiers. */
const fieldsIn = (cell: string) => [...new Set([...cell.matchAll(/`([A-Za-z]+)`/g)].map(([, name]) => name!))].sort();
const names = (shape: { kind: string; type?: string }) => (row: string[]) => (shape.type ? row[0]!.startsWith(shape.kind) && row[0]!.includes(`\`${shape.type}\``) : row[0] === shape.kind);

describe("record kinds", () => {
  it("are each declared by a shape, one module per kind (server/records/kinds/)", () => {
    expect(RECORD_KINDS.filter((kind) => !RECORD_SHAPES.some((shape) => shape.kind === kind))).toEqual([]);
  });

  it("have exactly the fields docs/records.md says, plain and sealed", () => {
    const stored = rows("| record | plain (`public`) | sealed (`personal`) |");
    for (const shape of RECORD_SHAPES) {
      const row = stored.find(names(shape));
      expect(row, `${shape.kind} ${shape.type ?? ""}`).toBeDefined();
      expect([fieldsIn(row![1]!), fieldsIn(row![2]!)], `${shape.kind} ${shape.type ?? ""}`).toEqual([[...shape.public].sort(), [...shape.personal].sort()]);
    }
  });

  it("each have a name in Chinese and English for the pages (RECORD_NAMES in the kit)", () => {
    expect(RECORD_SHAPES.map((shape) => shape.type ?? shape.kind).filter((name) => !(name in RECORD_NAMES))).toEqual([]);
  });

  it("each say in docs/records.md who took the step they are evidence of", () => {
    const actors = rows("| record | the record's own field |");
    const missing = RECORD_SHAPES.filter((shape) => !actors.some((row) => row[0]!.includes(shape.kind) && (!shape.type || row[0]!.includes(`\`${shape.type}\``))));
    expect(missing).toEqual([]);
  });

  it("are built only by their kind's module: no other module of the gateway writes a record's kind", () => {
    const written = sourcesIn("server", "cli", "demo")
      .filter((file) => !file.startsWith("server/records/"))
      // A citizen's feedback request names its kind ("complaint"), which is the request's, not a record's.
      .flatMap((file) => readFileSync(file, "utf8").split("\n").flatMap((line, i) => (/\bkind: "(?:application|document|decision|payment-file|settlement|complaint|feedback|access-log)"/.test(line) && !line.includes("/v1/citizen/feedback") ? [`${file}:${i + 1}`] : [])));
    expect(written).toEqual([]);
  });

  it("refuse a field their shape does not declare, so a personal field cannot reach a record's plain part unnoticed", () => {
    const build = () => shaped(PAYOUT_REVERSAL, { jurisdiction: "440105000000" }, { public: { period: 202601, reason: "account closed" } });
    expect(build).toThrow(RecordFormatError);
    expect(build).toThrow(expect.objectContaining({ code: "RECORD_FIELD_UNDECLARED", details: expect.objectContaining({ field: "public.reason" }) }));
  });
});
