import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Who may import whom (README, Architecture): each top-level folder's TypeScript files import
 * only the folders listed for it. Relative imports are resolved to the folder they land in;
 * packages are not checked here, except Hono in api/domain.
 */
const root = resolve(import.meta.dirname, "../..");
const allowed: Record<string, string[]> = {
  scoring: ["scoring"],
  formats: ["formats", "scoring"],
  db: ["db"],
  api: ["api", "db", "formats", "scoring", "contracts"],
  workers: ["workers", "db", "formats", "scoring", "contracts"],
  cli: ["cli", "api", "db", "formats", "scoring", "workers", "contracts", "package.json"],
};

function files(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : files(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every `from "..."` / `import("...")` specifier of a file. */
function specifiers(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  return [...text.matchAll(/(?:from|import\()\s*["']([^"']+)["']/g)].map((m) => m[1]!);
}

/**
 * Known exceptions, each to be removed by moving the code, never extended without a reason: the
 * webhooks' domain code (landed alongside this check) uses the workers' URL guard and secret
 * generator; the MCP route runs the CLI's
 * verifier (which belongs in a module both may import).
 */
const exceptions = new Set([
  "api/domain/webhooks.ts -> ../../workers/webhooks/address",
  "api/domain/webhooks.ts -> ../../workers/webhooks/sign",
  // The MCP endpoint's verify_round tool runs the CLI's round verifier in process.
  "api/routes/mcp.ts -> ../../cli/verify/round",
]);

const topOf = (file: string, spec: string) =>
  relative(root, resolve(root, dirname(file), spec)).split("/")[0]!;

describe("layers", () => {
  for (const [layer, may] of Object.entries(allowed)) {
    it(`${layer}/ imports only ${may.join(", ")}`, () => {
      const bad: string[] = [];
      for (const file of files(layer)) {
        for (const spec of specifiers(file)) {
          if (!spec.startsWith(".")) continue;
          const top = topOf(file, spec);
          const edge = `${file} -> ${spec}`;
          if (!may.includes(top) && !exceptions.has(edge)) bad.push(edge);
        }
      }
      expect(bad, bad.join("\n")).toEqual([]);
    });
  }

  it("api/domain/ holds no Hono types (routes parse and map; domain code does not see HTTP)", () => {
    const hono = (s: string) => s === "hono" || s.startsWith("hono/") || s.startsWith("@hono/");
    const bad = files("api/domain").flatMap((f) =>
      specifiers(f)
        .filter(hono)
        .map((s) => `${f} -> ${s}`)
        .filter((edge) => !exceptions.has(edge)),
    );
    expect(bad).toEqual([]);
  });

  it("api/domain/ imports nothing of the HTTP layer: not api/routes, api/http, api/middleware, the app", () => {
    const http = ["api/routes", "api/http", "api/middleware", "api/web", "api/mcp"];
    const bad = files("api/domain").flatMap((f) =>
      specifiers(f)
        .filter((s) => s.startsWith("."))
        .map((s) => [s, relative(root, resolve(root, dirname(f), s))] as const)
        .filter(
          ([, to]) =>
            http.some((d) => to === d || to.startsWith(`${d}/`)) ||
            ["api/app", "api/hono-app", "api/context"].includes(to),
        )
        .map(([s]) => `${f} -> ${s}`),
    );
    expect(bad, bad.join("\n")).toEqual([]);
  });

  it("nothing api/domain/ imports, followed through our own modules, imports Hono", () => {
    const hono = (s: string) => s === "hono" || s.startsWith("hono/") || s.startsWith("@hono/");
    const resolveTs = (from: string, spec: string) => {
      const base = relative(root, resolve(root, dirname(from), spec));
      for (const c of [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`, base]) {
        try {
          readFileSync(join(root, c));
          return c;
        } catch {}
      }
      return undefined;
    };
    const seen = new Set<string>();
    const bad: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of specifiers(file)) {
        if (hono(spec)) bad.push([...path, file, spec].join(" -> "));
        else if (spec.startsWith(".")) {
          const next = resolveTs(file, spec);
          if (next && /\.tsx?$/.test(next)) visit(next, [...path, file]);
        }
      }
    };
    for (const f of files("api/domain")) visit(f, []);
    expect(seen.size).toBeGreaterThan(files("api/domain").length);
    expect(bad, bad.join("\n")).toEqual([]);
  });

  it("routes do not import the app that registers them (api/hono-app.ts has the App type)", () => {
    const bad = files("api/routes").filter((f) =>
      specifiers(f).some((s) => resolve(root, dirname(f), s) === join(root, "api/app")),
    );
    expect(bad).toEqual([]);
  });

  it("scoring/ does no I/O: none of its modules imports node:fs or node:path (readers are in formats/)", () => {
    const io = (s: string) => /^(node:)?(fs|fs\/promises|path)$/.test(s);
    const bad = files("scoring").flatMap((f) =>
      specifiers(f)
        .filter(io)
        .map((s) => `${f} -> ${s}`),
    );
    expect(bad, bad.join("\n")).toEqual([]);
  });

  it("of contracts/, only contracts/ts is imported (the ABIs and the one set of Merkle trees)", () => {
    const bad: string[] = [];
    for (const layer of ["api", "workers", "cli", "formats"]) {
      for (const file of files(layer)) {
        for (const spec of specifiers(file)) {
          if (!spec.startsWith(".") || topOf(file, spec) !== "contracts") continue;
          const to = relative(root, resolve(root, dirname(file), spec));
          if (to !== "contracts/ts" && !to.startsWith("contracts/ts/"))
            bad.push(`${file} -> ${spec}`);
        }
      }
    }
    expect(bad, bad.join("\n")).toEqual([]);
  });

  it("the check sees the files it should", () => {
    expect(files("api/routes").length).toBeGreaterThan(10);
    expect(files("formats")).toContain("formats/csv.ts");
    expect(specifiers("api/app.ts")).toContain("./hono-app");
  });
});
