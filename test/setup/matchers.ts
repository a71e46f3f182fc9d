import { expect } from "vitest";

interface Responded {
  status: number;
  data?: unknown;
  statusText?: string;
}

declare module "vitest" {
  interface Assertion<T> {
    /** The response has this HTTP status; when not, the message shows the response's body. */
    toHaveStatus(status: number): T;
  }
}

/** What a failing status check prints: the body a request helper parsed, else the status text. */
function shown(r: Responded): string {
  if (r.data === undefined) return r.statusText ?? "";
  const text = typeof r.data === "string" ? r.data : JSON.stringify(r.data);
  return text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text;
}

expect.extend({
  toHaveStatus(received: Responded, status: number) {
    const pass = received?.status === status;
    return {
      pass,
      message: () =>
        pass
          ? `expected a status other than ${status}: ${shown(received)}`
          : `expected status ${status}, got ${received?.status}: ${shown(received)}`,
      actual: received?.status,
      expected: status,
    };
  },
});
