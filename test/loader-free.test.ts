import { readFileSync } from "node:fs";
import { stripTypeScriptTypes } from "node:module";
import { describe, expect, it } from "vitest";
import { sourcesIn } from "./helpers/sources.ts";


describe("the gateway and the command line run under Node as they are", () => {
  it("hold erasable TypeScript only: no enum, namespace or parameter property, which Node's type stripping refuses", () => {
    const refused: string[] = [];
    for (const file of sourcesIn("kit", "server", "cli", "demo", "scripts")) {
      try {
        stripTypeScriptTypes(readFileSync(file, "utf8"));
      } catch (error) {
        refused.push(`${file}: ${(error as Error).message.split("\n")[0]}`);
      }
    }
    expect(refused).toEqual([]);
    expect(() => stripTypeScriptTypes("class A { constructor(private readonly x: number) {} }")).toThrow();
  });

  it("need no loader at run time: tsx is a development dependency only, and every script runs with node", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string>; scripts: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).not.toContain("tsx");
    for (const name of ["start", "gateway", "demo:advance"]) expect(pkg.scripts[name], name).toMatch(/^node /);
    expect(readFileSync("bin/aidtrail.js", "utf8")).not.toMatch(/tsx/);
  });
});
