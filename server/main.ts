/** The gateway's entry point: `npm run gateway`, configured by environment (docs/gateway.md, Configuration). */
import { loadConfig } from "./config.ts";
import { startGateway } from "./gateway.ts";
import { createLogger } from "./logger.ts";
import { AidtrailError } from "../kit/errors.ts";

const logger = createLogger();
try {
  const gateway = await startGateway(loadConfig(), logger);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      logger.info({ signal }, "stopping");
      gateway.close().then(() => process.exit(0), () => process.exit(1));
    });
  }
} catch (error) {
  if (error instanceof AidtrailError) {
    console.error(`aidtrail gateway: ${error.message}${error.hint ? `\n${error.hint}` : ""}`);
    process.exit(2);
  }
  throw error;
}
