import { join } from "node:path";
import { Instance, Server } from "prool";
import { english, generateMnemonic } from "viem/accounts";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** prool's proxy: `${anvilProxy}/${VITEST_POOL_ID}` is this worker's own anvil. */
    anvilProxy: string;
    /** The dev accounts' mnemonic of every worker's anvil (index 0 the operator). */
    anvilMnemonic: string;
  }
}

// prool calls Promise.withResolvers (Node 22); the project supports Node 20.19, which lacks it.
if (!("withResolvers" in Promise)) {
  Object.defineProperty(Promise, "withResolvers", {
    value<T>() {
      let resolve!: (v: T) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<T>((ok, fail) => {
        resolve = ok;
        reject = fail;
      });
      return { promise, resolve, reject };
    },
  });
}

/** Dev accounts on each anvil: the operator and up to 31 stakers. */
export const ANVIL_ACCOUNTS = 32;

/**
 * vitest's global setup: one prool server for the run, which starts one anvil (the npm package's
 * binary) per vitest worker on first use, at `/<pool id>`. A suite takes a fresh chain with
 * `localChain()` (test/helpers/local-chain.ts), which restarts its worker's anvil; files in one
 * worker run one after another, so no two suites ever share a chain.
 */
export default async function setup(project: TestProject) {
  const mnemonic = generateMnemonic(english);
  const server = Server.create({
    host: "127.0.0.1",
    port: 0,
    instance: Instance.anvil({
      binary: join(project.config.root, "node_modules/.bin/anvil"),
      host: "127.0.0.1",
      mnemonic,
      accounts: ANVIL_ACCOUNTS,
    }),
  });
  await server.start();
  const address = server.address();
  if (!address) throw new Error("prool's server did not bind");
  project.provide("anvilProxy", `http://127.0.0.1:${address.port}`);
  project.provide("anvilMnemonic", mnemonic);
  return () => server.stop();
}
