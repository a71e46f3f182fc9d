import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, openDb } from "../../db";
import { testApi } from "../helpers/api";

const TOURNAMENT = `0x${"12".repeat(20)}`;
const EVIL = `0x${"e1".repeat(20)}`;

describe("dashboard headers and the stake page's contract", () => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await openDb({ dataDir: "memory://" });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("sends a CSP that runs only the page's own scripts, and forbids framing", async () => {
    const { app } = await testApi(h);
    for (const path of ["/", "/leaderboard", "/stake"]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("object-src 'none'");
      expect(csp, path).not.toContain("'unsafe-inline' 'self'; script");
      expect(csp).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+/);
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      const html = await res.text();
      // Every inline script of the page is allowed by its hash (and nothing else is inline).
      for (const [, body] of html.matchAll(/<script>([\s\S]*?)<\/script>/g)) {
        const hash = createHash("sha256").update(body!).digest("base64");
        expect(csp, path).toContain(`'sha256-${hash}'`);
      }
      expect(html).not.toMatch(/\son(submit|click|load|change)=/);
    }
  });

  it("the stake page's contract comes from configuration, never from the link", async () => {
    const configured = await testApi(h, { TOURNAMENT_ADDRESS: TOURNAMENT });
    const page = await (await configured.app.request(`/stake?tournament=${EVIL}`)).text();
    expect(page).not.toContain(EVIL);
    expect(page).toMatch(new RegExp(`value="${TOURNAMENT}"[^>]*readonly`));
    const bare = await testApi(h);
    const unset = await (await bare.app.request(`/stake?tournament=${EVIL}`)).text();
    expect(unset).not.toContain(EVIL);
  });
});
