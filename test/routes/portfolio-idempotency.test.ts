import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { expectError, json } from "../helpers";
import { send } from "../key-helpers";
import { closeWith, freshSymbol, openWith, POSITIONS, reconcile, setPrice, trader } from "../portfolio-helpers";

async function positionCount(userId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM portfolio_positions WHERE account_id = ?1")
    .bind(userId)
    .first<{ n: number }>();
  return row?.n ?? -1;
}

describe("Idempotency-Key on opens", () => {
  it("answers a retry with the stored response and creates one position", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("500");
    const key = { "Idempotency-Key": crypto.randomUUID() };
    const body = { symbol, size: "2", type: "long", leverage: 2 };
    const first = await openWith(headers, body, key);
    expect(first.status).toBe(201);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    const firstBody = await json(first);

    await setPrice(symbol, "600"); // a retry must not re-price or re-open
    const retry = await openWith(headers, body, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await json(retry)).toEqual(firstBody);
    expect(firstBody.entry_price).toBe("500");
    expect(await positionCount(userId)).toBe(1);
    expect((await reconcile(userId)).rows).toHaveLength(2);
  });

  it("treats the same request spelled differently (key order, leverage as a string) as the same", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("500");
    const key = { "Idempotency-Key": "order-42" };
    const first = await json(await openWith(headers, { symbol, size: "1", type: "short", leverage: 3 }, key));
    const again = await openWith(headers, { leverage: "3", type: "short", size: "1", symbol }, key);
    expect(await json(again)).toEqual(first);
    expect(await positionCount(userId)).toBe(1);
  });

  it("refuses the same key with a different body with 409 conflict and opens nothing", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("500");
    const key = { "Idempotency-Key": "order-43" };
    expect((await openWith(headers, { symbol, size: "1", type: "long" }, key)).status).toBe(201);
    const error = await expectError(await openWith(headers, { symbol, size: "2", type: "long" }, key), 409, "conflict");
    expect(error.details).toEqual({ reason: "idempotency_key_reused" });
    expect(await positionCount(userId)).toBe(1);
  });

  it("creates one position when the same keyed request is sent 10 times at once", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("500");
    const key = { "Idempotency-Key": crypto.randomUUID() };
    const body = { symbol, size: "1", type: "long" };
    const results = await Promise.all(Array.from({ length: 10 }, () => openWith(headers, body, key)));
    const bodies = await Promise.all(results.map((r) => json(r)));
    const fresh = results.filter((r) => r.status === 201 && r.headers.get("Idempotent-Replayed") === null);
    expect(fresh).toHaveLength(1);
    const original = bodies[results.indexOf(fresh[0] as Response)];
    // API.md allows 409 for a duplicate still in flight; the desk queues them, so each gets the answer.
    for (const [i, res] of results.entries()) {
      if (res.status === 409) expect(bodies[i].error.code).toBe("conflict");
      else expect(bodies[i]).toEqual(original);
    }
    expect(await positionCount(userId)).toBe(1);
  });

  it("scopes keys per account: another account's identical key opens its own position", async () => {
    const a = await trader();
    const b = await trader();
    const symbol = await freshSymbol("500");
    const key = { "Idempotency-Key": "shared-key" };
    const body = { symbol, size: "1", type: "long" };
    const fromA = await json(await openWith(a.headers, body, key));
    const fromB = await openWith(b.headers, body, key);
    expect(fromB.status).toBe(201);
    expect(fromB.headers.get("Idempotent-Replayed")).toBeNull();
    expect((await json(fromB)).position_id).not.toBe(fromA.position_id);
  });

  it("forgets a key after 24 hours", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("500");
    const key = { "Idempotency-Key": "old-key" };
    const body = { symbol, size: "1", type: "long" };
    const first = await json(await openWith(headers, body, key));
    // Age the record past its 24 h (as if the retry came a day later).
    await env.DB.prepare(
      "UPDATE portfolio_idempotency SET created_at = created_at - 86400001, expires_at = expires_at - 86400001 WHERE account_id = ?1",
    )
      .bind(userId)
      .run();
    const later = await openWith(headers, body, key);
    expect(later.status).toBe(201);
    expect((await json(later)).position_id).not.toBe(first.position_id);
    expect(await positionCount(userId)).toBe(2);
    // …and the key now remembers the new request for another 24 h.
    expect((await openWith(headers, body, key)).headers.get("Idempotent-Replayed")).toBe("true");
    expect(await positionCount(userId)).toBe(2);
  });

  it("does not remember a refused request: the same key can be retried once it would succeed", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("1000");
    const key = { "Idempotency-Key": "too-big" };
    const body = { symbol, size: "101", type: "long" }; // 101000 margin > 100000
    await expectError(await openWith(headers, body, key), 422, "PORT_001");
    await setPrice(symbol, "990"); // now 99990 fits
    expect((await openWith(headers, body, key)).status).toBe(201);
    expect(await positionCount(userId)).toBe(1);
  });

  it("refuses malformed keys with 400", async () => {
    const { headers } = await trader();
    const symbol = await freshSymbol("1");
    for (const bad of ["x".repeat(256), "tab\tinside", ""]) {
      const res = await openWith(headers, { symbol, size: "1", type: "long" }, { "Idempotency-Key": bad });
      const error = await expectError(res, 400, "validation_error");
      expect(JSON.stringify(error.details)).toContain("idempotency-key");
    }
  });

  it("stores a hash of the request, never the body", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("2");
    await openWith(headers, { symbol, size: "1.23456789", type: "long" }, { "Idempotency-Key": "hash-only" });
    const row = await env.DB.prepare("SELECT * FROM portfolio_idempotency WHERE account_id = ?1")
      .bind(userId)
      .first<Record<string, unknown>>();
    expect(row?.request_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain("1.23456789");
  });
});

describe("Idempotency-Key on closes", () => {
  it("replays a repeated close instead of answering 409, and a different position with the key is 409", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("100");
    const a = (await json(await openWith(headers, { symbol, size: "1", type: "long" }))).position_id;
    const b = (await json(await openWith(headers, { symbol, size: "1", type: "long" }))).position_id;
    await setPrice(symbol, "101");
    const key = { "Idempotency-Key": "close-a" };
    const first = await closeWith(headers, a, key);
    expect(first.status).toBe(200);
    const firstBody = await json(first);
    await setPrice(symbol, "150");
    const retry = await closeWith(headers, a, key);
    expect(retry.status).toBe(200);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await json(retry)).toEqual(firstBody);
    expect(firstBody.pnl).toBe("1.00");
    // Without the key, closing again is 409; the key on another position is 409 too.
    await expectError(await closeWith(headers, a), 409, "conflict");
    await expectError(await closeWith(headers, b, key), 409, "conflict");
    const books = await reconcile(userId);
    expect(books.rows.filter((r) => r.kind === "realized_pnl")).toHaveLength(1);
    expect((await json(await send("GET", `${POSITIONS}/${b}`, headers))).status).toBe("open");
  });
});
