import type { Context } from "hono";
import type { AppEnv } from "../context";
import { DomainError } from "../errors";
import { tooLarge } from "../middleware/body-limit";

/**
 * Reads a request body up to the configured limit, answering 413 past it (the body-limit
 * middleware already stopped reading there; this is the route's own check).
 */
export async function readBody(c: Context<AppEnv>): Promise<Uint8Array> {
  const limit = c.get("services").config.MAX_UPLOAD_BYTES;
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  const buf = new Uint8Array(await c.req.arrayBuffer());
  if (buf.byteLength > limit) throw tooLarge(limit);
  return buf;
}

/** Reads one file field of a multipart form, with the same limit. */
export async function readFormFile(
  c: Context<AppEnv>,
  field: string,
): Promise<{ bytes: Uint8Array; form: Record<string, string | File> }> {
  const limit = c.get("services").config.MAX_UPLOAD_BYTES;
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  const type = c.req.header("content-type") ?? "";
  if (!type.startsWith("multipart/form-data")) {
    throw new DomainError("unsupported_media_type", "Send a multipart/form-data form");
  }
  const form = (await c.req.parseBody()) as Record<string, string | File>;
  const file = form[field];
  if (!(file instanceof File))
    throw new DomainError("validation_failed", `Form needs a file field '${field}'`);
  if (file.size > limit) throw tooLarge(limit);
  return { bytes: new Uint8Array(await file.arrayBuffer()), form };
}
