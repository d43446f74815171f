/**
 * Guards for answers of third-party APIs (the exchange, Solana RPC): they are input like any
 * client's (OWASP API10:2023). Redirects are not followed — an upstream could otherwise send the
 * Worker anywhere — and bodies are read up to a byte cap instead of trusting their size.
 */

/** Largest upstream body read (a full page of 1,000 klines is about 150 KB). */
export const MAX_UPSTREAM_BODY_BYTES = 8 * 1024 * 1024;

/** `fetch` options every upstream call uses: a 3xx comes back as itself and counts as a failure. */
export const NO_REDIRECTS = { redirect: "manual" } as const satisfies RequestInit;

/** Why reading an upstream body failed. */
export class UpstreamBodyError extends Error {
  constructor(readonly reason: "too_large" | "not_json") {
    super(reason === "too_large" ? "the answer is larger than the cap" : "the answer is not JSON");
    this.name = "UpstreamBodyError";
  }
}

/**
 * Reads a JSON body of at most `maxBytes` bytes, cancelling the stream as soon as it is larger.
 * @example const data = await readJsonCapped(res) // throws UpstreamBodyError
 */
export async function readJsonCapped(res: Response, maxBytes = MAX_UPSTREAM_BODY_BYTES): Promise<unknown> {
  const declared = Number(res.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new UpstreamBodyError("too_large");
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new UpstreamBodyError("too_large");
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new UpstreamBodyError("not_json");
  }
}
