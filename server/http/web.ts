import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import express, { Router } from "express";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The pages import the verification kit as built for the package (dist/verify) and its three
 * dependencies straight from node_modules: the browser resolves the bare names with this import
 * map, so nothing is bundled and nothing is fetched from the network.
 */
const IMPORT_MAP = JSON.stringify({
  imports: {
    ethers: "/web/vendor/ethers.js",
    canonicalize: "/web/vendor/canonicalize.js",
    "@noble/hashes/": "/web/vendor/noble-hashes/",
    "aidtrail/verify": "/web/kit/index.js",
    "aidtrail/verify/proofs": "/web/kit/proofs.js",
  },
});

/** The Content-Security-Policy source that lets the inline import map, and no other inline script, run. */
export const IMPORT_MAP_SOURCE = `'sha256-${createHash("sha256").update(IMPORT_MAP).digest("base64")}'`;

const PAGES = ["index", "citizen", "auditor", "finance", "equalization"] as const;

/** The web pages for citizens, auditors, finance officers and supervisors, under /web. */
export function webRouter(): Router {
  const router = Router();
  const pages = new Map(PAGES.map((name) => [`/web/${name === "index" ? "" : `${name}.html`}`, readFileSync(`${ROOT}web/${name}.html`, "utf8").replace("__IMPORT_MAP__", IMPORT_MAP)]));
  router.get("/", (_req, res) => res.redirect(302, "/web/"));
  router.get(["/web/", ...PAGES.filter((p) => p !== "index").map((p) => `/web/${p}.html`)], (req, res) => {
    res.type("html").send(pages.get(req.path));
  });
  const files = { immutable: false, index: false, fallthrough: false } as const;
  router.use("/web/kit", express.static(`${ROOT}dist/verify`, files));
  router.get("/web/vendor/ethers.js", (_req, res) => res.sendFile(`${ROOT}node_modules/ethers/dist/ethers.min.js`));
  router.get("/web/vendor/canonicalize.js", (_req, res) => res.sendFile(`${ROOT}node_modules/canonicalize/lib/canonicalize.js`));
  router.use("/web/vendor/noble-hashes", express.static(`${ROOT}node_modules/@noble/hashes`, files));
  router.use("/web", express.static(`${ROOT}web`, { index: false }));
  return router;
}
