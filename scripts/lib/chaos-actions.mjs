// The clients of `npm run chaos` (scripts/chaos.mjs): traders signing opens and closes with
// Idempotency-Keys (and retrying some at once), readers, a market ingester and a Solana webhook
// sender. Each stops at the first request the server does not answer (it is down) and leaves
// the unanswered work to `retryAll`, which repeats it with the same key and body once the
// server is back, as a careful client would.
import { randomBytes, randomUUID } from "node:crypto";
import bs58 from "bs58";

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const SCALE = 10n ** 18n;

/** A decimal string as a BigInt scaled by 10^18 (exact; the ledger never uses floats). */
export function dec(text) {
  const negative = text.startsWith("-");
  const [whole, frac = ""] = text.replace(/^[-+]/, "").split(".");
  const value = BigInt(whole || "0") * SCALE + BigInt((frac + "0".repeat(18)).slice(0, 18));
  return negative ? -value : value;
}

/** The decimal text of a `dec` value, trailing zeros dropped. */
export function fmtDec(value) {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const frac = (abs % SCALE).toString().padStart(18, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${abs / SCALE}${frac ? `.${frac}` : ""}`;
}

/** Sends a request and notes its request id when it was answered. */
async function send(ctx, method, path, options) {
  const res = await ctx.call(method, path, options);
  if (res) ctx.state.answered.push({ requestId: res.requestId, at: Date.now() });
  return res;
}

/** Runs a trading op once more with its own Idempotency-Key and body (signed afresh). */
async function runOp(ctx, op) {
  const res = await send(ctx, op.method, op.path, {
    key: op.trader.key,
    body: op.body,
    headers: { "Idempotency-Key": op.idem },
  });
  if (res) op.answers.push(res);
  return res;
}

function newOp(ctx, trader, kind, method, path, body) {
  const op = { trader, kind, method, path, body, idem: randomUUID(), answers: [], retried: false };
  ctx.state.ops.push(op);
  return op;
}

const needsRetry = (op) => op.answers.length === 0 || (op.answers.at(-1)?.status ?? 0) >= 500;

async function open(ctx, t) {
  const body = {
    symbol: ctx.symbols[Math.floor(Math.random() * ctx.symbols.length)],
    size: (0.5 + Math.random() * 2).toFixed(3),
    type: Math.random() < 0.5 ? "long" : "short",
    leverage: 5,
  };
  const op = newOp(ctx, t, "open", "POST", "/api/v1/portfolio/positions", body);
  const res = await runOp(ctx, op);
  if (!res) return false;
  if (res.status === 201) t.open.push(res.body.position_id);
  // An impatient client: the same request again at once, which must replay, not open twice.
  if (Math.random() < 0.3) return (await runOp(ctx, op)) !== null;
  return true;
}

async function close(ctx, t) {
  const id = t.open.shift();
  const op = newOp(ctx, t, "close", "DELETE", `/api/v1/portfolio/positions/${id}`);
  const res = await runOp(ctx, op);
  if (!res) return false;
  if (Math.random() < 0.3) return (await runOp(ctx, op)) !== null;
  return true;
}

function heliusBatch(mint, count) {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, () => ({
    signature: bs58.encode(randomBytes(64)),
    timestamp: now,
    slot: 300_000_000 + Math.floor(Math.random() * 1e6),
    type: "TRANSFER",
    tokenTransfers: [
      {
        fromUserAccount: bs58.encode(randomBytes(32)),
        toUserAccount: bs58.encode(randomBytes(32)),
        mint,
        tokenAmount: 1 + Math.floor(Math.random() * 1e6),
      },
    ],
  }));
}

async function deliver(ctx, delivery) {
  const res = await send(ctx, "POST", "/api/v1/ingest/solana", {
    body: delivery.items,
    headers: { authorization: ctx.WEBHOOK_SECRET },
  });
  if (!res) return false;
  if (res.status === 202) {
    delivery.answered = true;
    const rejected = new Set(res.body.rejected.map((r) => r.index));
    delivery.items.forEach((item, i) => {
      if (!rejected.has(i)) ctx.state.accepted.add(item.signature);
    });
  }
  return true;
}

export const actions = {
  /** Opens and closes positions until stopped, `limit` ops reached, or the server is gone. */
  async trader(ctx, t, limit = Number.POSITIVE_INFINITY) {
    for (let n = 0; !ctx.state.stop && n < limit; n++) {
      const ok = t.open.length < 5 || Math.random() < 0.5 ? await open(ctx, t) : await close(ctx, t);
      if (!ok) return;
    }
  },

  /** Reads prices and a balance until stopped. */
  async reader(ctx) {
    while (!ctx.state.stop) {
      const symbol = ctx.symbols[Math.floor(Math.random() * ctx.symbols.length)];
      if (!(await send(ctx, "GET", `/api/v1/market/price/${symbol}`))) return;
      const t = ctx.traders[Math.floor(Math.random() * ctx.traders.length)];
      if (!(await send(ctx, "GET", "/api/v1/portfolio/balance", { token: t.token }))) return;
    }
  },

  /** Moves prices with ingested trades every 200 ms. */
  async ingester(ctx) {
    while (!ctx.state.stop) {
      const res = await ctx.ingestPrices();
      if (!res) return;
      ctx.state.answered.push({ requestId: res.requestId, at: Date.now() });
      await sleep(200);
    }
  },

  /** Sends webhook deliveries of 5 transfers each. */
  async webhook(ctx) {
    while (!ctx.state.stop) {
      const delivery = { items: heliusBatch(ctx.mint, 5), answered: false };
      ctx.state.deliveries.push(delivery);
      if (!(await deliver(ctx, delivery))) return;
    }
  },

  /** Retries every op and delivery without a final answer until the server answers. */
  async retryAll(ctx) {
    for (let attempt = 0; attempt < 10; attempt++) {
      const ops = ctx.state.ops.filter(needsRetry);
      const deliveries = ctx.state.deliveries.filter((d) => !d.answered);
      if (ops.length === 0 && deliveries.length === 0) return;
      for (const op of ops) {
        op.retried = true;
        const res = await runOp(ctx, op);
        if (res?.status === 201 && op.kind === "open") op.trader.open.push(res.body.position_id);
      }
      for (const d of deliveries) await deliver(ctx, d);
      await sleep(500);
    }
    throw new Error("the server did not answer the retries");
  },

  /** Every position of a trader with `status`, across pages. */
  async listAll(ctx, t, status) {
    const out = [];
    let cursor = null;
    do {
      const res = await ctx.call(
        "GET",
        `/api/v1/portfolio/positions?status=${status}&limit=1000${cursor ? `&cursor=${cursor}` : ""}`,
        { token: t.token },
      );
      if (res?.status !== 200) throw new Error(`list ${status}: ${res?.status}`);
      out.push(...res.body.positions);
      cursor = res.body.next_cursor;
    } while (cursor);
    return out;
  },
};
