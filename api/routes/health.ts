import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { liveWorkers } from "../../db";
import type { App } from "../hono-app";

const Check = z.object({ ok: z.boolean(), detail: z.unknown().optional() });
const HealthSchema = z
  .object({ ok: z.boolean(), checks: z.record(z.string(), Check) })
  .openapi("Health");

export const route = createRoute({
  method: "get",
  path: "/health",
  tags: ["health"],
  summary: "Database, chain and worker status",
  responses: {
    200: { description: "All healthy", content: { "application/json": { schema: HealthSchema } } },
    503: {
      description: "Something is down",
      content: { "application/json": { schema: HealthSchema } },
    },
  },
});

export function register(app: App) {
  app.openapi(route, async (c) => {
    const { db, probes = {} } = c.get("services");
    const checks: Record<string, { ok: boolean; detail?: unknown }> = {};
    const run = async (name: string, fn: () => Promise<{ ok: boolean; detail?: unknown }>) => {
      try {
        checks[name] = await fn();
      } catch (err) {
        checks[name] = { ok: false, detail: String((err as Error).message ?? err) };
      }
    };
    await Promise.all([
      run("db", async () => {
        await db.execute(sql`select 1`);
        return { ok: true };
      }),
      ...Object.entries(probes).map(([name, probe]) => run(name, probe)),
      ...(probes.worker
        ? []
        : [
            run("worker", async () => {
              const live = await liveWorkers(db);
              return { ok: live.length > 0, detail: { live: live.map((w) => w.id) } };
            }),
          ]),
    ]);
    const ok = Object.values(checks).every((x) => x.ok);
    return c.json({ ok, checks }, ok ? 200 : 503);
  });
}
