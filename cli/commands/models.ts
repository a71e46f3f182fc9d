import { TourneyApiError } from "../../api/client";
import {
  apiOptions,
  apiOptionsHelp,
  expectPositionals,
  parseWithPositionals,
  printJson,
  runWith,
} from "../args";
import { type Command, UsageError } from "../command";
import { apiContext, rememberModel } from "../config";
import { formatTable } from "../ui";

const usage = `Usage: tourney models create NAME [options]
       tourney models list [options]

  create NAME   create a model (letters, digits, _ and -); prints its id, the bytes32 stakers
                stake on; the name is also remembered in the CLI config
  list          your models (GET /v1/models; on servers without it, the names this CLI created)

Options:
${apiOptionsHelp}

--json: create prints {"id", "name", "accountId", "createdAt"};
        list prints {"models": [{"id", "name"}], "source": "api" | "config"}`;

export const models: Command = {
  name: "models",
  usage,
  async run(argv) {
    const parsed = parseWithPositionals(argv, apiOptions);
    const { values: v, positionals } = parsed;
    const [sub, ...rest] = positionals;
    if (sub === "create") {
      const [name] = expectPositionals(rest, ["NAME"]);
      return runWith(Boolean(v.json), async () => {
        const ctx = apiContext(v, true);
        const model = await ctx.client.models.create(name!);
        rememberModel(ctx.api, model.name, model.id);
        if (v.json) printJson(model);
        else process.stdout.write(`Created model ${model.name}\nid ${model.id}\n`);
        return 0;
      });
    }
    if (sub === "list") {
      expectPositionals(rest, []);
      return runWith(Boolean(v.json), async () => {
        const ctx = apiContext(v, true);
        let list: { id: string; name: string }[];
        let source: "api" | "config" = "api";
        try {
          list = (await ctx.client.models.list()).map((m) => ({ id: m.id, name: m.name }));
        } catch (e) {
          if (!(e instanceof TourneyApiError && (e.status === 404 || e.status === 405))) throw e;
          source = "config";
          list = Object.entries(ctx.config.models?.[ctx.api] ?? {}).map(([name, id]) => ({
            id,
            name,
          }));
        }
        list.sort((a, b) => a.name.localeCompare(b.name));
        if (v.json) printJson({ models: list, source });
        else if (list.length === 0)
          process.stdout.write("No models yet: `tourney models create NAME`\n");
        else {
          process.stdout.write(
            `${formatTable(
              ["name", "id"],
              list.map((m) => [m.name, m.id]),
            )}\n`,
          );
          if (source === "config")
            process.stderr.write(
              "(the server has no GET /v1/models: models created with this CLI)\n",
            );
        }
        return 0;
      });
    }
    if (sub === undefined) throw new UsageError("expected a subcommand: create or list");
    throw new UsageError(`unknown subcommand "${sub}" (create, list)`);
  },
};
