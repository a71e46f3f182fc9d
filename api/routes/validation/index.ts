import type { App } from "../../hono-app";
import * as get from "./get";
import * as post from "./post";

export * from "./schemas";

/** The validation endpoints, one file each; registered in this order (the OpenAPI document's). */
const endpoints = [post, get];

export const routes = {
  post: post.route,
  get: get.route,
};

export function register(app: App) {
  for (const e of endpoints) e.register(app);
}
