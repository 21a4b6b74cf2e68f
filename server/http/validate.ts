import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { z } from "zod";
import { RequestError } from "./errors.ts";

/** Validates the body against `schema` (no body is an empty object); the first problem becomes a 400 naming its field. */
export function validate(schema: z.ZodType): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const parsed = schema.safeParse(req.body ?? {});
    if (parsed.success) {
      req.body = parsed.data;
      return next();
    }
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "body";
    next(new RequestError("REQUEST_INVALID", `${field} ${issue.message}`, 400, { field, hint: "see /v1/openapi.json for the request schema" }));
  };
}
