import { readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { sourcesIn } from "./helpers/sources.ts";

/**
 * The gateway's layers, lowest first: a module imports only from its own layer or those below.
 * The published kit (kit/, `aidtrail/verify`) stands on nothing; records, the ledger's vocabulary and small
 * utilities on it; chain access, the log and state on those; the machinery that keeps the gateway
 * and the chain in step (sync/: ledger actions, signed calls, the outbox, relayer, anchorer,
 * indexer, the log's audit) on those; the domain (cases, funds, audit) on
 * all of them; sign-in and HTTP, the edge, on the domain; the CLI, the demo and the composition
 * (gateway, main, config) at the top.
 */
const LAYERS: [name: string, members: (path: string) => boolean][] = [
  ["the kit", (p) => p.startsWith("../kit/")],
  ["records, the ledger's vocabulary, utilities", (p) => /^(records|util)\//.test(p) || p === "chain/domain.ts"],
  ["chain access, the log, state", (p) => /^(chain|log|state)\//.test(p)],
  ["machinery", (p) => p.startsWith("sync/")],
  ["the domain", (p) => /^(cases|funds|audit)\//.test(p)],
  ["sign-in and HTTP", (p) => /^(auth|http)\//.test(p)],
  ["the CLI, the demo, composition", (p) => /^\.\.\/(cli|demo)\//.test(p) || ["gateway.ts", "main.ts", "config.ts", "logger.ts"].includes(p)],
];

const layerOf = (path: string): number => {
  const layer = LAYERS.findIndex(([, members]) => members(path));
  if (layer === -1) throw new Error(`${path} (from server/) belongs to no layer: add it to LAYERS`);
  return layer;
};


/** The kit, the gateway's code, the command line and the demo. */
const CODE = ["kit", "server", "cli", "demo"];

/** Every import of a module of the code by another, static or dynamic, type-only included; paths as seen from server/. */
function imports(): { from: string; to: string }[] {
  return sourcesIn(...CODE).flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/(?:\bfrom|\bimport)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].flatMap(([, spec]) => {
      const target = normalize(join(dirname(file), spec!));
      return CODE.some((top) => target.startsWith(`${top}/`)) ? [{ from: relative("server", file), to: relative("server", target) }] : [];
    }),
  );
}

describe("the gateway's layers", () => {
  it("import only from their own layer or one below: the domain never from HTTP, chain access never from the composition", () => {
    const edges = imports();
    expect(edges.length).toBeGreaterThan(200);
    const upward = edges.filter(({ from, to }) => layerOf(from) < layerOf(to)).map(({ from, to }) => `${from} (${LAYERS[layerOf(from)]![0]}) imports ${to} (${LAYERS[layerOf(to)]![0]})`);
    expect(upward).toEqual([]);
  });

  it("would catch the imports this check was written against", () => {
    // The imports the layout had before this check: each is upward.
    for (const [from, to] of [
      ["cases/intake.ts", "http/errors.ts"],
      ["chain/client.ts", "config.ts"],
      ["sync/relayer.ts", "http/errors.ts"],
      ["cases/decisions.ts", "http/officers.ts"],
    ] as const) {
      expect(layerOf(from), `${from} → ${to}`).toBeLessThan(layerOf(to));
    }
  });

  it("spell the state's keys in one module: no other names a prefix of its LevelDB", () => {
    const prefixes = /["`](?:case|decision|run|payment-file|outbox|pending|failed|sent|idem|log|ix):/;
    const spelled = sourcesIn(...CODE)
      .filter((file) => file !== join("server", "state", "keys.ts"))
      .flatMap((file) => readFileSync(file, "utf8").split("\n").flatMap((line, i) => (prefixes.test(line) && !/^\s*(\*|\/\/|\/\*)/.test(line) ? [`${file}:${i + 1}`] : [])));
    expect(spelled).toEqual([]);
  });
});
