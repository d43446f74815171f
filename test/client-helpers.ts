/** Helpers for the client SDK tests: the SDK talks to the real Worker through an injected fetch. */

import { createExecutionContext } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { createApp } from "../src/app";
import { type FetchLike, ParapetClient } from "../src/client";
import type { ClientOptions } from "../src/client/core";
import { BASE } from "./helpers";

/** One request as the Worker saw it. */
export interface Seen {
  method: string;
  path: string;
  status: number;
  headers: Headers;
  /** The answer's `Retry-After`, if any. */
  retryAfter: string | null;
}

/**
 * A fetch into the Worker (or into `createApp()` with a custom environment) that records every
 * request; `ip` is sent as `CF-Connecting-IP`, as the edge would.
 */
export function recordingFetch(env?: Env, ip?: string): { fetch: FetchLike; seen: Seen[] } {
  const app = env ? createApp() : undefined;
  const seen: Seen[] = [];
  const fetch: FetchLike = async (original) => {
    const headers = new Headers(original.headers);
    if (ip) headers.set("cf-connecting-ip", ip);
    const request = new Request(original, { headers });
    const url = new URL(request.url);
    const response = app
      ? await app.fetch(request, env, createExecutionContext())
      : await exports.default.fetch(request);
    seen.push({
      method: request.method,
      path: `${url.pathname}${url.search}`,
      status: response.status,
      headers,
      retryAfter: response.headers.get("retry-after"),
    });
    return response;
  };
  return { fetch, seen };
}

/** A client of the real Worker; `fetch` defaults to a recording one. */
export function clientFor(options: Partial<ClientOptions> = {}) {
  const recorder = recordingFetch();
  const client = new ParapetClient({ baseUrl: BASE, fetch: recorder.fetch, ...options });
  return { client, seen: recorder.seen };
}

/** A fresh email + password account of `role`, registered through the API. */
export async function registered(client: ParapetClient, role: "developer" | "trader" = "trader") {
  const email = `sdk_${crypto.randomUUID().slice(0, 12)}@clients.parapet.test`;
  const password = "correct horse battery staple";
  const user = await client.auth.register({ email, password, role });
  return { email, password, user_id: user.user_id };
}
