import { readdirSync } from "node:fs";
import { join } from "node:path";

/** Every TypeScript source file under `dirs` (declaration files aside), as paths from the repository's root: what the tests that read the code itself go through. */
export function sourcesIn(...dirs: string[]): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [join(dir, e.name)] : []));
  return dirs.flatMap(walk);
}
