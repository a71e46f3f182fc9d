import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as diagnostics from "../../api/routes/diagnostics";
import * as keys from "../../api/routes/keys";
import * as models from "../../api/routes/models";
import * as rounds from "../../api/routes/rounds";
import * as submissions from "../../api/routes/submissions";
import * as wallet from "../../api/routes/wallet";
import type { DbHandle } from "../../db";
import { liveForm, type Raw, targetsForm } from "../helpers/api";
import { dbTargets } from "../helpers/db";
import { csvOf, predictions, type World, world } from "./world";

type Scope = "read" | "submit" | "operator";

interface Protected {
  name: string;
  scope: Scope;
  /** The route acts on a model that must be the caller's. */
  owner?: boolean;
  call(w: World, key: string | undefined, modelId: string): Promise<Raw>;
}

const sub = (w: World) => csvOf(w.live.ids, predictions(w.live.ids));
const siwe = { message: "example.com wants you to sign in", signature: "0x00" };

/** Every route that needs a key, called with otherwise valid input. */
const routes: Protected[] = [
  {
    name: "POST /v1/keys",
    scope: "submit",
    call: (w, key) => w.api.send(keys.routes.createKey, { key, json: { scopes: ["read"] } }),
  },
  {
    name: "GET /v1/keys",
    scope: "read",
    call: (w, key) => w.api.send(keys.routes.listKeys, { key }),
  },
  {
    name: "DELETE /v1/keys/:id",
    scope: "submit",
    call: (w, key) => w.api.send(keys.routes.deleteKey, { params: { id: "key_nope" }, key }),
  },
  {
    name: "GET /v1/models",
    scope: "read",
    call: (w, key) => w.api.send(models.routes.mine, { key }),
  },
  {
    name: "POST /v1/models",
    scope: "submit",
    call: (w, key) => w.api.send(models.routes.create, { key, json: { name: "sec" } }),
  },
  {
    name: "POST /v1/wallet/nonce",
    scope: "submit",
    call: (w, key) => w.api.send(wallet.routes.nonce, { key }),
  },
  {
    name: "POST /v1/wallet",
    scope: "submit",
    call: (w, key) => w.api.send(wallet.routes.link, { key, json: siwe }),
  },
  {
    name: "POST /v1/models/:id/submissions",
    scope: "submit",
    owner: true,
    call: (w, key, id) =>
      w.api.send(submissions.routes.submit, {
        params: { id },
        key,
        body: sub(w),
        headers: { "content-type": "text/csv" },
      }),
  },
  {
    name: "POST /v1/models/:id/diagnostics",
    scope: "submit",
    owner: true,
    call: (w, key, id) =>
      w.api.send(diagnostics.routes.route, {
        params: { id },
        key,
        body: "id,era,prediction,target\na,1,0.1,0.2\nb,1,0.2,0.1\n",
        headers: { "content-type": "text/csv" },
      }),
  },
  {
    name: "POST /v1/rounds",
    scope: "operator",
    call: (w, key) => w.api.send(rounds.routes.open, { key, body: liveForm(w.live.csv) }),
  },
  {
    name: "POST /v1/rounds/:n/close",
    scope: "operator",
    call: (w, key) => w.api.send(rounds.routes.close, { params: { number: w.round }, key }),
  },
  {
    name: "POST /v1/rounds/:n/resolve",
    scope: "operator",
    call: (w, key) =>
      w.api.send(rounds.routes.resolve, {
        params: { number: w.round },
        key,
        body: targetsForm("id,target\nid0000,0.5\n"),
      }),
  },
];

/** A key of the owner that lacks `scope`. */
const wrongScopeKey = (w: World, scope: Scope) =>
  scope === "read" ? w.submitOnly : scope === "submit" ? w.readOnly : w.key;

for (const target of dbTargets()) {
  describe(`auth checks on every protected route on ${target.name}`, () => {
    let h: DbHandle;
    let w: World;
    beforeAll(async () => {
      h = await target.open();
      w = await world(h);
    });
    afterAll(async () => {
      await h?.close();
    });

    for (const r of routes) {
      it(`${r.name}: 401 without a key`, async () => {
        const res = await r.call(w, undefined, w.modelId);
        expect(res).toHaveStatus(401);
        expect(res.error?.code).toBe("unauthorized");
      });
      it(`${r.name}: 401 with a revoked or unknown key`, async () => {
        for (const key of [w.revoked, "tny_unknown"]) {
          const res = await r.call(w, key, w.modelId);
          expect(res).toHaveStatus(401);
          expect(res.error?.code).toBe("unauthorized");
        }
      });
      it(`${r.name}: 403 without the '${r.scope}' scope`, async () => {
        const res = await r.call(w, wrongScopeKey(w, r.scope), w.modelId);
        expect(res).toHaveStatus(403);
        expect(res.error?.code).toBe("forbidden");
      });
      if (r.owner) {
        it(`${r.name}: 403 on another account's model, 404 on an unknown one`, async () => {
          const res = await r.call(w, w.key, w.otherModelId);
          expect(res).toHaveStatus(403);
          expect(res.error?.code).toBe("forbidden");
          const unknown = await r.call(w, w.key, `0x${"ab".repeat(32)}`);
          expect(unknown).toHaveStatus(404);
        });
      }
    }

    it("a malformed Authorization header is a 401, not an anonymous call", async () => {
      const res = await w.api.send(models.routes.mine, { headers: { authorization: "Token x" } });
      expect(res).toHaveStatus(401);
    });

    it("refused calls changed nothing", async () => {
      for (const id of [w.modelId, w.otherModelId]) {
        const list = await w.api.send(submissions.routes.list, { params: { id } });
        expect(list.data.submissions).toEqual([]);
      }
      const round = await w.api.send(rounds.routes.get, { params: { number: w.round } });
      expect(round.data.status).toBe("open");
      const list = await w.api.send(rounds.routes.list);
      expect(list.data.rounds).toHaveLength(1);
      const mine = await w.api.send(models.routes.mine, { key: w.key });
      expect(mine.data.models.map((m) => m.name)).toEqual(["m-owner"]);
    });

    it("never returns key secrets or hashes from GET /v1/keys", async () => {
      const res = await w.api.send(keys.routes.listKeys, { key: w.key });
      expect(res).toHaveStatus(200);
      const text = JSON.stringify(res.data);
      for (const secret of [w.key, w.readOnly, w.submitOnly, w.revoked]) {
        expect(text).not.toContain(secret);
      }
      for (const k of res.data.keys) {
        expect(Object.keys(k).sort()).toEqual(["createdAt", "id", "prefix", "revokedAt", "scopes"]);
      }
    });
  });
}
