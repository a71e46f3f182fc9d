import { createClient } from "../../api/client";
import { parseWithPositionals, printJson, runWith } from "../args";
import type { Command } from "../command";
import { UsageError } from "../command";
import { configPath, loadConfig, saveConfig } from "../config";
import { color } from "../ui";

const usage = `Usage: tourney login --api URL --key KEY [--rpc URL] [--tournament ADDRESS] [--token ADDRESS] [--json]

Checks the key against the API and saves {api, key} (and any chain settings given) to
$TOURNEY_CONFIG_DIR/config.json, else $XDG_CONFIG_HOME/tourney/config.json, else
~/.config/tourney/config.json (mode 0600). Other commands read it; their --api/--key flags and
the TOURNEY_API/TOURNEY_API_KEY environment variables take precedence.

Options:
  --api URL              API base URL, e.g. http://127.0.0.1:8787
  --key KEY              API key (from POST /v1/accounts, or .tourney/dev.json locally)
  --rpc URL              save a JSON-RPC endpoint for the chain commands
  --tournament ADDRESS   save the Tournament contract address
  --token ADDRESS        save the stake token address
  --no-verify            save without checking the key
  --json                 print {"api", "config"}
  -h, --help             show this help`;

export const login: Command = {
  name: "login",
  usage,
  async run(argv) {
    const parsed = parseWithPositionals(argv, {
      api: { type: "string" },
      key: { type: "string" },
      rpc: { type: "string" },
      tournament: { type: "string" },
      token: { type: "string" },
      "no-verify": { type: "boolean" },
      json: { type: "boolean" },
    });
    const { values: v, positionals } = parsed;
    if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}`);
    if (!v.api) throw new UsageError("--api is required");
    if (!v.key) throw new UsageError("--key is required");
    let api = v.api.replace(/\/+$/, "");
    if (!/^https?:\/\//.test(api)) throw new UsageError("--api must be an http(s) URL");
    api = new URL(api).toString().replace(/\/+$/, "");
    return runWith(Boolean(v.json), async () => {
      if (!v["no-verify"]) {
        // Any /v1 request with a key checks it: unknown or revoked keys answer 401.
        await createClient({ baseUrl: api, apiKey: v.key }).rounds.list({ limit: 1 });
      }
      const config = loadConfig();
      config.api = api;
      config.key = v.key;
      if (v.rpc) config.rpc = v.rpc;
      if (v.tournament) config.tournament = v.tournament;
      if (v.token) config.token = v.token;
      const path = saveConfig(config);
      if (v.json) printJson({ api, config: path });
      else
        process.stdout.write(`${color.green("Logged in")} to ${api}\nSaved to ${configPath()}\n`);
      return 0;
    });
  },
};
