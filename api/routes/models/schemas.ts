import { z } from "@hono/zod-openapi";
export const ModelId = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/)
  .openapi({ description: "bytes32 model id, as known on chain" });
export const Body = z
  .object({
    name: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, _ and - (1-64)"),
  })
  .openapi("NewModel");
export const ModelSchema = z
  .object({ id: ModelId, name: z.string(), accountId: z.string(), createdAt: z.string() })
  .openapi("Model");

export const toJson = (m: { id: string; name: string; accountId: string; createdAt: Date }) => ({
  id: m.id,
  name: m.name,
  accountId: m.accountId,
  createdAt: m.createdAt.toISOString(),
});
