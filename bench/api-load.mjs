// Load generator for bench/api.ts, run as its own process so it does not share the server's
// event loop: keep-alive HTTP/1.1 connections over loopback, one request in flight per
// connection, for a fixed duration. Input (JSON on stdin): {url, seconds, targets: [{path,
// key, body}]} with one target per connection. Output: one JSON line on stdout.
import http from "node:http";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { url, seconds, targets } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const { hostname, port } = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: targets.length });
const latencies = [];
const statuses = {};
let errors = 0;
const stopAt = performance.now() + seconds * 1000;
const cpu0 = process.cpuUsage();

function once(t, body) {
  return new Promise((resolve) => {
    const start = performance.now();
    const req = http.request(
      {
        agent,
        hostname,
        port,
        path: t.path,
        method: "POST",
        headers: {
          authorization: `Bearer ${t.key}`,
          "content-type": "text/csv",
          "content-length": body.length,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          if (res.statusCode !== 201) errors++;
          latencies.push(performance.now() - start);
          resolve();
        });
      },
    );
    req.on("error", () => {
      errors++;
      resolve();
    });
    req.end(body);
  });
}

async function loop(t) {
  const body = Buffer.from(t.body);
  while (performance.now() < stopAt) await once(t, body);
}

const begin = performance.now();
await Promise.all(targets.map(loop));
const elapsed = (performance.now() - begin) / 1000;
const cpu = process.cpuUsage(cpu0);
latencies.sort((a, b) => a - b);
const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
process.stdout.write(
  `${JSON.stringify({
    requests: latencies.length,
    seconds: elapsed,
    rps: latencies.length / elapsed,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    max: latencies[latencies.length - 1] ?? 0,
    errors,
    statuses,
    cpuMs: (cpu.user + cpu.system) / 1000,
  })}\n`,
);
agent.destroy();
