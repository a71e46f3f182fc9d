import { FormReadError, type MultipartForm, parseMultipart } from "../../formats/multipart";
import { DomainError } from "../errors";

/**
 * An operator's multipart upload read into its fields and files; a body the platform's parser
 * refuses is 400 `bad_request`, as Hono answers it. The upload threads run it (`Offload.form`);
 * without them (Workers, tests) the route runs it in place.
 */
export async function readForm(bytes: Uint8Array, contentType: string): Promise<MultipartForm> {
  try {
    return await parseMultipart(bytes, contentType);
  } catch (e) {
    if (e instanceof FormReadError) throw new DomainError("bad_request", e.message);
    throw e;
  }
}
