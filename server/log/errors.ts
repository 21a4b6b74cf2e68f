import { AidtrailError } from "../../kit/errors.ts";

/** An append or lookup the log refuses; nothing was written. */
export class LogError extends AidtrailError {
  override name = "LogError";
}
