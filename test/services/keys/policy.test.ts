import { describe, expect, it } from "vitest";
import {
  escalations,
  grantableScopes,
  type KeyCaller,
  type KeyPowers,
  mayGrantTier,
  mayManage,
} from "../../../src/services/keys/policy";

const base: KeyPowers = {
  scopes: ["read:market", "read:portfolio"],
  tier: "basic",
  ip_allowlist: ["10.1.0.0/16"],
  allowed_countries: ["DE", "CH"],
  expires_at: 2_000,
};

describe("escalations", () => {
  it("finds nothing for a key within its limit", () => {
    expect(
      escalations(
        {
          scopes: ["read:market"],
          tier: "basic",
          ip_allowlist: ["10.1.2.0/24"],
          allowed_countries: ["DE"],
          expires_at: 1_000,
        },
        base,
      ),
    ).toEqual([]);
    expect(escalations(base, base)).toEqual([]);
  });

  it("names every way a key exceeds its limit", () => {
    expect(
      escalations(
        { scopes: ["write:trading"], tier: "premium", ip_allowlist: [], allowed_countries: [], expires_at: null },
        base,
      ),
    ).toEqual(["scopes", "tier", "ip_allowlist", "allowed_countries", "expires_at"]);
    expect(escalations({ ...base, ip_allowlist: ["10.2.0.0/24"] }, base)).toEqual(["ip_allowlist"]);
    expect(escalations({ ...base, allowed_countries: ["DE", "US"] }, base)).toEqual(["allowed_countries"]);
    expect(escalations({ ...base, expires_at: 2_001 }, base)).toEqual(["expires_at"]);
  });

  it("lets anything through an unrestricted limit except more scopes or a higher tier", () => {
    const open: KeyPowers = {
      scopes: ["read:market"],
      tier: "premium",
      ip_allowlist: [],
      allowed_countries: [],
      expires_at: null,
    };
    expect(escalations({ ...open, ip_allowlist: ["10.0.0.1"], expires_at: 5 }, open)).toEqual([]);
    expect(escalations({ ...open, tier: "enterprise" }, open)).toEqual(["tier"]);
  });
});

describe("grantableScopes and mayGrantTier", () => {
  const caller = (role: KeyCaller["role"], scopes: KeyCaller["scopes"]): KeyCaller => ({
    user_id: "u",
    role,
    scopes,
    key: null,
  });

  it("grants only the credential's scopes that the role still holds", () => {
    expect(grantableScopes(caller("developer", ["read:market", "write:trading"]))).toEqual(["read:market"]);
  });

  it("lets only an admin credential holding `admin` grant premium or enterprise", () => {
    expect(mayGrantTier(caller("trader", ["read:market"]), "basic")).toBe(true);
    expect(mayGrantTier(caller("trader", ["read:market"]), "premium")).toBe(false);
    expect(mayGrantTier(caller("admin", ["read:market"]), "premium")).toBe(false);
    expect(mayGrantTier(caller("admin", ["admin"]), "enterprise")).toBe(true);
  });
});

describe("mayManage", () => {
  it("lets JWT callers manage every key and API keys only keys no more powerful than themselves", () => {
    const target = { ...base, id: "key_t" };
    const jwt: KeyCaller = { user_id: "u", role: "trader", scopes: ["read:market"], key: null };
    expect(mayManage(jwt, target)).toBe(true);
    const weaker: KeyCaller = { ...jwt, key: { ...base, id: "key_w", scopes: ["read:market"] } };
    expect(mayManage(weaker, target)).toBe(false);
    expect(mayManage(weaker, { ...target, id: "key_w" })).toBe(true); // itself
    const stronger: KeyCaller = {
      ...jwt,
      key: { ...base, id: "key_s", ip_allowlist: [], allowed_countries: [], expires_at: null },
    };
    expect(mayManage(stronger, target)).toBe(true);
  });
});
