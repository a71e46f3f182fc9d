// The well-behaved client of `npm run bench:abuse`, on its own thread: keep-alive, one
// `GET /v1/rounds/current` every `everyMs` from its own loopback address; posts each reply's
// status and latency (measured here, so the attacker's thread never delays it) to the parent.
import { Agent, request } from "node:http";
import { parentPort, workerData } from "node:worker_threads";

const { url, localAddress, everyMs } = workerData;
const base = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function get(path) {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request(
      { host: base.hostname, port: base.port, path, localAddress, agent },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode, ms: performance.now() - t0 }));
        res.on("error", () => resolve({ status: res.statusCode, ms: performance.now() - t0 }));
      },
    );
    req.on("error", () => resolve({ status: "reset", ms: performance.now() - t0 }));
    req.end();
  });
}

for (;;) {
  parentPort.postMessage(await get("/v1/rounds/current"));
  await new Promise((r) => setTimeout(r, everyMs));
}
