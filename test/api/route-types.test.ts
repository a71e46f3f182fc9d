import { describe, expect, expectTypeOf, it } from "vitest";
import type * as createModel from "../../api/routes/models/create";
import * as rounds from "../../api/routes/rounds";
import type * as close from "../../api/routes/rounds/close";
import type * as open from "../../api/routes/rounds/open";
import type * as submit from "../../api/routes/submissions/submit";

describe("one file per endpoint", () => {
  it("each exports its route and the types inferred from its schemas", () => {
    expectTypeOf<open.Response>().toEqualTypeOf<{
      number: number;
      status: string;
      liveSha256: string;
    }>();
    expectTypeOf<close.Params>().toEqualTypeOf<{ number: string }>();
    expectTypeOf<close.Response["status"]>().toEqualTypeOf<
      "open" | "closed" | "resolved" | "scored" | "settled" | "cancelled"
    >();
    expectTypeOf<createModel.Response>().toEqualTypeOf<{
      id: string;
      name: string;
      accountId: string;
      createdAt: string;
    }>();
    expectTypeOf<submit.Response["format"]>().toEqualTypeOf<"csv" | "parquet" | "json">();
    expect(Object.values(rounds.routes).map((r) => `${r.method} ${r.path}`)).toEqual([
      "post /v1/rounds",
      "get /v1/rounds",
      "get /v1/rounds/current",
      "get /v1/rounds/{number}",
      "get /v1/rounds/{number}/live",
      "post /v1/rounds/{number}/close",
      "post /v1/rounds/{number}/resolve",
    ]);
  });
});
