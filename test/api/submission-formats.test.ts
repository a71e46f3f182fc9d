import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalCsvOf } from "../../api/domain/submission";
import * as rounds from "../../api/routes/rounds";
import { routes as submissionRoutes } from "../../api/routes/submissions";
import { type DbHandle, decodePredictions, submissions } from "../../db";
import { liveForm } from "../helpers/api";
import { dbTargets } from "../helpers/db";
import { writeParquet } from "../scoring/parquet-writer";
import { csvOf, predictions, type World, world } from "./world";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

for (const target of dbTargets()) {
  describe(`submissions in CSV, Parquet and JSON on ${target.name}`, () => {
    let h: DbHandle;
    let w: World;
    const post = (body: RequestInit["body"], type: string, round?: number) =>
      w.api.send(submissionRoutes.submit, {
        params: { id: w.modelId },
        query: round === undefined ? undefined : { round },
        key: w.key,
        body,
        headers: { "content-type": type },
      });
    beforeAll(async () => {
      h = await target.open();
      w = await world(h);
    });
    afterAll(async () => {
      await h?.close();
    });

    it("gives the same canonical content and hash whichever format carried the numbers", async () => {
      const ids = w.live.ids;
      const values = predictions(ids);
      // Reversed rows, a probability column and an extra id: the canonical file is the same.
      const csv = await post(
        `id,probability\n${[...ids]
          .reverse()
          .map((id, i) => `${id},${values[ids.length - 1 - i]}`)
          .join("\r\n")}\r\nextra,0.5\r\n`,
        "text/csv; charset=utf-8",
      );
      const parquet = await post(
        writeParquet(ids, { prediction: Float64Array.from(values) }),
        "application/vnd.apache.parquet",
      );
      const octet = await post(
        writeParquet(ids, { prediction: Float64Array.from(values) }),
        "application/octet-stream",
      );
      const rows = await post(
        JSON.stringify({ predictions: ids.map((id, i) => ({ id, prediction: values[i] })) }),
        "application/json",
      );
      const columns = await post(JSON.stringify({ ids, predictions: values }), "application/json");
      const all = [csv, parquet, octet, rows, columns];
      for (const res of all) expect(res).toHaveStatus(201);
      expect(all.map((r) => r.data.format)).toEqual(["csv", "parquet", "parquet", "json", "json"]);
      expect(csv.data.extraIds).toBe(1);
      const expected = `id,prediction\n${[...ids]
        .sort()
        .map((id) => `${id},${values[ids.indexOf(id)]}`)
        .join("\n")}\n`;
      for (const res of all) expect(res.data.sha256).toBe(sha(expected));
      // Stored as numbers in canonical order (no text), which print back as the same CSV.
      const stored = await h.db.select().from(submissions);
      expect(stored.map((s) => s.canonicalCsv)).toEqual(stored.map(() => null));
      const sorted = [...ids].sort();
      expect(
        new Set(stored.map((s) => canonicalCsvOf(sorted, decodePredictions(s.predictions!)))),
      ).toEqual(new Set([expected]));
      // Only the latest on-time one is selected.
      const list = await w.api.send(submissionRoutes.list, { params: { id: w.modelId } });
      expect(list.data.submissions.map((s) => s.selected)).toEqual([
        true,
        false,
        false,
        false,
        false,
      ]);
      expect(list.data.submissions[0].id).toBe(columns.data.id);
    });

    it("reports bad values by line in CSV and by index in JSON and Parquet", async () => {
      const ids = w.live.ids;
      const values = predictions(ids);
      values[1] = 1.5;
      const csv = await post(csvOf(ids, values), "text/csv");
      expect(csv.error?.details).toHaveProperty("rows", [{ line: 3, id: ids[1], value: "1.5" }]);
      const json = await post(
        JSON.stringify({ ids, predictions: values.map((v, i) => (i === 2 ? "0.3" : v)) }),
        "application/json",
      );
      expect(json).toHaveStatus(422);
      expect(json.error?.details).toHaveProperty("rows", [
        { index: 1, id: ids[1], value: "1.5" },
        { index: 2, id: ids[2], value: "0.3" },
      ]);
      const parquet = await post(
        writeParquet(ids, { prediction: Float64Array.from(values) }),
        "application/vnd.apache.parquet",
      );
      expect(parquet).toHaveStatus(422);
      expect(parquet.error?.details).toHaveProperty("rows", [
        { index: 1, id: ids[1], value: "1.5" },
      ]);
    });

    const malformed: [string, RequestInit["body"], string, number, string][] = [
      ["invalid JSON", "{", "application/json", 422, "invalid_submission_headers"],
      ["a JSON array", "[]", "application/json", 422, "invalid_submission_headers"],
      [
        "JSON without predictions",
        '{"rows": []}',
        "application/json",
        422,
        "invalid_submission_headers",
      ],
      [
        "JSON ids and predictions of different lengths",
        '{"ids": ["a"], "predictions": []}',
        "application/json",
        422,
        "invalid_submission_headers",
      ],
      [
        "JSON rows without ids",
        '{"predictions": [{"prediction": 0.5}]}',
        "application/json",
        422,
        "invalid_submission_headers",
      ],
      [
        "JSON object ids",
        '{"ids": [{}], "predictions": [0.5]}',
        "application/json",
        422,
        "invalid_submission_ids",
      ],
      [
        "JSON with null predictions",
        '{"ids": ["id0000"], "predictions": [null]}',
        "application/json",
        422,
        "invalid_submission_values",
      ],
      [
        "Parquet that is not Parquet",
        "PAR1 not really PAR1",
        "application/vnd.apache.parquet",
        422,
        "invalid_submission_headers",
      ],
      [
        "octet-stream that is not Parquet",
        "id,prediction\n",
        "application/octet-stream",
        415,
        "unsupported_media_type",
      ],
    ];
    for (const [name, body, type, status, code] of malformed) {
      it(`rejects ${name} with ${code}`, async () => {
        const before = (await h.db.select().from(submissions)).length;
        const res = await post(body, type);
        expect(res).toHaveStatus(status);
        expect(res.error?.code).toBe(code);
        expect((await h.db.select().from(submissions)).length).toBe(before);
      });
    }

    it("rejects Parquet without a prediction column", async () => {
      const res = await post(
        writeParquet(w.live.ids, { score: Float64Array.from(predictions(w.live.ids)) }),
        "application/vnd.apache.parquet",
      );
      expect(res).toHaveStatus(422);
      expect(res.error?.code).toBe("invalid_submission_headers");
      expect(res.error?.details).toHaveProperty("header", ["id", "score"]);
    });

    it("opens a round from a Parquet live file, served and hashed as CSV", async () => {
      const ids = ["b", "a", "c"];
      const bytes = writeParquet(ids, {
        f1: Float64Array.from([0.5, 1, 0]),
        f2: Float64Array.from([2, 0.25, 3]),
      });
      const form = liveForm("");
      form.set("live", new File([bytes], "live.parquet"));
      const opened = await w.api.send(rounds.routes.open, { key: w.api.operatorKey, body: form });
      expect(opened).toHaveStatus(201);
      const file = await w.api.send(rounds.routes.live, { params: { number: opened.data.number } });
      expect(file.data).toBe("id,f1,f2\nb,0.5,2\na,1,0.25\nc,0,3\n");
      expect(opened.data.liveSha256).toBe(sha(file.data));
      const res = await post(
        JSON.stringify({ ids: ["a", "b", "c"], predictions: [0.1, 0.2, 0.3] }),
        "application/json",
        opened.data.number,
      );
      expect(res).toHaveStatus(201);
      expect(res.data.round).toBe(opened.data.number);
    });

    it("rejects a Parquet live file with text features or no id", async () => {
      const form = liveForm("");
      form.set("live", new File([writeParquet(["a"], { f: ["x"] })], "live.parquet"));
      const text = await w.api.send(rounds.routes.open, { key: w.api.operatorKey, body: form });
      expect(text).toHaveStatus(422);
      expect(text.error?.code).toBe("invalid_live_file");
    });
  });
}
