// Worker entry: loads the TypeScript worker, registering tsx first unless this thread already
// runs with a TypeScript loader (e.g. inherited from `tsx` via execArgv).
try {
  await import("./worker.ts");
} catch (e) {
  if (e?.code !== "ERR_UNKNOWN_FILE_EXTENSION") throw e;
  const { register } = await import("tsx/esm/api");
  register();
  // A new URL: the failed import above stays cached under the plain one.
  await import("./worker.ts?tsx");
}
