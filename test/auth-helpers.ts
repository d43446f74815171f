import { decodeJwt } from "jose";
import { encodeBase58 } from "../src/lib/solana";
import { call, json } from "./helpers";

/** A password that satisfies the policy. */
export const PASSWORD = "correct horse battery staple";

/** An email no other test uses. */
export function uniqueEmail(tag = "user"): string {
  return `${tag}-${crypto.randomUUID()}@example.test`;
}

/** POSTs a JSON body to the Worker. */
export function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return call(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** Registers an account (asserting 201) and returns it with its password. */
export async function registerUser(
  options: { email?: string; password?: string; role?: string } = {},
): Promise<{ user_id: string; email: string; role: string; password: string }> {
  const password = options.password ?? PASSWORD;
  const res = await post("/api/v1/auth/register", {
    email: options.email ?? uniqueEmail(),
    password,
    ...(options.role ? { role: options.role } : {}),
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  return { ...(await json(res)), password };
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  expires_at: string;
}

/** Logs in (asserting 200) and returns the token pair. */
export async function loginUser(email: string, password = PASSWORD): Promise<Tokens> {
  const res = await post("/api/v1/auth/login", { email, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return json(res);
}

/** Registers and logs in a fresh account. */
export async function signedInUser(role?: "developer" | "trader") {
  const user = await registerUser(role ? { role } : {});
  return { user, tokens: await loginUser(user.email, user.password) };
}

/** `GET /api/v1/me` with a bearer token. */
export function me(accessToken: string): Promise<Response> {
  return call("/api/v1/me", { headers: { Authorization: `Bearer ${accessToken}` } });
}

/** The unverified claims of a JWT, for assertions. */
export function claimsOf(token: string): Record<string, unknown> {
  return decodeJwt(token);
}

/** A real ed25519 key pair made with WebCrypto, as a Solana wallet holds it. */
export async function newWallet(): Promise<{ address: string; sign: (message: string) => Promise<Uint8Array> }> {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const raw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  return {
    address: encodeBase58(raw),
    sign: async (message) =>
      new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, new TextEncoder().encode(message))),
  };
}

/** Standard base64 of bytes. */
export function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}
