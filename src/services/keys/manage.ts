/**
 * Key management for the keys' owners: create, list, read, rotate, revoke, usage. Another
 * account's key — and, for API-key callers, a key more powerful than the caller — answers
 * exactly like a missing one (404 `not_found`).
 */
import {
  type ApiKeyRow,
  countLiveKeys,
  findKeyById,
  insertApiKey,
  listKeysOfUser,
  type NewApiKey,
  revokeApiKey,
  rotateApiKey,
} from "../../db/api-keys";
import { ApiError } from "../../errors";
import { sealSecret } from "../../lib/secret-box";
import type { Principal, Scope } from "../../types";
import type { AuthDeps } from "../auth/deps";
import { forgetKey } from "./key-cache";
import { generateApiKey, generateSigningSecret, newKeyId } from "./material";
import {
  escalations,
  grantableScopes,
  type KeyCaller,
  type KeyPowers,
  type KeyTier,
  mayGrantTier,
  mayManage,
} from "./policy";
import { flushKeyUsage, keyUsage } from "./usage";
import { type KeyObject, powersOf, toKeyObject } from "./view";

/** Keys (not revoked) an account may hold at once. */
export const MAX_KEYS_PER_ACCOUNT = 100;

const DAY_MS = 86_400_000;

/** A new key's request, validated and normalised by the route schema. */
export interface CreateKeyInput {
  name: string;
  scopes: Scope[];
  tier: KeyTier;
  ip_allowlist?: string[];
  allowed_countries?: string[];
  expires_in_days?: number;
}

/** A key object with the secrets shown only at creation and rotation. */
export type IssuedKey = KeyObject & { api_key: string; api_secret: string };

/** The caller as the policy sees it; for an API key, with the key's current restrictions from D1. */
export async function keyCallerOf(db: D1Database, principal: Principal): Promise<KeyCaller> {
  const caller: KeyCaller = { user_id: principal.user_id, role: principal.role, scopes: principal.scopes, key: null };
  if (principal.kind !== "api_key" || !principal.key_id) return caller;
  const row = await findKeyById(db, principal.key_id);
  if (!row) throw new ApiError("invalid_api_key");
  // The key's effective scopes are already cut to the owner's role in the principal.
  return { ...caller, key: { ...powersOf(row), scopes: principal.scopes } };
}

async function issue(
  deps: AuthDeps,
  fields: Omit<NewApiKey, "id" | "key_hash" | "prefix" | "secret_sealed" | "created_at">,
): Promise<{ row: NewApiKey; api_key: string; api_secret: string }> {
  const id = newKeyId();
  const { key, hash, prefix } = await generateApiKey();
  const secret = generateSigningSecret();
  const row: NewApiKey = {
    ...fields,
    id,
    key_hash: hash,
    prefix,
    secret_sealed: await sealSecret(deps.config.ENCRYPTION_KEY, secret, id),
    created_at: deps.now,
  };
  return { row, api_key: key, api_secret: secret };
}

function rowOf(row: NewApiKey, now: number): ApiKeyRow {
  return {
    ...row,
    status: "active",
    suspended_reason: null,
    revoked_at: null,
    revoked_reason: null,
    replaced_by: null,
    last_used_at: null,
    updated_at: now,
  };
}

/** Creates a key for the caller's account, within what the caller itself may do. */
export async function createKey(deps: AuthDeps, caller: KeyCaller, input: CreateKeyInput): Promise<IssuedKey> {
  const grantable = grantableScopes(caller);
  const refused = input.scopes.filter((scope) => !grantable.includes(scope));
  if (refused.length > 0) {
    throw new ApiError("forbidden", `You cannot grant ${refused.join(", ")}.`, {
      details: { refused_scopes: refused, grantable_scopes: grantable },
    });
  }
  if (!mayGrantTier(caller, input.tier)) {
    throw new ApiError("forbidden", `Only an admin may grant the ${input.tier} tier.`, {
      details: { tier: input.tier },
    });
  }
  // A key made by a key inherits the restrictions it does not set, and may not loosen them.
  const parent = caller.key;
  const powers: KeyPowers = {
    scopes: input.scopes,
    tier: input.tier,
    ip_allowlist: input.ip_allowlist ?? parent?.ip_allowlist ?? [],
    allowed_countries: input.allowed_countries ?? parent?.allowed_countries ?? [],
    expires_at: input.expires_in_days ? deps.now + input.expires_in_days * DAY_MS : (parent?.expires_at ?? null),
  };
  if (parent) {
    const exceeded = escalations(powers, { ...parent, tier: "enterprise" }).filter((what) => what !== "scopes");
    if (exceeded.length > 0) {
      throw new ApiError("forbidden", `A key cannot create a key with a wider ${exceeded.join(", ")} than its own.`, {
        details: { exceeds: exceeded },
      });
    }
  }
  if ((await countLiveKeys(deps.db, caller.user_id)) >= MAX_KEYS_PER_ACCOUNT) {
    throw new ApiError("conflict", `An account may hold at most ${MAX_KEYS_PER_ACCOUNT} keys; revoke one first.`, {
      details: { limit: MAX_KEYS_PER_ACCOUNT },
    });
  }
  const issued = await issue(deps, {
    user_id: caller.user_id,
    name: input.name,
    scopes: JSON.stringify(powers.scopes),
    tier: powers.tier,
    ip_allowlist: JSON.stringify(powers.ip_allowlist),
    allowed_countries: JSON.stringify(powers.allowed_countries),
    rate_per_minute: null,
    burst: null,
    expires_at: powers.expires_at,
  });
  await insertApiKey(deps.db, issued.row);
  deps.audit({ event: "key.created", key_id: issued.row.id, details: { name: input.name } });
  return {
    ...toKeyObject(rowOf(issued.row, deps.now), deps.now),
    api_key: issued.api_key,
    api_secret: issued.api_secret,
  };
}

/** A key the caller may see and manage, or 404. */
export async function ownedKey(deps: AuthDeps, caller: KeyCaller, keyId: string): Promise<ApiKeyRow> {
  const row = await findKeyById(deps.db, keyId);
  if (!row || row.user_id !== caller.user_id || !mayManage(caller, powersOf(row))) {
    throw new ApiError("not_found", "No such API key.");
  }
  return row;
}

/** One key as its owner sees it, with this isolate's buffered uses in `last_used_at`. */
export async function getKey(deps: AuthDeps, caller: KeyCaller, keyId: string): Promise<KeyObject> {
  await flushKeyUsage(deps.db);
  return toKeyObject(await ownedKey(deps, caller, keyId), deps.now);
}

function encodeCursor(row: ApiKeyRow): string {
  return btoa(JSON.stringify([row.created_at, row.id])).replace(/=+$/, "");
}

function decodeCursor(cursor: string): { created_at: number; id: string } {
  try {
    const [created_at, id] = JSON.parse(atob(cursor)) as unknown[];
    if (typeof created_at === "number" && Number.isSafeInteger(created_at) && typeof id === "string") {
      return { created_at, id };
    }
  } catch {
    // fall through
  }
  throw new ApiError("validation_error", "query.cursor: not a cursor from this endpoint.", {
    details: { issues: [{ path: "query.cursor", message: "not a cursor from this endpoint" }] },
  });
}

/**
 * The caller's keys, newest first (revoked ones included, with their status). An API-key
 * caller sees only keys no more powerful than itself, so a page may hold fewer than `limit`.
 */
export async function listKeys(
  deps: AuthDeps,
  caller: KeyCaller,
  page: { limit: number; cursor?: string },
): Promise<{ keys: KeyObject[]; next_cursor: string | null }> {
  const after = page.cursor ? decodeCursor(page.cursor) : undefined;
  // This isolate's buffered uses first, so `last_used_at` includes the caller's own calls.
  await flushKeyUsage(deps.db);
  const rows = await listKeysOfUser(deps.db, caller.user_id, {
    limit: page.limit + 1,
    ...(after ? { after } : {}),
  });
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  const last = shown[shown.length - 1];
  return {
    keys: shown.filter((row) => mayManage(caller, powersOf(row))).map((row) => toKeyObject(row, deps.now)),
    next_cursor: more && last ? encodeCursor(last) : null,
  };
}

/**
 * Replaces a key: the new one (same name, scopes, tier, rules and lifetime) works at once,
 * the old one stops at once here and within seconds everywhere. Suspended keys cannot be
 * rotated (that would lift the suspension); revoked or expired ones are 409 `conflict`.
 */
export async function rotateKey(deps: AuthDeps, caller: KeyCaller, keyId: string): Promise<IssuedKey> {
  const old = await ownedKey(deps, caller, keyId);
  if (old.status === "suspended") throw new ApiError("key_suspended", "A suspended key cannot be rotated.");
  if (old.status === "revoked") throw new ApiError("conflict", "This key is revoked.");
  if (old.expires_at !== null && old.expires_at <= deps.now) throw new ApiError("conflict", "This key has expired.");
  let expiresAt = old.expires_at === null ? null : deps.now + (old.expires_at - old.created_at);
  const limit = caller.key?.expires_at ?? null;
  if (limit !== null && (expiresAt === null || expiresAt > limit)) expiresAt = limit;
  const issued = await issue(deps, {
    user_id: old.user_id,
    name: old.name,
    scopes: old.scopes,
    tier: old.tier,
    ip_allowlist: old.ip_allowlist,
    allowed_countries: old.allowed_countries,
    rate_per_minute: old.rate_per_minute,
    burst: old.burst,
    expires_at: expiresAt,
  });
  const rotated = await rotateApiKey(deps.db, old.id, issued.row, deps.now);
  forgetKey(old.id);
  if (!rotated) throw new ApiError("conflict", "This key was changed by another request; read it again.");
  deps.audit({
    event: "key.rotated",
    key_id: issued.row.id,
    details: { name: old.name, previous_key_id: old.id },
  });
  return {
    ...toKeyObject(rowOf(issued.row, deps.now), deps.now),
    api_key: issued.api_key,
    api_secret: issued.api_secret,
  };
}

/** Revokes a key: refused at once here, within seconds everywhere. Revoking twice is harmless. */
export async function revokeKey(deps: AuthDeps, caller: KeyCaller, keyId: string): Promise<void> {
  const row = await ownedKey(deps, caller, keyId);
  const changed = await revokeApiKey(deps.db, row.id, deps.now);
  forgetKey(row.id);
  if (changed) deps.audit({ event: "key.revoked", key_id: row.id, details: { name: row.name } });
}

/** Longest span one usage query may cover. */
export const MAX_USAGE_DAYS = 366;

/** A key's usage between two times (default: the 30 days up to now), counted per UTC day. */
export async function usageOfKey(
  deps: AuthDeps,
  caller: KeyCaller,
  keyId: string,
  range: { start_time?: string; end_time?: string },
) {
  const row = await ownedKey(deps, caller, keyId);
  const end = range.end_time ? Date.parse(range.end_time) : deps.now;
  const start = range.start_time ? Date.parse(range.start_time) : end - 30 * DAY_MS;
  const problem =
    start > end
      ? { path: "query.start_time", message: "must not be after end_time" }
      : end - start > MAX_USAGE_DAYS * DAY_MS
        ? { path: "query.start_time", message: `the range may span at most ${MAX_USAGE_DAYS} days` }
        : null;
  if (problem) {
    throw new ApiError("validation_error", `${problem.path}: ${problem.message}`, { details: { issues: [problem] } });
  }
  const usage = await keyUsage(deps.db, row.id, { start, end });
  return {
    key_id: row.id,
    start_time: new Date(start).toISOString(),
    end_time: new Date(end).toISOString(),
    ...usage,
  };
}
