import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CRON_JOBS } from "../../src/cron";
import { pullSolanaRpc, RPC_PAGE_SIZE } from "../../src/services/solana/rpc-pull";
import { runAnomalyScan } from "../../src/services/solana/scan-run";
import { deliver, heliusTx, monitor, newAddress, pricePoint, storedAnomalies } from "../fixtures/solana";
import { fakeSolanaRpc, RPC_URL, rpcTransaction } from "../fixtures/solana-rpc";

const MINUTE = 60_000;
const rpcEnv = (vars: Record<string, string> = {}) => ({ ...env, SOLANA_RPC_URL: RPC_URL, ...vars }) as Env;

async function storedSignaturesOf(mint: string): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT DISTINCT signature FROM solana_transfers WHERE mint = ?1 AND source = 'rpc' ORDER BY signature",
  )
    .bind(mint)
    .all<{ signature: string }>();
  return results.map((r) => r.signature);
}

/** A mint with `count` transactions (one checked transfer each), oldest first. */
function mintWithHistory(rpc: ReturnType<typeof fakeSolanaRpc>, count: number, start = Date.now() - 3 * 60 * MINUTE) {
  const mint = newAddress();
  const signatures = Array.from({ length: count }, (_, i) =>
    rpc.add(
      rpcTransaction({
        time: start + i * 1000,
        transfers: [
          { mint, from: newAddress(), to: newAddress(), raw: String(1_000_000 * (i + 1)), decimals: 6, checked: true },
        ],
      }),
      [mint],
    ),
  );
  return { mint, signatures };
}

beforeEach(async () => {
  // Each test starts with no monitored token, so the pull's budget is all its own.
  await env.DB.batch([
    env.DB.prepare("DELETE FROM solana_monitors"),
    env.DB.prepare("UPDATE solana_tokens SET update_interval = NULL"),
  ]);
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("Solana RPC pull (cron)", () => {
  it("is registered on the every-minute cron", () => {
    expect(CRON_JOBS["* * * * *"]?.map((job) => job.name)).toContain("solana-rpc-pull");
  });

  it("does nothing without SOLANA_RPC_URL", async () => {
    const rpc = fakeSolanaRpc();
    vi.stubGlobal("fetch", rpc.fetch);
    await monitor([newAddress()]);
    expect(await pullSolanaRpc(env, Date.now())).toBeNull();
    expect(rpc.requests).toEqual([]);
  });

  it("first takes the newest page with jsonParsed getTransaction calls, then resumes from the last signature", async () => {
    const rpc = fakeSolanaRpc();
    vi.stubGlobal("fetch", rpc.fetch);
    const { mint, signatures } = mintWithHistory(rpc, 30);
    await monitor([mint]);

    const first = await pullSolanaRpc(rpcEnv(), Date.now());
    expect(first).toMatchObject({ tokens: 1, transactions: RPC_PAGE_SIZE, transfers: RPC_PAGE_SIZE, failures: 0 });
    // History before monitoring is not back-filled: the newest page only.
    expect(await storedSignaturesOf(mint)).toEqual(signatures.slice(-RPC_PAGE_SIZE).sort());
    const [list, ...gets] = rpc.requests;
    expect(list).toEqual({
      method: "getSignaturesForAddress",
      params: [mint, { limit: RPC_PAGE_SIZE, commitment: "finalized" }],
    });
    expect(gets.every((r) => r.method === "getTransaction")).toBe(true);
    expect(gets[0]?.params[1]).toEqual({
      encoding: "jsonParsed",
      maxSupportedTransactionVersion: 0,
      commitment: "finalized",
    });

    // Three new transactions: the next pull asks only for what came after the last one seen.
    const newer = Array.from({ length: 3 }, (_, i) =>
      rpc.add(
        rpcTransaction({
          time: Date.now() - MINUTE + i,
          transfers: [{ mint, from: newAddress(), to: newAddress(), raw: "5", decimals: 0, checked: true }],
        }),
        [mint],
      ),
    );
    rpc.requests.length = 0;
    const second = await pullSolanaRpc(rpcEnv(), Date.now());
    expect(second).toMatchObject({ transactions: 3, transfers: 3 });
    expect(rpc.requests[0]?.params[1]).toMatchObject({ until: signatures.at(-1) });
    expect(rpc.requests.filter((r) => r.method === "getTransaction")).toHaveLength(3);
    expect(await storedSignaturesOf(mint)).toEqual([...signatures.slice(-RPC_PAGE_SIZE), ...newer].sort());
  });

  it("pages back over several runs when more than a page is new, missing nothing", async () => {
    const rpc = fakeSolanaRpc();
    vi.stubGlobal("fetch", rpc.fetch);
    const { mint, signatures } = mintWithHistory(rpc, 1);
    await monitor([mint]);
    await pullSolanaRpc(rpcEnv(), Date.now());
    const burst = Array.from({ length: 2 * RPC_PAGE_SIZE + 5 }, (_, i) =>
      rpc.add(
        rpcTransaction({
          time: Date.now() - 10 * MINUTE + i * 1000,
          transfers: [{ mint, from: newAddress(), to: newAddress(), raw: "1", decimals: 0, checked: true }],
        }),
        [mint],
      ),
    );
    const budget = rpcEnv({ SOLANA_RPC_MAX_REQUESTS: String(RPC_PAGE_SIZE + 1) });
    for (let run = 0; run < 4; run++) await pullSolanaRpc(budget, Date.now());
    expect(await storedSignaturesOf(mint)).toEqual([...signatures, ...burst].sort());
    // Caught up: the next pull asks for what follows the newest signature.
    rpc.requests.length = 0;
    await pullSolanaRpc(budget, Date.now());
    expect(rpc.requests).toEqual([
      {
        method: "getSignaturesForAddress",
        params: [mint, { limit: RPC_PAGE_SIZE, commitment: "finalized", until: burst.at(-1) }],
      },
    ]);
  });

  it("does not fetch transactions already stored (e.g. delivered by the webhook) or failed ones", async () => {
    const rpc = fakeSolanaRpc();
    vi.stubGlobal("fetch", rpc.fetch);
    const mint = newAddress();
    await monitor([mint]);
    const known = rpc.add(
      rpcTransaction({
        time: Date.now() - MINUTE,
        transfers: [{ mint, from: newAddress(), to: newAddress(), raw: "1", decimals: 0, checked: true }],
      }),
      [mint],
    );
    await deliver([
      heliusTx({
        signature: known,
        time: Date.now() - MINUTE,
        transfers: [{ mint, from: newAddress(), to: newAddress(), amount: 1 }],
      }),
    ]);
    rpc.add(
      rpcTransaction({
        time: Date.now(),
        err: { InstructionError: [0, "Custom"] },
        transfers: [{ mint, from: newAddress(), to: newAddress(), raw: "1", decimals: 0, checked: true }],
      }),
      [mint],
    );
    const report = await pullSolanaRpc(rpcEnv(), Date.now());
    expect(report).toMatchObject({ requests: 1, transactions: 0 });
    expect(rpc.requests.map((r) => r.method)).toEqual(["getSignaturesForAddress"]);
  });

  it("stops the run on a rate-limit answer and loses nothing: the next run takes it all", async () => {
    for (const kind of ["http429", "rpc429"] as const) {
      const rpc = fakeSolanaRpc();
      vi.stubGlobal("fetch", rpc.fetch);
      const a = mintWithHistory(rpc, 6);
      const b = mintWithHistory(rpc, 4);
      await monitor([a.mint, b.mint]);
      rpc.failNext("getTransaction", kind);
      const limited = await pullSolanaRpc(rpcEnv(), Date.now());
      expect(limited).toMatchObject({ rate_limited: true, failures: 1, tokens: 0 });
      // Nothing after the refusal: the run stopped instead of hammering the provider.
      expect(rpc.requests.filter((r) => r.method === "getSignaturesForAddress")).toHaveLength(1);
      expect(await storedSignaturesOf(a.mint)).toEqual([]);
      expect(await storedSignaturesOf(b.mint)).toEqual([]);
      const retried = await pullSolanaRpc(rpcEnv(), Date.now());
      expect(retried).toMatchObject({ rate_limited: false, failures: 0, tokens: 2 });
      expect(await storedSignaturesOf(a.mint)).toEqual([...a.signatures].sort());
      expect(await storedSignaturesOf(b.mint)).toEqual([...b.signatures].sort());
      await env.DB.prepare("DELETE FROM solana_monitors").run();
      await env.DB.prepare("UPDATE solana_tokens SET update_interval = NULL").run();
    }
  });

  it("skips a failing token until its next turn and carries on with the others", async () => {
    const rpc = fakeSolanaRpc();
    vi.stubGlobal("fetch", rpc.fetch);
    const a = mintWithHistory(rpc, 3);
    const b = mintWithHistory(rpc, 3);
    await monitor([a.mint, b.mint]);
    rpc.failNext("getSignaturesForAddress", "http500");
    const report = await pullSolanaRpc(rpcEnv(), Date.now());
    expect(report).toMatchObject({ failures: 1, tokens: 1, rate_limited: false });
    const stored = [(await storedSignaturesOf(a.mint)).length, (await storedSignaturesOf(b.mint)).length].sort();
    expect(stored).toEqual([0, 3]);
    await pullSolanaRpc(rpcEnv(), Date.now());
    expect((await storedSignaturesOf(a.mint)).length + (await storedSignaturesOf(b.mint)).length).toBe(6);
  });

  it("makes at most SOLANA_RPC_MAX_REQUESTS calls per run", async () => {
    const rpc = fakeSolanaRpc();
    vi.stubGlobal("fetch", rpc.fetch);
    const mints = Array.from({ length: 4 }, () => mintWithHistory(rpc, 15).mint);
    await monitor(mints);
    const report = await pullSolanaRpc(rpcEnv({ SOLANA_RPC_MAX_REQUESTS: "25" }), Date.now());
    expect(rpc.requests.length).toBeLessThanOrEqual(25);
    expect(report?.requests).toBe(rpc.requests.length);
  });

  it("never logs the RPC URL (providers put API keys in it)", async () => {
    const rpc = fakeSolanaRpc();
    vi.stubGlobal("fetch", rpc.fetch);
    const lines: string[] = [];
    for (const method of ["log", "warn", "error"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
    }
    const { mint } = mintWithHistory(rpc, 2);
    await monitor([mint]);
    rpc.failNext("getSignaturesForAddress", "http500");
    await pullSolanaRpc(rpcEnv(), Date.now());
    expect(lines.some((l) => l.includes("solana_rpc_pull_failed"))).toBe(true);
    expect(lines.join("\n")).not.toContain("test-only-key");
  });

  it("feeds the scanner: a whale pulled over RPC is found by the next scan", async () => {
    const rpc = fakeSolanaRpc();
    vi.stubGlobal("fetch", rpc.fetch);
    const mint = newAddress();
    const whale = newAddress();
    await monitor([mint]);
    const now = Date.now();
    await deliver([pricePoint(mint, "0.25", now - 30 * MINUTE)]);
    rpc.add(
      rpcTransaction({
        time: now - MINUTE,
        transfers: [{ mint, from: whale, to: newAddress(), raw: "2000000000000", decimals: 6, checked: true }],
      }),
      [mint],
    );
    await pullSolanaRpc(rpcEnv(), now);
    await runAnomalyScan(env, undefined, Math.floor(now / MINUTE) * MINUTE + MINUTE);
    const found = await storedAnomalies(mint);
    expect(found.map((a) => [a.anomaly_type, a.details.wallet_address, a.details.usd_value])).toEqual([
      ["whale_movement", whale, 500_000],
    ]);
  });
});
