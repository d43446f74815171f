import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer } from "../../scripts/lib/local-server.mjs";
import { STEPS } from "../../scripts/seed.mjs";
import { TEST_BINDINGS } from "../../vitest.config";

let server: { url: string; stop: () => Promise<void> };
const ADMIN = "admin@parapet.local";

beforeAll(async () => {
  server = await startLocalServer({ vars: { ...TEST_BINDINGS, ENFORCE_HTTPS: "false", ADMIN_EMAILS: ADMIN } });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

type SeedState = Record<string, unknown> & { apiKey?: { key_id: string } };

async function runStep(name: string, state: SeedState, lines: string[]) {
  const step = STEPS.find((s: { name: string }) => s.name === name);
  if (!step) throw new Error(`no ${name} step`);
  await step.run({ url: server.url, vars: { ADMIN_EMAILS: ADMIN }, state, log: (l: string) => lines.push(l) });
}

describe("demo seed: api-key step (against wrangler dev)", () => {
  it("creates the trader's key once, prints it once with working examples, and keeps only its id", async () => {
    const state: SeedState = {};
    await runStep("accounts", state, []);
    const lines: string[] = [];
    await runStep("api-key", state, lines);
    const printed = lines.join("\n");
    const apiKey = /API_KEY=(pk_\S+)/.exec(printed)?.[1] as string;
    const secret = /API_SECRET=(sk_\S+)/.exec(printed)?.[1] as string;
    expect(apiKey).toBeTruthy();
    expect(secret).toBeTruthy();
    expect(state.apiKey).toEqual({ key_id: expect.stringMatching(/^key_/) });
    expect(JSON.stringify(state)).not.toContain(apiKey);
    expect(JSON.stringify(state)).not.toContain(secret);

    const me = await fetch(`${server.url}/api/v1/me`, { headers: { "X-API-Key": apiKey } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { role: string }).role).toBe("trader");

    // The printed signed curl line works as printed (bash, openssl, curl).
    const signedLine = lines.find((l) => l.includes("X-API-Signature")) as string;
    const out = execFileSync("bash", ["-c", signedLine.trim()], {
      env: { ...process.env, API_KEY: apiKey, API_SECRET: secret },
      encoding: "utf8",
    });
    expect(JSON.parse(out).keys[0].key_id).toBe(state.apiKey?.key_id);

    // …and a hand-made signature agrees with it.
    const ts = String(Date.now());
    const sig = createHmac("sha256", secret).update(`${ts}GET/api/v1/keys/${state.apiKey?.key_id}`).digest("hex");
    const one = await fetch(`${server.url}/api/v1/keys/${state.apiKey?.key_id}`, {
      headers: { "X-API-Key": apiKey, "X-API-Timestamp": ts, "X-API-Signature": sig },
    });
    expect(one.status).toBe(200);

    // Idempotent: the key is still active, so a second run creates and prints nothing.
    const again: string[] = [];
    await runStep("api-key", state, again);
    expect(again).toEqual([]);
  });
});
