import type { App } from "../../hono-app";
import * as byModel from "./by-model";
import * as byRound from "./by-round";

export * from "./schemas";

/** The scores endpoints, one file each; registered in this order (the OpenAPI document's). */
const endpoints = [byRound, byModel];

export const routes = {
  byRound: byRound.route,
  byModel: byModel.route,
};

export function register(app: App) {
  for (const e of endpoints) e.register(app);
}
