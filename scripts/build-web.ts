import { build } from "esbuild";

/**
 * The citizen's page as one minified module (dist/web/citizen.js): it is opened on phones over
 * slow rural connections, where each request costs a round trip of up to two seconds, so its
 * code, the kit's light part and @noble/hashes' SHA-256 travel together. Built offline from the
 * installed packages; the officers' pages load their modules as they are.
 */
await build({
  entryPoints: ["web/citizen.js"],
  outdir: "dist/web",
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  alias: { "aidtrail/verify/proofs": "./dist/verify/proofs.js" },
  logLevel: "warning",
});
