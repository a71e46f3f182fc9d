import { StreamableHTTPTransport } from "@hono/mcp";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Address } from "viem";
import { verifyRound } from "../../cli/verify/round";
import { DomainError } from "../errors";
import type { App } from "../hono-app";
import { type RestCall, registerTools } from "../mcp/tools";
import { authenticate } from "../middleware/auth";

/**
 * `POST /mcp`: the Model Context Protocol over streamable HTTP (JSON-RPC 2.0), stateless (a
 * server and transport per request, JSON responses), for AI agents. Every request needs an API
 * key (Bearer); each tool runs the matching REST endpoint in process as that key.
 */
export function register(app: App) {
  app.use("/mcp", authenticate);
  app.all("/mcp", async (c) => {
    const auth = c.get("auth");
    if (!auth) {
      c.header("WWW-Authenticate", 'Bearer realm="tourney"');
      throw new DomainError("unauthorized", "The MCP endpoint needs an API key (Bearer token)");
    }
    const authorization = c.req.header("authorization")!;
    const call: RestCall = async (method, path, body) => {
      const headers: Record<string, string> = { authorization };
      let payload: string | undefined;
      if (body?.json !== undefined) {
        headers["content-type"] = "application/json";
        payload = JSON.stringify(body.json);
      } else if (body?.csv !== undefined) {
        headers["content-type"] = "text/csv";
        payload = body.csv;
      }
      const res = await app.request(path, { method, headers, body: payload });
      const text = await res.text();
      let data: unknown = text;
      try {
        data = JSON.parse(text);
      } catch {}
      return { status: res.status, data };
    };
    const { config } = c.get("services");
    const verify = async (round: number) => {
      if (!config.CHAIN_RPC_URL || !config.TOURNAMENT_ADDRESS) {
        throw new Error(
          "this server has no CHAIN_RPC_URL and TOURNAMENT_ADDRESS to verify against",
        );
      }
      const checks = await verifyRound({
        api: "http://tourney.internal",
        rpc: config.CHAIN_RPC_URL,
        tournament: config.TOURNAMENT_ADDRESS as Address,
        round,
        fetch: ((url: string) => app.request(new URL(url).pathname)) as typeof fetch,
      });
      return { round, ok: checks.every((x) => x.ok), checks };
    };
    const server = new McpServer({ name: "tourney", version: "0.1.0" });
    registerTools(server, call, verify);
    const transport = new StreamableHTTPTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    return transport.handleRequest(c);
  });
}
