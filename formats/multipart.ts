/**
 * A multipart/form-data body read into its text fields and its files' bytes (the operator's
 * uploads: a round's live file, targets, the validation set). The parsing itself is the
 * platform's (`Response.formData`, the same parser Hono's `parseBody` uses); this module gives
 * it one shape the API's upload threads can send back without copying: each file's bytes own
 * their buffer.
 */
export interface MultipartForm {
  fields: Record<string, string>;
  files: Record<string, { name: string; type: string; bytes: Uint8Array }>;
}

/** A body that is not a readable multipart form (bad boundary, truncated parts). */
export class FormReadError extends Error {
  override readonly name = "FormReadError";
}

/** Parses `bytes` as the multipart form `contentType` (with its boundary) declares. */
export async function parseMultipart(
  bytes: Uint8Array,
  contentType: string,
): Promise<MultipartForm> {
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
  } catch (e) {
    throw new FormReadError(`Malformed multipart form: ${(e as Error).message}`);
  }
  const out: MultipartForm = { fields: Object.create(null), files: Object.create(null) };
  // A name given twice keeps its last value, as Hono's parseBody does.
  const last = new Map<string, string | File>();
  for (const [name, value] of form) last.set(name, value);
  for (const [name, value] of last) {
    if (typeof value === "string") out.fields[name] = value;
    else
      out.files[name] = {
        name: value.name,
        type: value.type,
        bytes: new Uint8Array(await value.arrayBuffer()),
      };
  }
  return out;
}
