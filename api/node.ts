import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApp } from "./app";
import type { AppServices } from "./context";
import { warmUp } from "./domain/warm";
import { threadOffload } from "./threads/pool";

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  /**
   * Before listening, open this many database connections and load the open round's live index
   * (`warmUp`) and start the upload threads, so the first clients after a start do not wait
   * for that work. Off when absent.
   */
  warmConnections?: number;
}

/** Serves the app on Node (the `npm start` stack and end-to-end tests use this). */
export async function serveApi(
  services: AppServices,
  options: ServeOptions = {},
): Promise<RunningApi> {
  // Diagnostics (CPU-heavy) run on a worker thread, not on the event loop serving requests.
  const offload = services.offload ?? threadOffload();
  const app = createApp({ ...services, offload });
  if (options.warmConnections) {
    try {
      // The upload threads too: their start is not the first heavy upload's to pay.
      await offload.warm?.();
      const warmed = await warmUp(services.db, options.warmConnections);
      services.logger.debug("warmed up", { ...warmed, connections: options.warmConnections });
    } catch (err) {
      services.logger.warn("warm-up failed (serving anyway)", { err: String(err) });
    }
  }
  const { PORT: port, HOST: hostname } = services.config;
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => {
      const url = `http://${hostname}:${info.port}`;
      // The SIWE domain's default: the address this server really listens on (PORT may be 0).
      services.config.PUBLIC_URL ??= url;
      resolve({
        url,
        close: async () => {
          await new Promise<void>((done) => server.close(() => done()));
          await offload.close();
        },
      });
    });
  });
}
