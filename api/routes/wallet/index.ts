import type { App } from "../../hono-app";
import * as link from "./link";
import * as nonce from "./nonce";

export * from "./schemas";

/** The wallet endpoints, one file each; registered in this order (the OpenAPI document's). */
const endpoints = [nonce, link];

export const routes = {
  nonce: nonce.route,
  link: link.route,
};

export function register(app: App) {
  for (const e of endpoints) e.register(app);
}
