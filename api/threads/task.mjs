// Thread entry (piscina): the TypeScript task, registering tsx first unless this thread already
// runs with a TypeScript loader (inherited from `tsx` via execArgv).
let mod;
try {
  mod = await import("./task.ts");
} catch (e) {
  if (e?.code !== "ERR_UNKNOWN_FILE_EXTENSION") throw e;
  const { register } = await import("tsx/esm/api");
  register();
  // A new URL: the failed import above stays cached under the plain one.
  mod = await import("./task.ts?tsx");
}
export default mod.default;
