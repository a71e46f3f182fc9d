import { z } from "@hono/zod-openapi";

export const SubmissionMeta = z
  .object({
    id: z.string(),
    modelId: z.string(),
    round: z.number(),
    sha256: z.string(),
    selected: z.boolean(),
    late: z.boolean(),
    createdAt: z.string(),
  })
  .openapi("Submission");

export const SubmissionId = z.string().regex(/^sub_[0-9a-f]{32}$/, "a submission id (sub_...)");

/** A stored submission's metadata as the API answers it. */
export const metaJson = (s: {
  id: string;
  modelId: string;
  round: number;
  sha256: string;
  selected: boolean;
  late: boolean;
  createdAt: Date;
}) => ({
  id: s.id,
  modelId: s.modelId,
  round: s.round,
  sha256: s.sha256,
  selected: s.selected,
  late: s.late,
  createdAt: s.createdAt.toISOString(),
});
