import type { App } from "../../hono-app";
import * as byAddress from "./by-address";
import * as byModel from "./by-model";

export * from "./schemas";

/** The stakes endpoints, one file each; registered in this order (the OpenAPI document's). */
const endpoints = [byAddress, byModel];

export const routes = {
  byAddress: byAddress.route,
  byModel: byModel.route,
};

export function register(app: App) {
  for (const e of endpoints) e.register(app);
}
