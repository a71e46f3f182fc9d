import type { App } from "../../hono-app";
import * as create from "./create";
import * as get from "./get";
import * as mine from "./mine";

export * from "./schemas";

/** The models endpoints, one file each; registered in this order (the OpenAPI document's). */
const endpoints = [create, mine, get];

export const routes = {
  create: create.route,
  mine: mine.route,
  get: get.route,
};

export function register(app: App) {
  for (const e of endpoints) e.register(app);
}
