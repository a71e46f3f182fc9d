import type { App } from "../../hono-app";
import * as get from "./get";
import * as list from "./list";
import * as submit from "./submit";

/** The submissions endpoints, one file each; registered in this order (the document's). */
const endpoints = [submit, list, get];

export const routes = { submit: submit.route, list: list.route, get: get.route };

export function register(app: App) {
  for (const e of endpoints) e.register(app);
}
