import type { App } from "../../hono-app";
import * as bundle from "./bundle";
import * as receipt from "./receipt";

export * from "./schemas";

/** The verify endpoints, one file each; registered in this order (the OpenAPI document's). */
const endpoints = [receipt, bundle];

export const routes = {
  receipt: receipt.route,
  bundle: bundle.route,
};

export function register(app: App) {
  for (const e of endpoints) e.register(app);
}
