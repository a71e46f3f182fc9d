import type { Context } from "hono";

/**
 * The address a request came from, for per-address limits. The socket's peer address, unless
 * `trustProxy` hops of proxies are in front of the API: then the address the outermost trusted
 * proxy saw, which is the `trustProxy`-th entry of `X-Forwarded-For` from the right (each proxy
 * appends the address it was reached from; entries further left are the client's to invent).
 * Undefined when there is no socket (in-process requests in tests).
 */
export function clientAddress(c: Context, trustProxy: number): string | undefined {
  if (trustProxy > 0) {
    const hops = (c.req.header("x-forwarded-for") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (hops.length > 0) return hops[Math.max(0, hops.length - trustProxy)]!.slice(0, 64);
  }
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

/** On Cloudflare Workers the edge sets `CF-Connecting-IP`, which clients cannot override. */
export const cloudflareClientAddress = (c: Context) =>
  c.req.header("cf-connecting-ip")?.slice(0, 64);
