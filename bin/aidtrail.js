#!/usr/bin/env node
// The command line is TypeScript, like the gateway: it runs through tsx, a dependency.
import { register } from "tsx/esm/api";

register();
await import("../server/cli/main.ts");
