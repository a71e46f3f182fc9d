import { lookup } from "node:dns";
import { BlockList, isIP } from "node:net";

/**
 * Addresses a webhook may not reach unless private targets are allowed: loopback, private,
 * link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, unique-local, multicast,
 * documentation, benchmarking and reserved ranges, in IPv4 and IPv6.
 */
const blocked = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(net, bits, "ipv4");
}
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001::", 23],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(net, bits, "ipv6");
}

/** Whether `ip` (a literal address) is private, loopback or otherwise not on the public internet. */
export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return blocked.check(ip, "ipv4");
  if (family !== 6) return true; // not an address: refuse
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return blocked.check(mapped[1]!, "ipv4");
  return blocked.check(ip, "ipv6");
}

export type UrlRefusal = { code: "invalid_url" | "private_address"; message: string };

/**
 * Checks a webhook URL's shape: absolute http(s), no credentials, and (unless `allowPrivate`)
 * a host that is not a private or loopback literal. Hostnames are checked when resolved.
 */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): UrlRefusal | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { code: "invalid_url", message: "Not an absolute URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { code: "invalid_url", message: "Only http and https URLs are allowed" };
  }
  if (url.username || url.password) {
    return { code: "invalid_url", message: "URLs with credentials are not allowed" };
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivate) {
    if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local")) {
      return { code: "private_address", message: `${host} is a local name` };
    }
    if (isIP(host) && isPrivateAddress(host)) {
      return { code: "private_address", message: `${host} is a private or loopback address` };
    }
  }
  return undefined;
}

/** Resolves every address of `host` and refuses it if any is private (unless allowed). */
export async function resolvePublic(
  host: string,
  allowPrivate: boolean,
): Promise<UrlRefusal | undefined> {
  const bare = host.replace(/^\[|\]$/g, "");
  if (allowPrivate) return undefined;
  const addresses = isIP(bare)
    ? [bare]
    : await new Promise<string[]>((ok) =>
        lookup(bare, { all: true }, (err, list) => ok(err ? [] : list.map((a) => a.address))),
      );
  if (addresses.length === 0) return { code: "invalid_url", message: `${bare} does not resolve` };
  const bad = addresses.find(isPrivateAddress);
  return bad
    ? { code: "private_address", message: `${bare} resolves to ${bad}, a private address` }
    : undefined;
}

/**
 * A `dns.lookup` for outgoing webhook connections that fails on private addresses: the check
 * happens on the address actually connected to, so DNS rebinding after registration is caught.
 */
export function guardedLookup(allowPrivate: boolean): typeof lookup {
  return ((hostname: string, options: object, callback: (...a: unknown[]) => void) => {
    lookup(hostname, { ...options, all: true }, (err, list) => {
      if (err) return callback(err);
      const bad = list.find((a) => isPrivateAddress(a.address));
      if (bad && !allowPrivate) {
        const e = new Error(`${hostname} resolves to ${bad.address}, a private address`);
        (e as NodeJS.ErrnoException).code = "EPRIVATE";
        return callback(e);
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  }) as typeof lookup;
}
