import type { App } from "../../hono-app";
import * as close from "./close";
import * as current from "./current";
import * as get from "./get";
import * as list from "./list";
import * as live from "./live";
import * as open from "./open";
import * as resolve from "./resolve";

/**
 * The rounds endpoints, one file each (its route, inferred types and register); registered in
 * this order, which is the OpenAPI document's.
 */
const endpoints = [open, list, current, get, live, close, resolve];

export { RoundStatusSchema, roundJson } from "./schemas";
export const routes = {
  open: open.route,
  list: list.route,
  current: current.route,
  get: get.route,
  live: live.route,
  close: close.route,
  resolve: resolve.route,
};

export function register(app: App) {
  for (const e of endpoints) e.register(app);
}
