import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateSchema, openApiDocument, SCHEMA_FILE } from "../../api/client/generate";
import { errorStatus } from "../../api/errors";

describe("the client's generated types (api/client/schema.ts)", () => {
  it("are what openapi-typescript makes of the current OpenAPI document (npm run client:generate)", async () => {
    const committed = readFileSync(SCHEMA_FILE, "utf8");
    const fresh = await generateSchema();
    expect(
      committed === fresh,
      "api/client/schema.ts is out of date: run npm run client:generate and commit it",
    ).toBe(true);
  });

  it("cover every path and operation the document has", async () => {
    const doc = (await openApiDocument()) as { paths: Record<string, Record<string, unknown>> };
    const committed = readFileSync(SCHEMA_FILE, "utf8");
    const paths = Object.keys(doc.paths);
    expect(paths.length).toBeGreaterThan(20);
    for (const path of paths) {
      const key = path.replace(/:(\w+)/g, "{$1}");
      expect(committed, path).toContain(`"${key}": {`);
    }
  });

  it("type the error code as the enum of the one code-to-status map", async () => {
    const doc = (await openApiDocument()) as {
      components: {
        schemas: { Error: { properties: { error: { properties: { code: { enum: string[] } } } } } };
      };
    };
    const codes = doc.components.schemas.Error.properties.error.properties.code.enum;
    expect(codes).toEqual(Object.keys(errorStatus));
    expect(codes).toContain("not_found");
    const committed = readFileSync(SCHEMA_FILE, "utf8");
    expect(committed).toContain(codes.map((c) => `"${c}"`).join(" | "));
  });
});
