import { pino, type Logger } from "pino";

/**
 * The gateway's structured log. Personal data must never reach it: the code logs ids and codes
 * only, and these paths are redacted as a second line of defence.
 */
export function createLogger(level = process.env.AIDTRAIL_LOG_LEVEL ?? "info"): Logger {
  return pino({
    level,
    redact: {
      paths: ["*.personal", "*.record", "*.residentId", "*.name", "*.phone", "*.address", "*.bankAccount", "req.headers.authorization"],
      censor: "[redacted]",
    },
  });
}
