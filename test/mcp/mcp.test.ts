import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routes as diagnosticsRoutes } from "../../api/routes/diagnostics";
import * as leaderboard from "../../api/routes/leaderboard";
import { routes as roundRoutes } from "../../api/routes/rounds";
import { routes as stakeRoutes } from "../../api/routes/stakes";
import { routes as submissionRoutes } from "../../api/routes/submissions";
import { routes as validationRoutes } from "../../api/routes/validation";
import type { DbHandle } from "../../db";
import { startWorker } from "../../workers/runner";
import { csvOf, liveCsv, predictions, type World, world } from "../api/world";
import { closeTo, validationData } from "../diagnostics/data";
import { parametersOf, schemaAt } from "../helpers/api";
import { dbTargets } from "../helpers/db";

const TOOLS = [
  "create_model",
  "get_current_round",
  "get_diagnostics",
  "get_leaderboard",
  "get_model",
  "get_model_scores",
  "get_positions",
  "list_rounds",
  "run_diagnostics",
  "submit_diagnostics",
  "submit_predictions",
  "verify_round",
];

for (const target of dbTargets()) {
  describe(`MCP endpoint driven by the SDK's own client (${target.name})`, () => {
    let h: DbHandle;
    let w: World;
    let server: ReturnType<typeof serve>;
    let base = "";
    const clients: Client[] = [];
    const connect = async (key: string) => {
      const client = new Client({ name: "tourney-test", version: "1.0.0" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
          requestInit: { headers: { authorization: `Bearer ${key}` } },
        }),
      );
      clients.push(client);
      return client;
    };
    const data = (r: unknown) =>
      JSON.parse((r as { content: { text: string }[] }).content[0]!.text);

    beforeAll(async () => {
      h = await target.open();
      w = await world(h, liveCsv(30));
      server = serve({ fetch: w.api.app.fetch, port: 0, hostname: "127.0.0.1" });
      await new Promise((r) => server.once("listening", r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      for (const c of clients) await c.close();
      await new Promise((r) => server?.close(r));
      await h?.close();
    });

    it("refuses requests without a valid API key", async () => {
      const init = { jsonrpc: "2.0", id: 1, method: "tools/list", params: {} };
      for (const headers of [{}, { authorization: "Bearer nope" }] as Record<string, string>[]) {
        const res = await fetch(`${base}/mcp`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json", ...headers },
          body: JSON.stringify(init),
        });
        expect(res).toHaveStatus(401);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
      }
      await expect(connect(w.revoked)).rejects.toThrow();
    });

    it("lists the tools with JSON schemas generated from the REST API's zod schemas", async () => {
      const client = await connect(w.key);
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(TOOLS);
      const by = Object.fromEntries(tools.map((t) => [t.name, t]));
      const lb = by.get_leaderboard!.inputSchema as any;
      // pageQuery(100, 1000) of GET /v1/leaderboard.
      expect(lb.properties.limit).toMatchObject({
        type: "integer",
        minimum: 1,
        maximum: 1000,
        default: 100,
      });
      expect(lb.properties.cursor).toMatchObject({ type: "string" });
      const model = by.get_model!.inputSchema as any;
      expect(model.required).toEqual(["id"]);
      expect(model.properties.id.pattern).toBeDefined();
      const create = by.create_model!.inputSchema as any;
      expect(create.required).toEqual(["name"]);
      // The same pattern the OpenAPI document gives POST /v1/models.
      const doc = (await w.api.openapi()).data;
      expect(create.properties.name.pattern).toBe(schemaAt(doc, "NewModel", "name")?.pattern);
      expect(model.properties.id.pattern).toBe("^0x[0-9a-fA-F]{64}$");
      expect((by.submit_predictions!.inputSchema as any).properties.csv.maxLength).toBe(
        10 * 1024 * 1024,
      );
      for (const t of tools) expect(t.description?.length).toBeGreaterThan(10);
    });

    it("answers each tool as its REST endpoint does, as the calling key", async () => {
      const client = await connect(w.key);
      const round = data(await client.callTool({ name: "get_current_round", arguments: {} }));
      expect(round.number).toBe(w.round);
      expect(round).toEqual((await w.api.send(roundRoutes.current)).data);
      const list = data(await client.callTool({ name: "list_rounds", arguments: { limit: 5 } }));
      expect(list.rounds.map((r: { number: number }) => r.number)).toEqual([w.round]);

      const created = data(
        await client.callTool({ name: "create_model", arguments: { name: "agent_model" } }),
      );
      expect(created.id).toMatch(/^0x[0-9a-f]{64}$/);
      const got = data(await client.callTool({ name: "get_model", arguments: { id: created.id } }));
      expect(got).toMatchObject({ id: created.id, name: "agent_model" });
      const dup = await client.callTool({
        name: "create_model",
        arguments: { name: "agent_model" },
      });
      expect(dup.isError).toBe(true);
      expect(data(dup).error.code).toBe("conflict");

      const ids = w.live.ids;
      const csv = csvOf(ids, predictions(ids, 3));
      const sub = await client.callTool({
        name: "submit_predictions",
        arguments: { id: created.id, csv },
      });
      expect(sub.isError, JSON.stringify(sub)).toBeFalsy();
      expect(data(sub)).toMatchObject({ round: w.round, selected: true, late: false });
      const rest = await w.api.send(submissionRoutes.list, { params: { id: created.id } });
      expect(rest.data.submissions.map((s) => s.id)).toEqual([data(sub).id]);
      const badCsv = await client.callTool({
        name: "submit_predictions",
        arguments: { id: created.id, csv: "id,prediction\nnope,0.5\n" },
      });
      expect(badCsv.isError).toBe(true);
      expect(data(badCsv).error.code).toMatch(/^invalid_submission/);

      const scores = data(
        await client.callTool({ name: "get_model_scores", arguments: { id: created.id } }),
      );
      expect(scores).toEqual({ modelId: created.id, scores: [], nextCursor: null });
      const dailyScores = data(
        await client.callTool({
          name: "get_model_scores",
          arguments: { id: created.id, round: String(w.round), daily: true },
        }),
      );
      expect(dailyScores).toEqual({ modelId: created.id, round: w.round, days: [] });
      const lb = data(await client.callTool({ name: "get_leaderboard", arguments: { limit: 10 } }));
      expect(lb).toEqual((await w.api.send(leaderboard.route, { query: { limit: 10 } })).data);
      const pos = await client.callTool({
        name: "get_positions",
        arguments: { address: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8" },
      });
      expect(data(pos)).toEqual(
        (
          await w.api.send(stakeRoutes.byAddress, {
            query: { address: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8" },
          })
        ).data,
      );

      const eras = ids.map(
        (id, i) => `${id},era${1 + (i % 3)},${predictions(ids, 5)[i]},${(i % 5) / 4}`,
      );
      const diag = await client.callTool({
        name: "run_diagnostics",
        arguments: { id: created.id, csv: `id,era,prediction,target\n${eras.join("\n")}\n` },
      });
      expect(diag.isError, JSON.stringify(diag)).toBeFalsy();
      expect(data(diag)).toMatchObject({ eras: 3, rows: ids.length });

      const verify = await client.callTool({
        name: "verify_round",
        arguments: { number: String(w.round) },
      });
      expect(verify.isError).toBe(true);
      expect(data(verify).error.message).toContain("CHAIN_RPC_URL");
    });

    it("posts validation predictions for stored diagnostics and reads the report back, as REST does", async () => {
      const client = await connect(w.key);
      const { tools } = await client.listTools();
      const by = Object.fromEntries(tools.map((t) => [t.name, t.inputSchema as any]));
      expect(by.submit_diagnostics.required).toEqual(["id"]);
      expect(by.submit_diagnostics.properties.id.pattern).toBe("^0x[0-9a-fA-F]{64}$");
      expect(by.submit_diagnostics.properties.csv.maxLength).toBe(10 * 1024 * 1024);
      expect(by.get_diagnostics.required).toEqual(["id", "did"]);
      // The diagnostics id's pattern of GET /v1/models/{id}/diagnostics/{did}.
      const doc = (await w.api.openapi()).data;
      const didParam = parametersOf(doc, "/v1/models/{id}/diagnostics/{did}", "get").find(
        (x) => x.name === "did",
      );
      const didSchema = didParam?.schema;
      expect(by.get_diagnostics.properties.did.pattern).toBe(
        didSchema && !("$ref" in didSchema) ? didSchema.pattern : undefined,
      );

      const set = validationData(11);
      const none = await client.callTool({
        name: "submit_diagnostics",
        arguments: { id: w.modelId, csv: set.predictionsCsv() },
      });
      expect(none.isError).toBe(true);
      expect(data(none).error.code).toBe("no_validation_set");

      const form = new FormData();
      form.set("validation", new File([set.validationCsv()], "validation.csv"));
      const up = await w.api.send(validationRoutes.post, { key: w.api.operatorKey, body: form });
      expect(up).toHaveStatus(202);
      const ctx = {
        db: h.db,
        chain: undefined as never,
        logger: { info() {}, warn() {}, error() {} },
        settleBatch: 10,
      };
      const worker = startWorker(ctx, { indexer: false, pollMs: 20, warmDiagnostics: false });
      try {
        const posted = await client.callTool({
          name: "submit_diagnostics",
          arguments: { id: w.modelId, csv: set.predictionsCsv() },
        });
        expect(posted.isError, JSON.stringify(posted)).toBeFalsy();
        const queued = data(posted);
        expect(queued).toMatchObject({
          id: expect.stringMatching(/^dgn_[0-9a-f]{32}$/),
          modelId: w.modelId,
          validationSetId: up.data.id,
        });
        const done = data(
          await client.callTool({
            name: "get_diagnostics",
            arguments: { id: w.modelId, did: queued.id, waitSeconds: 50 },
          }),
        );
        expect(done.status, JSON.stringify(done.error)).toBe("done");
        const rest = await w.api.send(diagnosticsRoutes.getRoute, {
          params: { id: w.modelId, did: queued.id },
          key: w.key,
        });
        expect(done).toEqual(rest.data);
        expect(closeTo(done.result, JSON.parse(JSON.stringify(set.expected())), 1e-12)).toEqual([]);

        // ids with predictions (the JSON form) give the same report.
        const json = data(
          await client.callTool({
            name: "submit_diagnostics",
            arguments: {
              id: w.modelId,
              ids: set.rows.map((r) => r.id),
              predictions: set.rows.map((r) => r.prediction),
            },
          }),
        );
        const again = data(
          await client.callTool({
            name: "get_diagnostics",
            arguments: { id: w.modelId, did: json.id, waitSeconds: 50 },
          }),
        );
        expect(again.result).toEqual(done.result);
      } finally {
        await worker.stop();
      }

      const fail = async (name: string, args: Record<string, unknown>, key = w.key) => {
        const res = await (await connect(key)).callTool({ name, arguments: args });
        expect(res.isError, JSON.stringify(res)).toBe(true);
        return data(res).error;
      };
      // The REST errors, surfaced with their codes.
      const unknownDid = `dgn_${"0".repeat(32)}`;
      expect(await fail("get_diagnostics", { id: w.modelId, did: unknownDid })).toMatchObject({
        code: "not_found",
      });
      const ids = set.rows.map((r) => r.id);
      const values = set.rows.map((r) => r.prediction);
      expect(
        await fail("submit_diagnostics", {
          id: w.modelId,
          csv: set.predictionsCsv([...values, 0.5], [...ids, "stranger"]),
        }),
      ).toMatchObject({
        code: "diagnostics_unknown_ids",
        details: { unknown: ["stranger"], count: 1 },
      });
      expect(
        await fail("submit_diagnostics", {
          id: w.modelId,
          csv: set.predictionsCsv(values.slice(1), ids.slice(1)),
        }),
      ).toMatchObject({ code: "diagnostics_missing_ids", details: { missing: [ids[0]] } });
      expect(
        (await fail("submit_diagnostics", { id: w.modelId, csv: set.predictionsCsv() }, w.otherKey))
          .code,
      ).toBe("forbidden");
      const theirs = await fail("get_diagnostics", { id: w.otherModelId, did: unknownDid });
      expect(theirs.code).toBe("forbidden");
      // What the tool itself refuses: the stateless form, or no predictions at all.
      const stateless = await fail("submit_diagnostics", {
        id: w.modelId,
        csv: set.statelessCsv(),
      });
      expect(stateless).toMatchObject({ code: "invalid_diagnostics" });
      expect(stateless.message).toContain("run_diagnostics");
      expect((await fail("submit_diagnostics", { id: w.modelId })).code).toBe(
        "invalid_diagnostics",
      );
      expect(
        (
          await fail("submit_diagnostics", {
            id: w.modelId,
            ids: ids.slice(0, 2),
            predictions: [0.1],
          })
        ).code,
      ).toBe("invalid_diagnostics");
    });

    it("keeps each key to its scopes and its account", async () => {
      const ro = await connect(w.readOnly);
      const denied = await ro.callTool({ name: "create_model", arguments: { name: "ro_model" } });
      expect(denied.isError).toBe(true);
      expect(data(denied).error.code).toBe("forbidden");
      const other = await connect(w.otherKey);
      const theirs = await other.callTool({
        name: "submit_predictions",
        arguments: { id: w.modelId, csv: csvOf(w.live.ids, predictions(w.live.ids)) },
      });
      expect(theirs.isError).toBe(true);
      expect(data(theirs).error.code).toBe("forbidden");
      const bad = await other.callTool({ name: "get_model", arguments: { id: "not-an-id" } });
      expect(bad.isError).toBe(true);
    });
  });
}
