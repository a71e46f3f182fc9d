/**
 * `npm run bench:abuse`: the hostile requests of issue 14 against `npm run api` on a fresh
 * Postgres database (TEST_DATABASE_URL), loopback only and bounded in size and time. For each
 * attack it prints the status counts, the server's peak RSS while it ran, and the p50/p99
 * latency of a well-behaved client beside it: another loopback address, one request every 150 ms
 * (under the anonymous per-address limit), on its own thread (bench/polite-client.mjs), so the
 * attacker's work in this thread (building and pumping bodies) never delays its timings. Each
 * attack's payload is built before its window starts.
 *
 *   attack chunked-400MB-submission: 413 x1 | server peak RSS 180 MB | polite p50 2.1 ms p99 9.8 ms (n=40)
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { type Agent, request } from "node:http";
import { Worker } from "node:worker_threads";
import postgres from "postgres";
import { createAccount } from "../api/domain/accounts";
import { openDb } from "../db";
import { startBenchApi } from "./api-server";

const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const dbName = `tourney_abuse_${randomBytes(4).toString("hex")}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const handle = await openDb({ url: url.toString(), max: 2 });

const api = await startBenchApi({ DATABASE_URL: url.toString() });
const { server } = api;
const base = new URL(api.url);
const rssMb = () => {
  let kb = 0;
  for (const pid of api.pids) {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    kb += Number(m?.[1] ?? 0);
  }
  return kb / 1024;
};

/**
 * CPU time (ms) the server's main threads (the event loops: thread id = process id) have used, from
 * /proc: what an attack costs the loop that answers everyone, whatever else the machine runs.
 */
const TICK_MS = 10; // USER_HZ is 100 on Linux
const loopCpuMs = () => {
  let ticks = 0;
  for (const pid of api.pids) {
    const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(f[11]) + Number(f[12]); // utime, stime
  }
  return ticks * TICK_MS;
};

/** Each attack comes from its own loopback address, so one attack's limits do not spill over. */
let attacker = "127.0.0.1";
let attacks = 0;

interface Reply {
  status: number | "reset";
  ms: number;
}

/** One request from `localAddress`; the body is a Buffer, or a generator of chunks (chunked). */
function send(
  method: string,
  pathname: string,
  opts: {
    headers?: Record<string, string>;
    body?: Buffer | string | (() => Generator<Buffer>);
    localAddress?: string;
    agent?: Agent;
  } = {},
): Promise<Reply> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (status: Reply["status"]) => {
      if (done) return;
      done = true;
      resolve({ status, ms: performance.now() - t0 });
    };
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        method,
        path: pathname,
        headers: opts.headers,
        localAddress: opts.localAddress ?? attacker,
        agent: opts.agent ?? false,
      },
      (res) => {
        res.resume();
        res.on("end", () => finish(res.statusCode!));
        res.on("error", () => finish(res.statusCode!));
      },
    );
    req.on("error", () => finish("reset"));
    const body = opts.body;
    if (typeof body === "function") {
      const chunks = body();
      const pump = () => {
        for (;;) {
          if (done || req.destroyed) return;
          const next = chunks.next();
          if (next.done) return void req.end();
          if (!req.write(next.value)) return void req.once("drain", pump);
        }
      };
      pump();
    } else req.end(body);
  });
}

function* chunks(total: number, fill = 0x30): Generator<Buffer> {
  const chunk = Buffer.alloc(64 * 1024, fill);
  for (let sent = 0; sent < total; sent += chunk.length) yield chunk;
}

const json = (v: unknown) => ({
  headers: { "content-type": "application/json" },
  body: JSON.stringify(v),
});

// Set-up: an operator, a data scientist with a model, an open round.
const operator = await createAccount(
  { db: handle.db },
  { name: "operator", scopes: ["read", "submit", "operator"] },
);
const scientist = await createAccount({ db: handle.db }, { name: "scientist" });
const auth = (secret: string) => ({ authorization: `Bearer ${secret}` });
const modelRes = await fetch(`${api.url}/v1/models`, {
  method: "POST",
  headers: { ...auth(scientist.secret), "content-type": "application/json" },
  body: JSON.stringify({ name: "abuse-model" }),
});
const model = ((await modelRes.json()) as { id: string }).id;
const ids = Array.from({ length: 5000 }, (_, i) => `id${i}`);
const form = new FormData();
form.set("live", new File([`id,f\n${ids.map((id, i) => `${id},${i % 7}`).join("\n")}\n`], "l.csv"));
form.set("closesAt", new Date(Date.now() + 3_600_000).toISOString());
form.set("resolvesAt", new Date(Date.now() + 7_200_000).toISOString());
const opened = await fetch(`${api.url}/v1/rounds`, {
  method: "POST",
  headers: auth(operator.secret),
  body: form,
});
if (opened.status !== 201) throw new Error(`open round: ${opened.status} ${await opened.text()}`);

// The well-behaved client: its own address and thread, keep-alive, a request every 150 ms.
const polite = new Worker(new URL("./polite-client.mjs", import.meta.url), {
  workerData: { url: api.url, localAddress: "127.0.0.2", everyMs: 150 },
});
let politeWindow: number[] = [];
const politeStatuses = new Map<string, number>();
polite.on("message", (r: { status: number | "reset"; ms: number }) => {
  politeWindow.push(r.ms);
  politeStatuses.set(String(r.status), (politeStatuses.get(String(r.status)) ?? 0) + 1);
});

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : Number.NaN;
};

/** One attack: `prepare` builds its payload outside the measured window, `run` sends it. */
async function attack<T>(
  name: string,
  run: (payload: T) => Promise<Reply[]>,
  prepare: () => Promise<T> | T = () => undefined as T,
) {
  const payload = await prepare();
  await new Promise((r) => setTimeout(r, 300)); // let the polite client settle
  attacker = `127.0.1.${++attacks}`;
  politeWindow = [];
  let peak = rssMb();
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb());
  }, 20);
  const t0 = performance.now();
  const cpu0 = loopCpuMs();
  const replies = await run(payload);
  // At least a second of polite samples per attack.
  while (performance.now() - t0 < 1000) await new Promise((r) => setTimeout(r, 50));
  clearInterval(sampler);
  const loopCpu = loopCpuMs() - cpu0;
  const counts = new Map<string, number>();
  for (const r of replies) counts.set(String(r.status), (counts.get(String(r.status)) ?? 0) + 1);
  const statuses = [...counts].map(([s, n]) => `${s} x${n}`).join(", ");
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(
    `attack ${name}: ${statuses} | ${secs} s from ${attacker} | server peak RSS ${peak.toFixed(0)} MB | ` +
      `event-loop thread CPU ${loopCpu} ms | ` +
      `polite p50 ${pct(politeWindow, 50).toFixed(1)} ms p99 ${pct(politeWindow, 99).toFixed(1)} ms (n=${politeWindow.length})`,
  );
}

const MB = 1024 * 1024;
const sub = `/v1/models/${model}/submissions`;
try {
  console.log(
    `server ${api.url}, ${api.pids.length} process, RSS at rest ${rssMb().toFixed(0)} MB`,
  );
  await attack("chunked-400MB-submission", async () => [
    await send("POST", sub, {
      headers: { ...auth(scientist.secret), "content-type": "text/csv" },
      body: () => chunks(400 * MB),
    }),
  ]);
  await attack("declared-400MB-submission", async () => [
    await send("POST", sub, {
      headers: {
        ...auth(scientist.secret),
        "content-type": "text/csv",
        "content-length": String(400 * MB),
      },
      body: () => chunks(400 * MB),
    }),
  ]);
  await attack("chunked-400MB-json-signup", async () => [
    await send("POST", "/v1/accounts", {
      headers: { "content-type": "application/json" },
      body: () => chunks(400 * MB, 0x20),
    }),
  ]);
  await attack("chunked-400MB-idempotent-json", async () => [
    await send("POST", "/v1/models", {
      headers: {
        ...auth(scientist.secret),
        "content-type": "application/json",
        "idempotency-key": "abuse",
      },
      body: () => chunks(400 * MB, 0x20),
    }),
  ]);
  await attack("4x-concurrent-chunked-100MB-submissions", async () =>
    Promise.all(
      Array.from({ length: 4 }, () =>
        send("POST", sub, {
          headers: { ...auth(scientist.secret), "content-type": "text/csv" },
          body: () => chunks(100 * MB),
        }),
      ),
    ),
  );
  await attack("700-spoofed-signups", async () => {
    const out: Reply[] = [];
    for (let i = 0; i < 700; i += 20) {
      out.push(
        ...(await Promise.all(
          Array.from({ length: 20 }, (_, j) =>
            send("POST", "/v1/accounts", {
              ...json({ name: `spoof${i + j}` }),
              headers: {
                "content-type": "application/json",
                "x-forwarded-for": `10.${(i + j) >> 8}.${(i + j) & 255}.1`,
              },
            }),
          ),
        )),
      );
    }
    return out;
  });
  await attack("300-failed-auth", async () => {
    const out: Reply[] = [];
    for (let i = 0; i < 300; i++) {
      out.push(await send("GET", "/v1/models", { headers: auth(`tny_guess_${i}`) }));
    }
    return out;
  });
  await attack("1000-anonymous-requests-one-address", async () => {
    const out: Reply[] = [];
    for (let i = 0; i < 1000; i += 25) {
      out.push(...(await Promise.all(Array.from({ length: 25 }, () => send("GET", "/v1/rounds")))));
    }
    return out;
  });
  await attack("20-minted-keys-share-a-quota", async () => {
    const out: Reply[] = [];
    const keys: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await fetch(`${api.url}/v1/keys`, {
        method: "POST",
        headers: { ...auth(scientist.secret), "content-type": "application/json" },
        body: JSON.stringify({ scopes: ["read"] }),
      });
      if (r.status === 201) keys.push(((await r.json()) as { apiKey: string }).apiKey);
      else await r.body?.cancel();
    }
    for (let i = 0; i < 800; i += 40) {
      out.push(
        ...(await Promise.all(
          Array.from({ length: 40 }, (_, j) =>
            send("GET", "/v1/models", { headers: auth(keys[(i + j) % keys.length]!) }),
          ),
        )),
      );
    }
    return out;
  });
  await attack("50-concurrent-same-model-name", async () => {
    const other = await createAccount({ db: handle.db }, { name: "racer" });
    return Promise.all(
      Array.from({ length: 50 }, () =>
        send("POST", "/v1/models", {
          headers: { ...auth(other.secret), "content-type": "application/json" },
          body: JSON.stringify({ name: "contested" }),
        }),
      ),
    );
  });
  await attack("big-integers-in-paths", async () =>
    Promise.all(
      [
        "/v1/rounds/2147483648",
        "/v1/rounds?cursor=2147483648",
        "/v1/rounds/99999999999999999999/scores",
        `/v1/models/${model}/scores?cursor=2147483648`,
        "/v1/rounds/2147483648/bundle",
      ].map((p) => send("GET", p)),
    ),
  );
  await attack(
    "live-upload-5000x2376",
    async (big: FormData) => {
      // Numerai's live size: the operator's upload is parsed, validated and hashed on a thread.
      const t = performance.now();
      const r = await fetch(`${api.url}/v1/rounds`, {
        method: "POST",
        headers: auth(operator.secret),
        body: big,
      });
      await r.body?.cancel();
      return [{ status: r.status, ms: performance.now() - t }];
    },
    () => {
      const names = Array.from({ length: 2376 }, (_, j) => `feature_${j}`);
      const lines = [`id,${names.join(",")}`];
      for (let i = 0; i < 5000; i++) {
        const cells = names.map((_, j) => String((i * 31 + j * 7) % 5));
        lines.push(`n${i},${cells.join(",")}`);
      }
      const big = new FormData();
      big.set("live", new File([`${lines.join("\n")}\n`], "live.csv"));
      big.set("closesAt", new Date(Date.now() + 3_600_000).toISOString());
      big.set("resolvesAt", new Date(Date.now() + 7_200_000).toISOString());
      return big;
    },
  );
  await attack(
    "20-concurrent-live-downloads-24MB",
    // Data scientists fetching the new round's live file at once (served from memory after one
    // read per round and process).
    async (n: number) =>
      Promise.all(Array.from({ length: 20 }, () => send("GET", `/v1/rounds/${n}/live`))),
    async () => {
      const r = await fetch(`${api.url}/v1/rounds/current`);
      return ((await r.json()) as { number: number }).number;
    },
  );
  await attack(
    "45MB-diagnostics-upload",
    async ({ id, secret, body }: { id: string; secret: string; body: Buffer }) => [
      await send("POST", `/v1/models/${id}/diagnostics`, {
        headers: { ...auth(secret), "content-type": "text/csv" },
        body,
      }),
    ],
    async () => {
      const diag = await createAccount({ db: handle.db }, { name: "diagnoser" });
      const m = await fetch(`${api.url}/v1/models`, {
        method: "POST",
        headers: { ...auth(diag.secret), "content-type": "application/json" },
        body: JSON.stringify({ name: "diag-model" }),
      });
      const id = ((await m.json()) as { id: string }).id;
      const lines = ["id,era,prediction,target"];
      let size = 0;
      for (let i = 0; size < 45 * MB; i++) {
        const line = `id${i},era${i % 200},${((i * 7919) % 1000) / 1000},${((i * 104729) % 997) / 997}`;
        size += line.length + 1;
        lines.push(line);
      }
      return { id, secret: diag.secret, body: Buffer.from(`${lines.join("\n")}\n`) };
    },
  );
  const polites = [...politeStatuses].map(([s, n]) => `${s} x${n}`).join(", ");
  console.log(
    `polite client over the whole run: ${polites}; server RSS at the end ${rssMb().toFixed(0)} MB`,
  );
} finally {
  await polite.terminate();
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  await handle.close();
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
