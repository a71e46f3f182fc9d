import type { WebhookEvent } from "../../api/client";
import {
  apiOptions,
  apiOptionsHelp,
  expectPositionals,
  parseWithPositionals,
  printJson,
  runWith,
} from "../args";
import { type Command, UsageError } from "../command";
import { apiContext } from "../config";
import { color, formatTable } from "../ui";

const EVENTS: WebhookEvent[] = [
  "round.opened",
  "round.closed",
  "round.scored",
  "round.settled",
  "round.daily_scored",
];

const usage = `Usage: tourney webhooks add URL [--events LIST] [options]
       tourney webhooks list [options]
       tourney webhooks rm ID [options]
       tourney webhooks deliveries ID [options]

Webhook endpoints of your account: the worker POSTs round events to them, signed the Standard
Webhooks way (headers webhook-id, webhook-timestamp, webhook-signature "v1,<base64 HMAC-SHA256
of id.timestamp.body>"), retrying with backoff for about a day.

  add URL         register an endpoint (http or https); prints its secret ONCE: keep it to
                  check the signatures (any Standard Webhooks library does)
  list            your endpoints: events, status (disabled after repeated failure)
  rm ID           delete an endpoint
  deliveries ID   its delivery log, newest first, with every attempt

Options:
  --events LIST   comma-separated, default all: ${EVENTS.join(", ")}
${apiOptionsHelp}

--json: add prints {"id", "url", "events", "status", "secret", ...}; list prints {"webhooks":
        [...]}; rm prints {"id", "deleted": true}; deliveries prints {"deliveries": [...]}`;

export const webhooks: Command = {
  name: "webhooks",
  usage,
  async run(argv) {
    const parsed = parseWithPositionals(argv, { ...apiOptions, events: { type: "string" } });
    const { values: v, positionals } = parsed;
    const [sub, ...rest] = positionals;
    const json = Boolean(v.json);
    if (sub === "add") {
      const [url] = expectPositionals(rest, ["URL"]);
      const events = (v.events ?? EVENTS.join(","))
        .split(",")
        .map((e) => e.trim())
        .filter(Boolean) as WebhookEvent[];
      const unknown = events.filter((e) => !EVENTS.includes(e));
      if (unknown.length > 0 || events.length === 0)
        throw new UsageError(`--events must be a list of: ${EVENTS.join(", ")}`);
      return runWith(json, async () => {
        const { client } = apiContext(v, true);
        const hook = await client.webhooks.create(url!, events);
        if (json) printJson(hook);
        else
          process.stdout.write(
            `${color.green("Registered")} webhook ${hook.id}\nurl     ${hook.url}\nevents  ${hook.events.join(", ")}\nsecret  ${hook.secret}\n(shown once: store it to verify signatures)\n`,
          );
        return 0;
      });
    }
    if (sub === "list") {
      expectPositionals(rest, []);
      return runWith(json, async () => {
        const { client } = apiContext(v, true);
        const list = await client.webhooks.list();
        if (json) printJson({ webhooks: list });
        else if (list.length === 0)
          process.stdout.write("No webhooks: `tourney webhooks add URL`\n");
        else
          process.stdout.write(
            `${formatTable(
              ["id", "status", "events", "url"],
              list.map((h) => [h.id, h.status, h.events.join(","), h.url]),
            )}\n`,
          );
        return 0;
      });
    }
    if (sub === "rm") {
      const [id] = expectPositionals(rest, ["ID"]);
      return runWith(json, async () => {
        const { client } = apiContext(v, true);
        await client.webhooks.remove(id!);
        if (json) printJson({ id, deleted: true });
        else process.stdout.write(`Deleted webhook ${id}\n`);
        return 0;
      });
    }
    if (sub === "deliveries") {
      const [id] = expectPositionals(rest, ["ID"]);
      return runWith(json, async () => {
        const { client } = apiContext(v, true);
        const list = await client.webhooks.deliveries(id!);
        if (json) printJson({ deliveries: list });
        else if (list.length === 0) process.stdout.write("No deliveries yet\n");
        else
          process.stdout.write(
            `${formatTable(
              ["id", "type", "status", "attempts", "last"],
              list.map((d) => {
                const last = d.attempts.at(-1);
                return [
                  d.id,
                  d.type,
                  d.status,
                  String(d.attempts.length),
                  last ? (last.error ?? String(last.status)) : "-",
                ];
              }),
            )}\n`,
          );
        return 0;
      });
    }
    if (sub === undefined)
      throw new UsageError("expected a subcommand: add, list, rm or deliveries");
    throw new UsageError(`unknown subcommand "${sub}" (add, list, rm, deliveries)`);
  },
};
