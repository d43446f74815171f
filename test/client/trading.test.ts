import { describe, expect, it } from "vitest";
import { memorySessionStore, ParapetClient } from "../../src/client";
import { clientFor, recordingFetch, registered } from "../client-helpers";
import { ingest } from "../fixtures/market";
import { BASE, tokenFor } from "../helpers";
import { freshIp, rateLimitEnv } from "../rate-limit-helpers";

const SYMBOL = "SDKT-USDT";

async function seedPrice(price = "100.00"): Promise<void> {
  const timestamp = new Date().toISOString();
  const result = await ingest({ exchange: "binance", trades: [{ symbol: SYMBOL, price, size: "1", timestamp }] });
  expect(result.status).toBe(202);
}

/** A trader (session client) and an API key of theirs with the trading scopes. */
async function trader() {
  const { client: owner, seen: ownerSeen } = clientFor();
  const account = await registered(owner, "trader");
  await owner.auth.login(account.email, account.password);
  const key = await owner.keys.create({ name: "bot", scopes: ["read:portfolio", "write:trading"] });
  return { owner, ownerSeen, key, credentials: { key: key.api_key, secret: key.api_secret } };
}

describe("trading through the client", () => {
  it("opens a position with an API key: signed automatically, and the server accepts it", async () => {
    await seedPrice();
    const { credentials } = await trader();
    const { client, seen } = clientFor({ apiKey: credentials });
    const opened = await client.portfolio.open({ symbol: SYMBOL, size: "0.5", type: "long" });
    expect(opened).toMatchObject({ status: "success" });
    expect(opened.position_id).toMatch(/^pos_/);
    const post = seen.find((s) => s.method === "POST");
    expect(post?.status).toBe(201);
    expect(post?.headers.get("x-api-signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(post?.headers.get("idempotency-key")).toMatch(/^idem_/);
    // The position is there, and GETs are not signed.
    const { positions } = await client.portfolio.positions();
    expect(positions.map((p) => p.position_id)).toEqual([opened.position_id]);
    expect(seen.at(-1)?.headers.has("x-api-signature")).toBe(false);
  });

  it("closes it with a signed DELETE that carries its own Idempotency-Key", async () => {
    await seedPrice();
    const { credentials } = await trader();
    const { client, seen } = clientFor({ apiKey: credentials });
    const { position_id } = await client.portfolio.open({ symbol: SYMBOL, size: "1", type: "short" });
    await seedPrice("90.00");
    const closed = await client.portfolio.close(position_id);
    expect(closed).toMatchObject({ position_id, status: "closed", pnl: "10.00" });
    const remove = seen.find((s) => s.method === "DELETE");
    expect(remove?.headers.get("x-api-signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(remove?.headers.get("idempotency-key")).toMatch(/^idem_/);
  });

  it("retries an open whose answer was lost with the same Idempotency-Key: one position, not two", async () => {
    await seedPrice();
    const { credentials } = await trader();
    const { fetch, seen } = recordingFetch();
    let lose = true;
    const client = new ParapetClient({
      baseUrl: BASE,
      apiKey: credentials,
      sleep: async () => {},
      fetch: async (request) => {
        const response = await fetch(request);
        if (request.method === "POST" && lose) {
          lose = false;
          throw new TypeError("fetch failed: connection reset after the request was sent");
        }
        return response;
      },
    });
    const opened = await client.portfolio.open({ symbol: SYMBOL, size: "0.25", type: "long" });
    const posts = seen.filter((s) => s.method === "POST");
    expect(posts.map((s) => s.status)).toEqual([201, 201]);
    expect(posts[0]?.headers.get("idempotency-key")).toBe(posts[1]?.headers.get("idempotency-key"));
    expect(posts[0]?.headers.get("x-api-signature")).not.toBe(posts[1]?.headers.get("x-api-signature"));
    const { positions } = await client.portfolio.positions();
    expect(positions.map((p) => p.position_id)).toEqual([opened.position_id]);
  });

  it("retries a rate-limited open after Retry-After, keeping its Idempotency-Key", async () => {
    await seedPrice();
    const { credentials } = await trader();
    const env = rateLimitEnv({ RATE_LIMIT_TRADING_PER_SECOND: "1" });
    const { fetch, seen } = recordingFetch(env, freshIp());
    const waits: number[] = [];
    const client = new ParapetClient({
      baseUrl: BASE,
      fetch,
      apiKey: credentials,
      random: () => 0,
      sleep: async (ms) => {
        waits.push(ms);
        await new Promise((resolve) => setTimeout(resolve, ms));
      },
    });
    const first = await client.portfolio.open({ symbol: SYMBOL, size: "0.1", type: "long" });
    const second = await client.portfolio.open({ symbol: SYMBOL, size: "0.1", type: "long" });
    expect(second.position_id).not.toBe(first.position_id);
    expect(seen.map((s) => s.status)).toEqual([201, 429, 201]);
    expect(waits[0]).toBeGreaterThanOrEqual(Number(seen[1]?.retryAfter) * 1000);
    expect(seen[1]?.headers.get("idempotency-key")).toBe(seen[2]?.headers.get("idempotency-key"));
    expect(seen[0]?.headers.get("idempotency-key")).not.toBe(seen[1]?.headers.get("idempotency-key"));
  });

  it("sends session calls unsigned, and surfaces the API's business errors", async () => {
    await seedPrice();
    const { owner, ownerSeen } = await trader();
    const balance = await owner.portfolio.balance();
    expect(balance.currency).toBe("USDT");
    await expect(owner.portfolio.open({ symbol: SYMBOL, size: "2000", type: "long" })).rejects.toMatchObject({
      code: "PORT_001",
      status: 422,
    });
    expect(
      ownerSeen.filter((s) => s.path.startsWith("/api/v1/portfolio")).some((s) => s.headers.has("x-api-signature")),
    ).toBe(false);
  });
});

describe("administration through the client", () => {
  it("a trading halt answers 503 trading_halted, which the client does not retry", async () => {
    await seedPrice();
    const { owner, ownerSeen } = await trader();
    const far = new Date(Date.now() + 3_600_000).toISOString();
    const admin = new ParapetClient({
      baseUrl: BASE,
      fetch: recordingFetch().fetch,
      sessionStore: memorySessionStore({
        access_token: await tokenFor("admin", "usr_sdk_halt_admin"),
        refresh_token: "rt_unused",
        expires_at: far,
      }),
    });
    expect(await admin.admin.setTradingHalt({ halted: true, reason: "sdk test" })).toMatchObject({ halted: true });
    try {
      const error = await owner.portfolio.open({ symbol: SYMBOL, size: "0.1", type: "long" }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "trading_halted", status: 503 });
      expect(ownerSeen.filter((s) => s.method === "POST" && s.path === "/api/v1/portfolio/positions")).toHaveLength(1);
    } finally {
      await admin.admin.setTradingHalt({ halted: false });
    }
    expect((await owner.portfolio.open({ symbol: SYMBOL, size: "0.1", type: "long" })).status).toBe("success");
  });

  it("pages through the audit log with pages()", async () => {
    const { owner } = await trader();
    for (let i = 0; i < 3; i++) await owner.auth.me();
    let pages = 0;
    let events: string[] = [];
    // Audit entries are written just after each answer (readable within 5 s).
    for (let waited = 0; waited < 5_000 && !events.includes("key.created"); waited += 250) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      pages = 0;
      events = [];
      for await (const page of owner.pages("get", "/api/v1/audit-logs", { query: { limit: 2 } })) {
        pages++;
        events.push(...page.entries.map((e) => e.event));
      }
    }
    expect(events).toContain("auth.login_succeeded");
    expect(events).toContain("key.created");
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(events.length / 2));
    expect(pages).toBeGreaterThan(1);
  });
});
