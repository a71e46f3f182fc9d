// Load generator for bench/api.ts: autocannon, run as its own process so it does not share the
// server's event loop. Keep-alive HTTP/1.1 connections over loopback, one request in flight per
// connection (no pipelining), connection i posting target i's body to its path with its key.
// A warm-up run, then the measured run. Input (JSON on stdin): {url, warmupSeconds, seconds,
// targets: [{path, key, body}]}, one target per connection. Output on stdout: a line
// `{"phase":"measuring"}` when the warm-up ends (bench/api.ts starts its CPU counters then),
// then one JSON line with the measured run's figures and the warm-up's under "warmup".
import autocannon from "autocannon";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const {
  url,
  seconds,
  warmupSeconds = 0,
  targets,
} = JSON.parse(Buffer.concat(chunks).toString("utf8"));

async function run(duration) {
  let next = 0;
  const cpu0 = process.cpuUsage();
  const result = await autocannon({
    url,
    connections: targets.length,
    pipelining: 1,
    duration,
    method: "POST",
    // Every connection gets its own model, key and predictions.
    setupClient(client) {
      const t = targets[next++ % targets.length];
      client.setRequests([
        {
          method: "POST",
          path: t.path,
          headers: { authorization: `Bearer ${t.key}`, "content-type": "text/csv" },
          body: t.body,
        },
      ]);
    },
  });
  const cpu = process.cpuUsage(cpu0);
  const statuses = {};
  for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = s.count;
  const requests = result.requests.total;
  return {
    requests,
    seconds: result.duration,
    rps: requests / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts + result.non2xx,
    statuses,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

const warmup = warmupSeconds > 0 ? await run(warmupSeconds) : null;
process.stdout.write(`${JSON.stringify({ phase: "measuring" })}\n`);
const measured = await run(seconds);
process.stdout.write(`${JSON.stringify({ ...measured, warmup })}\n`);
