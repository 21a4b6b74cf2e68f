#!/usr/bin/env node
// The command line is TypeScript of erasable syntax only, which Node 24 runs as it is. Its
// compiled code, type-stripping included, is cached between runs (in the system's temporary
// folder): a command's help answers about as fast as a plain script's.
import { enableCompileCache } from "node:module";

enableCompileCache();
await import("../cli/main.ts");
