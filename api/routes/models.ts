import { createRoute, z } from "@hono/zod-openapi";
import { accountModels, getModel } from "../../db";
import { createModel } from "../domain/models";
import { DomainError } from "../errors";
import type { App } from "../hono-app";
import { errorResponses } from "../http/errors";
import { requireAuth } from "../middleware/auth";

export const ModelId = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/)
  .openapi({ description: "bytes32 model id, as known on chain" });
const Body = z
  .object({
    name: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, _ and - (1-64)"),
  })
  .openapi("NewModel");
const ModelSchema = z
  .object({ id: ModelId, name: z.string(), accountId: z.string(), createdAt: z.string() })
  .openapi("Model");

export const create = createRoute({
  method: "post",
  path: "/v1/models",
  tags: ["models"],
  summary: "Create a model",
  security: [{ bearer: [] }],
  request: { body: { content: { "application/json": { schema: Body } }, required: true } },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: ModelSchema } } },
    ...errorResponses(400, 401, 403, 409, 429),
  },
});

export const get = createRoute({
  method: "get",
  path: "/v1/models/{id}",
  tags: ["models"],
  summary: "A model",
  request: { params: z.object({ id: ModelId }) },
  responses: {
    200: { description: "The model", content: { "application/json": { schema: ModelSchema } } },
    ...errorResponses(400, 404),
  },
});

export const mine = createRoute({
  method: "get",
  path: "/v1/models",
  tags: ["models"],
  summary: "The calling account's models, by name",
  security: [{ bearer: [] }],
  responses: {
    200: {
      description: "Models",
      content: { "application/json": { schema: z.object({ models: z.array(ModelSchema) }) } },
    },
    ...errorResponses(401, 403),
  },
});

const toJson = (m: { id: string; name: string; accountId: string; createdAt: Date }) => ({
  id: m.id,
  name: m.name,
  accountId: m.accountId,
  createdAt: m.createdAt.toISOString(),
});

export function register(app: App) {
  app.openapi(create, async (c) => {
    const auth = requireAuth(c, "submit");
    const { name } = c.req.valid("json");
    const model = await createModel(c.get("services"), { accountId: auth.account.id, name });
    return c.json(toJson(model), 201);
  });
  app.openapi(mine, async (c) => {
    const auth = requireAuth(c, "read");
    const rows = await accountModels(c.get("services").db, auth.account.id);
    return c.json({ models: rows.map(toJson) }, 200);
  });
  app.openapi(get, async (c) => {
    const model = await getModel(c.get("services").db, c.req.valid("param").id);
    if (!model) throw new DomainError("not_found", "No such model");
    return c.json(toJson(model), 200);
  });
}
