#!/usr/bin/env node
// What the test suites need from the machine, made true before they run (the first step of
// `npm test`), or one message that says what to run, within the first second.
//
// - Postgres at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test): the server
//   answers and the database exists. On this machine, as root, a missing server is installed from
//   Debian's packages (postgresql), a stopped cluster is started (pg_ctlcluster) and a missing
//   database is created.
// - Chromium at CHROMIUM (default /usr/bin/chromium) for the browser suite: installed from
//   Debian's packages (chromium) when missing and running as root.
//
// Plain JavaScript so it starts at once (no transpiler); vitest.config.ts reads the defaults
// from here so both agree.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

export const DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";
export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/** The Postgres URL the suites use: TEST_DATABASE_URL, else the local server's `test` database. */
export function testDatabaseUrl(env = process.env) {
  return env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
}

/** The browser the dashboard suite drives: CHROMIUM, else Debian's. */
export function chromiumPath(env = process.env) {
  return env.CHROMIUM || DEFAULT_CHROMIUM;
}

class Unmet extends Error {}

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const say = (line) => process.stderr.write(`test environment: ${line}\n`);
const has = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
const sudo = isRoot ? "" : "sudo ";

let aptUpdated = false;
function aptInstall(pkg) {
  if (!isRoot || !has("apt-get")) {
    throw new Unmet(
      `${pkg} is missing; install it with: ${sudo}apt-get update && ${sudo}apt-get install -y ${pkg}`,
    );
  }
  say(`installing ${pkg} from Debian's packages (apt-get install ${pkg}) ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (!aptUpdated) {
    execFileSync("apt-get", ["update", "-qq"], { stdio: ["ignore", "ignore", "inherit"], env });
    aptUpdated = true;
  }
  execFileSync("apt-get", ["install", "-y", "-qq", pkg], {
    stdio: ["ignore", "ignore", "inherit"],
    env,
  });
}

/** The browser at CHROMIUM exists (see the header). */
export function ensureChromium() {
  const path = chromiumPath();
  if (existsSync(path)) return;
  if (path !== DEFAULT_CHROMIUM) {
    throw new Unmet(`CHROMIUM=${path} does not exist; point CHROMIUM at a Chromium binary`);
  }
  aptInstall("chromium");
  if (!existsSync(path)) throw new Unmet(`apt-get installed chromium but ${path} is still missing`);
}

/** Debian's clusters: [{ version, name, port, status }] from pg_lsclusters. */
function clusters() {
  if (!has("pg_lsclusters")) return [];
  const out = execFileSync("pg_lsclusters", ["--no-header"], { encoding: "utf8" });
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [version, name, port, status] = line.trim().split(/\s+/);
      return { version, name, port: Number(port), status };
    });
}

/** The result of one `select 1` on `url`: "ok", "no-database", "refused" or an error message. */
async function probe(url) {
  const { default: postgres } = await import("postgres");
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return "ok";
  } catch (e) {
    if (e?.code === "3D000") return "no-database";
    if (e?.code === "ECONNREFUSED" || e?.code === "ENOENT" || e?.code === "CONNECT_TIMEOUT") {
      return "refused";
    }
    return String(e?.message ?? e);
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/** A just-installed Debian cluster takes passwordless connections from this machine only. */
function trustLocalConnections(cluster) {
  const hba = `/etc/postgresql/${cluster.version}/${cluster.name}/pg_hba.conf`;
  const lines =
    "host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust\n";
  writeFileSync(hba, lines + readFileSync(hba, "utf8"));
  execFileSync("pg_ctlcluster", [
    "--skip-systemctl-redirect",
    cluster.version,
    cluster.name,
    "reload",
  ]);
}

async function waitReady(url, seconds) {
  let state = "refused";
  for (let i = 0; i < seconds * 4 && state === "refused"; i++) {
    state = await probe(url);
    if (state === "refused") await new Promise((r) => setTimeout(r, 250));
  }
  return state;
}

/** Postgres at TEST_DATABASE_URL answers and its database exists (see the header). */
export async function ensurePostgres() {
  const url = new URL(testDatabaseUrl());
  const local = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  const port = Number(url.port || 5432);
  let state = await probe(url.toString());
  if (state === "refused") {
    if (!local) throw new Unmet(`no Postgres answers at ${url.host} (TEST_DATABASE_URL)`);
    let installed = false;
    if (!has("pg_ctlcluster")) {
      aptInstall("postgresql");
      installed = true;
    }
    const cluster = clusters().find((c) => c.port === port);
    if (!cluster) {
      throw new Unmet(
        `no Postgres cluster listens on port ${port}; create one with: ${sudo}pg_createcluster --start <version> main -p ${port}`,
      );
    }
    const start = `${sudo}pg_ctlcluster --skip-systemctl-redirect ${cluster.version} ${cluster.name} start`;
    if (cluster.status !== "online") {
      if (!isRoot)
        throw new Unmet(
          `Postgres cluster ${cluster.version}/${cluster.name} is down; start it with: ${start}`,
        );
      say(`starting Postgres cluster ${cluster.version}/${cluster.name} (${start})`);
      const r = spawnSync(
        "pg_ctlcluster",
        ["--skip-systemctl-redirect", cluster.version, cluster.name, "start"],
        {
          stdio: ["ignore", "ignore", "inherit"],
        },
      );
      if (r.status !== 0 && clusters().find((c) => c.port === port)?.status !== "online") {
        throw new Unmet(
          `could not start Postgres cluster ${cluster.version}/${cluster.name}: ${start}`,
        );
      }
    }
    state = await waitReady(url.toString(), 30);
    if (installed && state !== "ok" && state !== "no-database" && state !== "refused") {
      trustLocalConnections(cluster);
      state = await waitReady(url.toString(), 10);
    }
  }
  if (state === "no-database") {
    const name = decodeURIComponent(url.pathname.slice(1));
    const admin = new URL(url);
    admin.pathname = "/postgres";
    say(`creating database ${name} on ${url.host}`);
    const { default: postgres } = await import("postgres");
    const sql = postgres(admin.toString(), { max: 1, connect_timeout: 3, onnotice: () => {} });
    try {
      await sql.unsafe(`create database "${name.replaceAll('"', '""')}"`);
    } catch (e) {
      if (e?.code !== "42P04") {
        throw new Unmet(
          `could not create database ${name}: ${e?.message ?? e}; run: createdb -h ${url.hostname} -p ${port} -U ${url.username || "postgres"} ${name}`,
        );
      }
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {});
    }
    state = await probe(url.toString());
  }
  if (state === "refused") throw new Unmet(`Postgres at ${url.host} did not come up`);
  if (state !== "ok") {
    throw new Unmet(
      `Postgres at ${url.host} refused the test connection (${state}); the suites connect as in TEST_DATABASE_URL=${url} without a password (trust for 127.0.0.1 in pg_hba.conf)`,
    );
  }
}

/** Makes the machine ready for the suites; throws one Error whose message says what to run. */
export async function ensureTestEnvironment() {
  await ensurePostgres();
  ensureChromium();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    await ensureTestEnvironment();
  } catch (e) {
    process.stderr.write(`test environment: ${e instanceof Unmet ? e.message : (e?.stack ?? e)}\n`);
    process.exit(1);
  }
}
