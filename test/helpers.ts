import { env, exports } from "cloudflare:workers";
import { getConfig } from "../src/config";
import { signAccessToken } from "../src/services/auth/jwt";
import { ROLE_SCOPES } from "../src/services/auth/scopes";
import type { Role } from "../src/types";

export const BASE = "https://api.parapet.test";

/** Calls the Worker's fetch handler over HTTPS, like a client would. */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, init));
}

/** Reads a JSON body with a loose type for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: assertions inspect arbitrary JSON.
export async function json(res: Response): Promise<any> {
  return res.json();
}

/** Asserts the error envelope of API.md and returns it. */
export async function expectError(res: Response, status: number, code: string) {
  const body = await json(res);
  if (res.status !== status || body?.error?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${res.status} ${JSON.stringify(body)}`);
  }
  if (typeof body.error.message !== "string" || typeof body.error.request_id !== "string") {
    throw new Error(`malformed error envelope: ${JSON.stringify(body)}`);
  }
  if (typeof body.error.details !== "object" || body.error.details === null) {
    throw new Error(`error envelope without details: ${JSON.stringify(body)}`);
  }
  return body.error as { code: string; message: string; details: Record<string, unknown>; request_id: string };
}

/**
 * Mints an access token directly, for tests of guarded routes. Access tokens are bound to a live
 * session (`sid`), so this creates the user (with this role, if missing) and a fresh session.
 */
export async function tokenFor(role: Role, sub = `usr_test_${role}`): Promise<string> {
  const now = Date.now();
  const sid = `ses_test_${crypto.randomUUID()}`;
  await env.DB.batch([
    // The password hash is deliberately unparseable: these accounts cannot log in.
    env.DB.prepare(
      "INSERT OR IGNORE INTO users (id, email, password_hash, role, created_at) VALUES (?1, ?2, 'test-only', ?3, ?4)",
    ).bind(sub, `${sub.toLowerCase()}@tokens.parapet.test`, role, now),
    env.DB.prepare(
      "INSERT INTO sessions (id, user_id, method, created_at, expires_at) VALUES (?1, ?2, 'password', ?3, ?4)",
    ).bind(sid, sub, now, now + 86_400_000),
  ]);
  const { token } = await signAccessToken(getConfig(env), { sub, role, permissions: [...ROLE_SCOPES[role]], sid });
  return token;
}

/** `Authorization` header for a role's token. */
export async function authHeader(role: Role, sub?: string): Promise<Record<string, string>> {
  return { Authorization: `Bearer ${await tokenFor(role, sub)}` };
}
