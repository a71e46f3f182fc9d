import { afterAll, beforeAll } from "vitest";
import { parseApiConfig } from "../../api/env";
import { jsonLogger } from "../../api/logger";
import { type RunningApi, serveApi } from "../../api/node";
import { routes as modelRoutes } from "../../api/routes/models";
import { createAccount, type DbHandle, openDb } from "../../db";
import { httpSend } from "./api";

/** A served API's address, with a key of an account and a model of that account. */
export interface Served {
  url: string;
  key: string;
  model: string;
}

/**
 * The Node server (api/node) on a free port over an in-memory database, for suites that need a
 * real socket or thread: started in `beforeAll` with an account (`name`) and its model
 * (`${name}-model`), closed in `afterAll`. Read the fields inside tests, once it has started.
 */
export function servedApi(name: string, env: Record<string, string> = {}): Served {
  const served: Served = { url: "", key: "", model: "" };
  let h: DbHandle | undefined;
  let api: RunningApi | undefined;
  beforeAll(async () => {
    h = await openDb({ dataDir: "memory://" });
    api = await serveApi({
      db: h.db,
      config: parseApiConfig({ PORT: "0", LOG_LEVEL: "silent", ...env }),
      logger: jsonLogger("silent"),
    });
    served.url = api.url;
    served.key = (await createAccount(h.db, name)).secret;
    const model = await httpSend(api.url, modelRoutes.create, {
      key: served.key,
      json: { name: `${name}-model` },
    });
    if (model.status !== 201) throw new Error(`no model: ${JSON.stringify(model.data)}`);
    served.model = model.data.id;
  });
  afterAll(async () => {
    await api?.close();
    await h?.close();
  });
  return served;
}
