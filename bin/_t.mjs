const t0 = performance.now();
import { register } from "tsx/esm/api";
register();
const t1 = performance.now();
process.on("exit", () => console.error("tsx", t1 - t0, "rest", performance.now() - t1, "uptime", process.uptime()*1000));
await import("../cli/main.ts");
