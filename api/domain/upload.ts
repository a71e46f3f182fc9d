/**
 * A file an action reads: its bytes, or a reader the action calls only once its cheaper checks
 * (the round, the model) have passed, so those refusals come first and cost no upload. Routes
 * pass the request body's reader; the CLI's dev stack, tests and benches pass bytes.
 */
export type Upload = Uint8Array | (() => Promise<Uint8Array>);

export const readUpload = (u: Upload): Promise<Uint8Array> =>
  u instanceof Uint8Array ? Promise.resolve(u) : u();
