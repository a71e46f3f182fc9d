import type { App } from "../../hono-app";
import * as create from "./create";
import * as deliveries from "./deliveries";
import * as list from "./list";
import * as remove from "./remove";

export * from "./schemas";

/** The webhooks endpoints, one file each; registered in this order (the OpenAPI document's). */
const endpoints = [create, list, remove, deliveries];

export const routes = {
  create: create.route,
  list: list.route,
  remove: remove.route,
  deliveries: deliveries.route,
};

export function register(app: App) {
  for (const e of endpoints) e.register(app);
}
