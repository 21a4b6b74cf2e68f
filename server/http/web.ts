import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import compression from "compression";
import express, { Router } from "express";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The officers' pages import the verification kit as built for the package (dist/verify), its
 * three dependencies, the QR code maker and the CSV reader straight from node_modules: the browser resolves the bare names with this
 * import map. The citizen's page loads one module built with its part of the kit
 * (scripts/build-web.ts, into dist/web). Nothing is fetched from the network.
 */
const IMPORT_MAP = JSON.stringify({
  imports: {
    ethers: "/web/vendor/ethers.js",
    canonicalize: "/web/vendor/canonicalize.js",
    "@noble/hashes/": "/web/vendor/noble-hashes/",
    uqr: "/web/vendor/uqr.js",
    "csv-parse/browser/esm/sync": "/web/vendor/csv-parse.js",
    "aidtrail/verify": "/web/kit/index.js",
    "aidtrail/verify/proofs": "/web/kit/proofs.js",
  },
});

/** The Content-Security-Policy source that lets one inline script, and no other, run. */
const scriptSource = (script: string) => `'sha256-${createHash("sha256").update(script).digest("base64")}'`;

const PAGES = ["index", "citizen", "intake", "notices", "decisions", "auditor", "finance", "settlement", "equalization"] as const;

/**
 * The web pages for citizens, auditors, finance officers and supervisors, under /web, and the
 * inline scripts the Content-Security-Policy is to let run. The citizen's page comes in one
 * response, its style and its module (dist/web/citizen.js) inline: on a slow rural connection each
 * further request is a round trip of up to two seconds.
 */
export function webPages(): { router: Router; scriptSources: string[] } {
  const built = `${ROOT}dist/web/citizen.js`;
  if (!existsSync(built)) throw new Error(`${built} is missing: build the citizen's page with npm run build:web (npm ci does it)`);
  // A module script ends at the first "</script": none may occur inside it.
  const citizenScript = readFileSync(built, "utf8").replaceAll("</script", "<\\/script");
  const style = readFileSync(`${ROOT}web/style.css`, "utf8");
  const router = Router();
  // Compressed for the phones on slow connections that open the citizen's page: HTML, scripts and
  // styles are text that shrinks to a fraction.
  router.use("/web", compression());
  const pages = new Map(
    PAGES.map((name) => [
      `/web/${name === "index" ? "" : `${name}.html`}`,
      readFileSync(`${ROOT}web/${name}.html`, "utf8")
        .replace("__IMPORT_MAP__", IMPORT_MAP)
        .replace("__STYLE__", () => style)
        .replace("__CITIZEN_SCRIPT__", () => citizenScript),
    ]),
  );
  router.get("/", (_req, res) => res.redirect(302, "/web/"));
  router.get(["/web/", ...PAGES.filter((p) => p !== "index").map((p) => `/web/${p}.html`)], (req, res) => {
    res.type("html").send(pages.get(req.path));
  });
  const files = { immutable: false, index: false, fallthrough: false } as const;
  router.use("/web/kit", express.static(`${ROOT}dist/verify`, files));
  router.get("/web/vendor/ethers.js", (_req, res) => res.sendFile(`${ROOT}node_modules/ethers/dist/ethers.min.js`));
  router.get("/web/vendor/csv-parse.js", (_req, res) => res.sendFile(`${ROOT}node_modules/csv-parse/dist/esm/sync.js`));
  router.get("/web/vendor/uqr.js", (_req, res) => res.sendFile(`${ROOT}node_modules/uqr/dist/index.mjs`));
  router.get("/web/vendor/canonicalize.js", (_req, res) => res.sendFile(`${ROOT}node_modules/canonicalize/lib/canonicalize.js`));
  router.use("/web/vendor/noble-hashes", express.static(`${ROOT}node_modules/@noble/hashes`, files));
  router.use("/web", express.static(`${ROOT}web`, { index: false }));
  return { router, scriptSources: [scriptSource(IMPORT_MAP), scriptSource(citizenScript)] };
}
