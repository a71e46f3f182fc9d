import { z } from "@hono/zod-openapi";
export const Hex32 = z.string().regex(/^0x[0-9a-f]{64}$/);

export const Receipt = z
  .object({
    round: z.number(),
    submissionId: z.string(),
    leaf: z.object({ modelId: Hex32, sha256: Hex32 }),
    included: z
      .boolean()
      .openapi({ description: "whether this submission is in the committed tree" }),
    proof: z.array(Hex32),
    root: Hex32.nullable().openapi({
      description: "the round's submissions root, as sent on chain",
    }),
    closeTx: z.string().nullable(),
  })
  .openapi("Receipt");
