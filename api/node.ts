import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApp } from "./app";
import type { AppServices } from "./context";

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

/** Serves the app on Node (the `npm start` stack and end-to-end tests use this). */
export function serveApi(services: AppServices): Promise<RunningApi> {
  const app = createApp(services);
  const { PORT: port, HOST: hostname } = services.config;
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => {
      resolve({
        url: `http://${hostname}:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
