// Worker entry: loads the TypeScript helper, registering tsx first unless this thread already
// runs with a TypeScript loader (e.g. inherited from `tsx` via execArgv). See worker.mjs.
try {
  await import("./csv-worker.ts");
} catch (e) {
  if (e?.code !== "ERR_UNKNOWN_FILE_EXTENSION") throw e;
  const { register } = await import("tsx/esm/api");
  register();
  await import("./csv-worker.ts?tsx");
}
