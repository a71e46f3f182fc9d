import type { App } from "../../hono-app";
import * as byModelDaily from "./by-model";
import * as postDaily from "./post";

export * from "./schemas";

/** The daily-scores endpoints, one file each; registered in this order (the OpenAPI document's). */
const endpoints = [postDaily, byModelDaily];

export const routes = {
  postDaily: postDaily.route,
  byModelDaily: byModelDaily.route,
};

export function register(app: App) {
  for (const e of endpoints) e.register(app);
}
