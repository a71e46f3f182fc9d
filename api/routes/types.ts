import type { RouteConfig, z } from "@hono/zod-openapi";

/** The JSON body schema of one response of a route. */
type JsonSchemaOf<
  R extends RouteConfig,
  S extends keyof R["responses"],
> = R["responses"][S] extends { content: { "application/json": { schema: infer Z } } } ? Z : never;

/** The JSON a route answers with `status`, inferred from its zod schema. */
export type ResponseOf<R extends RouteConfig, S extends keyof R["responses"]> =
  JsonSchemaOf<R, S> extends z.ZodType ? z.infer<JsonSchemaOf<R, S>> : never;

/** A route's path parameters as sent (strings), inferred from its zod schema. */
export type ParamsOf<R extends RouteConfig> = R["request"] extends { params: infer P }
  ? P extends z.ZodType
    ? z.input<P>
    : never
  : Record<string, never>;

/** JSON content of a schema, keeping the schema's type (so responses can be inferred). */
export const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });

/** The JSON of a route's success answer (200, 201 or 202); never for one without a body. */
export type OkResponseOf<R extends RouteConfig> = ResponseOf<
  R,
  Extract<keyof R["responses"], 200 | 201 | 202>
>;
