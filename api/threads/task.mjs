// Thread entry (piscina): the TypeScript task, registering tsx first unless this thread already
// runs with a TypeScript loader (inherited from `tsx` via execArgv).
import { setPriority } from "node:os";

// Heavy uploads yield the CPU to the event loop: on Linux a thread's nice value is its own, so
// this lowers only this worker thread (elsewhere it may apply to the process, or be refused).
try {
  if (process.platform === "linux") setPriority(10);
} catch {
  // Not permitted here: the thread keeps the process's priority.
}
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
