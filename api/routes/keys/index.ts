import type { App } from "../../hono-app";
import * as create from "./create";
import * as list from "./list";
import * as remove from "./remove";

export * from "./schemas";

/** The keys endpoints, one file each; registered in this order (the OpenAPI document's). */
const endpoints = [create, list, remove];

export const routes = {
  createKey: create.route,
  listKeys: list.route,
  deleteKey: remove.route,
};

export function register(app: App) {
  for (const e of endpoints) e.register(app);
}
