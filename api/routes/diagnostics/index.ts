import type { App } from "../../hono-app";
import * as get from "./get";
import * as post from "./post";

export * from "./schemas";

/** The diagnostics endpoints, one file each; registered in this order (the OpenAPI document's). */
const endpoints = [post, get];

export const routes = {
  route: post.route,
  getRoute: get.route,
};

export function register(app: App) {
  for (const e of endpoints) e.register(app);
}
