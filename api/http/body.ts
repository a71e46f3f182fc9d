import type { Context } from "hono";
import type { MultipartForm } from "../../formats/multipart";
import type { AppEnv } from "../context";
import { readForm } from "../domain/form";
import { DomainError } from "../errors";
import { tooLarge } from "../middleware/body-limit";

/**
 * Reads a request body up to the configured limit, answering 413 past it (the body-limit
 * middleware already stopped reading there; this is the route's own check). On Node that
 * middleware has read an upload route's body into a buffer of its own, handed on as it is: an
 * upload thread may take it (it moves there), so it is read once.
 */
export async function readBody(c: Context<AppEnv>): Promise<Uint8Array> {
  const limit = c.get("services").config.MAX_UPLOAD_BYTES;
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  const read = c.get("upload");
  const buf = read ?? new Uint8Array(await c.req.arrayBuffer());
  if (buf.byteLength > limit) throw tooLarge(limit);
  return buf;
}

/**
 * Reads one file field of a multipart form, with the same limit: the file's bytes and the
 * form's text fields. The form is parsed on an upload thread when the app has them (parsing a
 * 24 MB live file's form took the event loop's thread 300-700 ms), else here.
 */
export async function readFormFile(
  c: Context<AppEnv>,
  field: string,
): Promise<{ bytes: Uint8Array; form: MultipartForm["fields"] }> {
  const type = c.req.header("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) {
    throw new DomainError("unsupported_media_type", "Send a multipart/form-data form");
  }
  const body = await readBody(c);
  const offload = c.get("services").offload;
  const form = offload ? await offload.form(body, type) : await readForm(body, type);
  const file = form.files[field];
  if (!file) throw new DomainError("validation_failed", `Form needs a file field '${field}'`);
  return { bytes: file.bytes, form: form.fields };
}
