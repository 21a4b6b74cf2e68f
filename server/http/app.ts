import express, { type ErrorRequestHandler } from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Router } from "express";
import { parseRecordJson } from "../records/parse.ts";
import { verifyRecord } from "../../kit/record-check.ts";
import { errorBody, RequestError, statusOf } from "./errors.ts";
import { toAidtrailError } from "../chain/ledger-error.ts";
import { openApiDocument } from "./openapi.ts";
import { verifyRequestSchema } from "./schemas.ts";
import { validate } from "./validate.ts";
import { idempotency, type IdempotencyOptions } from "./idempotency.ts";
import { operatorToken } from "./operator-token.ts";

export interface AppDependencies {
  /** What /readyz reports: each check's state, "ok" when it passes. */
  readiness: () => Promise<Record<string, string>>;
  /** What /readyz warns of without being unready (ledger steps that failed). */
  warnings?: () => Promise<Record<string, string>>;
  logger: Logger;
  maxBodyBytes: number;
  version: string;
  /** Where and how answers to requests with an Idempotency-Key are kept (see idempotency). */
  idempotency?: IdempotencyOptions;
  /** Feature routers, mounted under /v1. */
  routers?: Router[];
  /** The web pages, mounted at the root, and the inline script sources their CSP must allow. */
  pages?: { router: Router; scriptSources: string[] };
  /** Figures of the gateway's own work, read when /metrics is asked for (see docs/gateway.md). */
  gauges?: { name: string; help: string; read: () => Promise<number> }[];
  /**
   * Express's `trust proxy`: which proxy in front (terminating TLS) may say the client's address
   * and protocol (X-Forwarded-For, X-Forwarded-Proto). None by default.
   */
  trustProxy?: string;
  /** The bearer token /metrics answers; without one, /metrics is off. */
  metricsToken?: string;
}

/**
 * Builds the gateway's HTTP app. It does not listen: the entry point does, so tests drive the
 * app in-process.
 */
export function createApp(deps: AppDependencies): express.Express {
  const app = express();
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: "aidtrail_http_requests_total", help: "HTTP requests by route and status", labelNames: ["route", "status"], registers: [registry] });
  const latency = new Histogram({ name: "aidtrail_http_request_seconds", help: "HTTP request latency by route", labelNames: ["route"], buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1, 5], registers: [registry] });
  for (const gauge of deps.gauges ?? []) {
    new Gauge({
      name: gauge.name,
      help: gauge.help,
      registers: [registry],
      async collect() {
        // A figure that cannot be read now (the chain down) is left out of this scrape, not reported as zero.
        const value = await gauge.read().catch(() => null);
        if (value !== null) this.set(value);
        else this.reset();
      },
    });
  }

  app.disable("x-powered-by");
  // Express's res.json finds the content type through MIME lookups and header parsing, turns the
  // text into a Buffer and writes it apart from the head, a cost that shows on a proof of a few
  // KiB. An answer here is the JSON text, ended in one write with its head.
  app.response.json = function json(this: express.Response, body: unknown) {
    if (!this.get("Content-Type")) this.setHeader("Content-Type", "application/json; charset=utf-8");
    this.end(JSON.stringify(body));
    return this;
  };
  // API answers are not cached by validators: an ETag would hash every body for nothing. (The web
  // pages' static files keep theirs: express.static sets its own.)
  app.set("etag", false);
  if (deps.trustProxy) app.set("trust proxy", deps.trustProxy);
  // Over plain HTTP (an office intranet without TLS), `upgrade-insecure-requests` would rewrite the
  // pages' own scripts and styles to https, which nothing serves: the pages would load dead. It is
  // sent only to requests that came over TLS.
  const securityHeaders = (overTls: boolean) =>
    helmet({ contentSecurityPolicy: { directives: { "script-src": ["'self'", ...(deps.pages?.scriptSources ?? [])], "upgrade-insecure-requests": overTls ? [] : null } } });
  const [overTls, plain] = [securityHeaders(true), securityHeaders(false)];
  app.use((req, res, next) => (req.secure ? overTls : plain)(req, res, next));
  app.use((req, res, next) => {
    const end = latency.startTimer();
    res.on("finish", () => {
      // An answer an error wrote has left its router, which restored the base URL: the feature
      // routers' mount point is then read from the URL asked for, so a route has one label.
      const base = req.baseUrl || (req.originalUrl.startsWith("/v1/") ? "/v1" : "");
      const route = req.route?.path ? `${base}${req.route.path}` : "unmatched";
      requests.inc({ route, status: res.statusCode });
      end({ route });
    });
    next();
  });
  // A body is JSON in UTF-8 or nothing: another type, or another charset (which the text parser
  // would otherwise decode, latin1 included), is refused before it is read.
  app.use((req, _res, next) => {
    if (req.headers["content-length"] === undefined ? req.headers["transfer-encoding"] === undefined : req.headers["content-length"] === "0") return next();
    const type = req.headers["content-type"] ?? "";
    // A document's content is its bytes (PUT /v1/cases/:caseId/documents/:sha256), read by that route alone.
    if (req.method === "PUT" && /^\/v1\/cases\/[^/]+\/documents\/[^/]+$/.test(req.path) && /^application\/octet-stream\s*$/i.test(type)) return next();
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1];
    if (!/^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i.test(type) || (charset !== undefined && !/^utf-?8$/i.test(charset))) {
      return next(new RequestError("REQUEST_ENCODING", `the request body must be JSON in UTF-8, not ${JSON.stringify(type.slice(0, 80)) || "of no stated type"}`, 415, { hint: "send Content-Type: application/json (charset=utf-8 or none)" }));
    }
    next();
  });
  // JSON bodies go through the strict record parser: a duplicate key is refused, not silently resolved.
  app.use(express.text({ type: ["application/json", "application/*+json"], limit: deps.maxBodyBytes }));
  app.use((req, _res, next) => {
    if (typeof req.body === "string") req.body = req.body.length === 0 ? undefined : parseRecordJson(req.body, deps.maxBodyBytes);
    next();
  });
  if (deps.idempotency) app.use(idempotency(deps.idempotency));

  app.get("/healthz", (_req, res) => {
    res.json({ status: "up" });
  });
  app.get("/readyz", async (_req, res) => {
    const [checks, warnings] = await Promise.all([deps.readiness(), deps.warnings?.() ?? {}]);
    const ready = Object.values(checks).every((state) => state === "ok");
    res.status(ready ? 200 : 503).json({ ready, checks, ...(Object.keys(warnings).length > 0 && { warnings }) });
  });
  // The gateway's figures are the operator's: they tell the load, the backlog and who fails, so only its scraper reads them.
  app.get("/metrics", operatorToken(deps.metricsToken, "METRICS", "AIDTRAIL_METRICS_TOKEN", "/metrics"), async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  app.get("/v1/openapi.json", (_req, res) => {
    res.json(openApiDocument(deps.version));
  });
  app.post("/v1/verify", validate(verifyRequestSchema), (req, res) => {
    res.json(verifyRecord(req.body));
  });
  for (const router of deps.routers ?? []) app.use("/v1", router);
  if (deps.pages) app.use(deps.pages.router);

  app.use((req, _res, next) => {
    next(new RequestError("ROUTE_NOT_FOUND", `there is no ${req.method} ${req.path}`, 404, { hint: "see /v1/openapi.json for the routes" }));
  });
  app.use(errorHandler(deps.logger));
  return app;
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const known = bodyParserError(error) ?? toAidtrailError(error);
    const status = statusOf(known);
    // Only the code and route are logged: requests may carry personal data, and so may stack traces.
    if (status >= 500) logger.error({ code: known.code, route: req.path, cause: (error as Error)?.name }, "request failed");
    res.status(status).json(errorBody(known));
  };
}

function bodyParserError(error: unknown): RequestError | null {
  const type = (error as { type?: string })?.type;
  if (type === "entity.too.large") {
    return new RequestError("REQUEST_TOO_LARGE", "the request body is over the gateway's limit", 413, { hint: "send documents as digests, not content" });
  }
  if (type === "encoding.unsupported" || type === "charset.unsupported") {
    return new RequestError("REQUEST_ENCODING", "the request body must be UTF-8 JSON", 415);
  }
  return null;
}
