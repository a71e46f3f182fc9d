// Load generator for bench/api.ts, run as its own process so it does not share the server's
// event loop: keep-alive HTTP/1.1 connections over loopback, one request in flight per
// connection, for a warm-up period and then a measured period. Input (JSON on stdin): {url,
// warmupSeconds, seconds, targets: [{path, key, body}]} with one target per connection.
// Output on stdout: a line `{"phase":"measuring"}` when the warm-up ends (bench/api.ts starts its
// CPU counters then), then one JSON line of results for the requests that started after the
// warm-up, with the warm-up's own figures under "warmup".
import http from "node:http";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const {
  url,
  seconds,
  warmupSeconds = 0,
  targets,
} = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const { hostname, port } = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: targets.length });

function phase() {
  return {
    latencies: [],
    statuses: {},
    errors: 0,
    begin: performance.now(),
    cpu0: process.cpuUsage(),
  };
}
const warm = phase();
let current = warm;
let measured;
const warmEnd = performance.now() + warmupSeconds * 1000;
const stopAt = warmEnd + seconds * 1000;
if (warmupSeconds > 0) {
  setTimeout(startMeasuring, warmupSeconds * 1000);
} else {
  startMeasuring();
}
function startMeasuring() {
  warm.end = performance.now();
  warm.cpu = process.cpuUsage(warm.cpu0);
  measured = current = phase();
  process.stdout.write(`${JSON.stringify({ phase: "measuring" })}\n`);
}

function once(t, body) {
  // A request counts in the phase it started in.
  const into = current;
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
          into.statuses[res.statusCode] = (into.statuses[res.statusCode] ?? 0) + 1;
          if (res.statusCode !== 201) into.errors++;
          into.latencies.push(performance.now() - start);
          resolve();
        });
      },
    );
    req.on("error", () => {
      into.errors++;
      resolve();
    });
    req.end(body);
  });
}

async function loop(t) {
  const body = Buffer.from(t.body);
  while (performance.now() < stopAt) await once(t, body);
}

await Promise.all(targets.map(loop));
measured.end = performance.now();

function summary(p) {
  const elapsed = (p.end - p.begin) / 1000;
  const cpu = p.cpu ?? process.cpuUsage(p.cpu0);
  const l = p.latencies.sort((a, b) => a - b);
  const q = (f) => l[Math.min(l.length - 1, Math.floor(f * l.length))] ?? 0;
  return {
    requests: l.length,
    seconds: elapsed,
    rps: l.length / elapsed,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    max: l[l.length - 1] ?? 0,
    errors: p.errors,
    statuses: p.statuses,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}
process.stdout.write(
  `${JSON.stringify({ ...summary(measured), warmup: warmupSeconds > 0 ? summary(warm) : null })}\n`,
);
agent.destroy();
