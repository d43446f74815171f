import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { authHeader, call, expectError, json } from "../helpers";
import { createKey, send, signedHeaders, signedSend } from "../key-helpers";
import { BALANCE, closeWith, freshSymbol, openOk, openWith, POSITIONS, reconcile, trader } from "../portfolio-helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("portfolio: who may do what", () => {
  it("answers a developer 403 forbidden on every portfolio route", async () => {
    const headers = await authHeader("developer", `usr_dev_${crypto.randomUUID()}`);
    const owner = await trader();
    const symbol = await freshSymbol("10");
    const id = await openOk(owner.headers, { symbol, size: "1", type: "long" });
    const attempts = [
      send("GET", BALANCE, headers),
      send("GET", POSITIONS, headers),
      send("GET", `${POSITIONS}/${id}`, headers),
      openWith(headers, { symbol, size: "1", type: "long" }),
      closeWith(headers, id),
    ];
    for (const res of await Promise.all(attempts)) await expectError(res, 403, "forbidden");
    await reconcile(owner.userId);
  });

  it("answers 401 unauthorized without credentials", async () => {
    await expectError(await call(BALANCE), 401, "unauthorized");
    await expectError(
      await call(POSITIONS, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }),
      401,
      "unauthorized",
    );
  });

  it("answers another account's position id with 404, exactly like a missing one, on every route", async () => {
    const owner = await trader();
    const intruder = await trader();
    const symbol = await freshSymbol("10");
    const id = await openOk(owner.headers, { symbol, size: "1", type: "long" });
    const missing = "pos_0123456789abcdef01234567";
    for (const target of [id, missing]) {
      const read = await expectError(await send("GET", `${POSITIONS}/${target}`, intruder.headers), 404, "not_found");
      const close = await expectError(await closeWith(intruder.headers, target), 404, "not_found");
      expect(read.message).toBe(`No position ${target}.`);
      expect(close.message).toBe(`No position ${target}.`);
    }
    const list = await json(await send("GET", POSITIONS, intruder.headers));
    expect(list.positions).toEqual([]);
    // The owner's position is untouched.
    expect((await json(await send("GET", `${POSITIONS}/${id}`, owner.headers))).status).toBe("open");
  });

  it("refuses fields the client may not set (balance, entry_price, status, pnl…) with 400", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("10");
    for (const extra of [
      { balance: "1000000000" },
      { entry_price: "0.01" },
      { status: "closed" },
      { pnl: "5000" },
      { margin: "0" },
      { account_id: "usr_someone_else" },
    ]) {
      const res = await openWith(headers, { symbol, size: "1", type: "long", ...extra });
      const error = await expectError(res, 400, "validation_error");
      expect(error.message).toContain(Object.keys(extra)[0] as string);
    }
    const count = await env.DB.prepare("SELECT count(*) AS n FROM portfolio_positions WHERE account_id = ?1")
      .bind(userId)
      .first<{ n: number }>();
    expect(count?.n).toBe(0);
  });
});

describe("portfolio: API keys", () => {
  it("opens and closes with a signed API-key request", async () => {
    const owner = await trader();
    const key = await createKey(owner.headers, { scopes: ["read:portfolio", "write:trading"] });
    const symbol = await freshSymbol("20");
    const opened = await signedSend(key, "POST", POSITIONS, { symbol, size: "1", type: "long" });
    expect(opened.status).toBe(201);
    const { position_id } = await json(opened);
    const closed = await signedSend(key, "DELETE", `${POSITIONS}/${position_id}`);
    expect(closed.status).toBe(200);
    expect((await json(closed)).status).toBe("closed");
    await reconcile(owner.userId);
  });

  it("refuses unsigned or badly signed trading writes from an API key and changes nothing", async () => {
    const owner = await trader();
    const key = await createKey(owner.headers, { scopes: ["read:portfolio", "write:trading"] });
    const symbol = await freshSymbol("20");
    const body = { symbol, size: "1", type: "long" };
    await expectError(await send("POST", POSITIONS, { "X-API-Key": key.api_key }, body), 401, "invalid_signature");
    const id = await openOk(owner.headers, body);
    await expectError(
      await send("DELETE", `${POSITIONS}/${id}`, { "X-API-Key": key.api_key }),
      401,
      "invalid_signature",
    );
    // A signature made for closing one position does not close another.
    const other = await openOk(owner.headers, body);
    const signed = await signedHeaders(key, "DELETE", `${POSITIONS}/${id}`);
    await expectError(
      await call(`${POSITIONS}/${other}`, { method: "DELETE", headers: signed }),
      401,
      "invalid_signature",
    );
    expect((await json(await send("GET", `${POSITIONS}/${other}`, owner.headers))).status).toBe("open");
    await reconcile(owner.userId);
  });

  it("answers a key without write:trading 403, even when signed", async () => {
    const owner = await trader();
    const key = await createKey(owner.headers, { scopes: ["read:portfolio"] });
    const symbol = await freshSymbol("20");
    const res = await signedSend(key, "POST", POSITIONS, { symbol, size: "1", type: "long" });
    const error = await expectError(res, 403, "forbidden");
    expect(error.details.required_scopes).toEqual(["write:trading"]);
  });

  it("logs position events without credentials, and the audit details name the position", async () => {
    const owner = await trader();
    const key = await createKey(owner.headers, { scopes: ["read:portfolio", "write:trading"] });
    const symbol = await freshSymbol("20");
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    const opened = await signedSend(key, "POST", POSITIONS, { symbol, size: "1", type: "long" });
    const { position_id } = await json(opened);
    await signedSend(key, "DELETE", `${POSITIONS}/${position_id}`);
    const events = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === "audit_event");
    expect(events.map((e) => e.event)).toEqual(["position.opened", "position.closed"]);
    expect(events[0]).toMatchObject({
      account_id: owner.userId,
      key_id: key.key_id,
      details: { position_id, symbol, size: "1", type: "long", leverage: 1, entry_price: "20" },
    });
    expect(events[1].details).toMatchObject({ position_id, symbol, exit_price: "20", pnl: "0.00" });
    const all = lines.join("\n");
    expect(all).not.toContain(key.api_key);
    expect(all).not.toContain(key.api_secret);
  });
});
