import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer } from "../../scripts/lib/local-server.mjs";
import { accessToken, STEPS } from "../../scripts/seed.mjs";
import { TEST_BINDINGS } from "../../vitest.config";

let server: { url: string; stop: () => Promise<void> };
const ADMIN = "admin@parapet.local";

beforeAll(async () => {
  server = await startLocalServer({ vars: { ...TEST_BINDINGS, ENFORCE_HTTPS: "false", ADMIN_EMAILS: ADMIN } });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

type SeedState = { accounts?: Record<string, { email: string; password: string }> };

async function runAccountsStep(state: SeedState, lines: string[]) {
  const step = STEPS.find((s: { name: string }) => s.name === "accounts");
  if (!step) throw new Error("no accounts step");
  await step.run({ url: server.url, vars: { ADMIN_EMAILS: ADMIN }, state, log: (l: string) => lines.push(l) });
}

describe("demo seed: accounts step (against wrangler dev)", () => {
  it("creates an admin and a trader once, prints their credentials once, and logs them in", async () => {
    const state: SeedState = {};
    const lines: string[] = [];
    await runAccountsStep(state, lines);
    expect(state.accounts?.admin?.email).toBe(ADMIN);
    expect(state.accounts?.trader?.email).toBe("trader@parapet.local");
    const adminPassword = state.accounts?.admin?.password as string;
    expect(adminPassword.length).toBeGreaterThanOrEqual(12);
    expect(lines.join("\n")).toContain(adminPassword);

    // Idempotent: a second run keeps the accounts and passwords and prints nothing new.
    const again: string[] = [];
    await runAccountsStep(state, again);
    expect(state.accounts?.admin?.password).toBe(adminPassword);
    expect(again).toEqual([]);

    for (const [who, role] of [
      ["admin", "admin"],
      ["trader", "trader"],
    ] as const) {
      const token = await accessToken(server.url, state, who);
      const me = await fetch(`${server.url}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { role: string }).role).toBe(role);
    }

    // A lost state file cannot be papered over: the step says what to do instead of guessing.
    await expect(runAccountsStep({}, [])).rejects.toThrow(/password is not in \.demo-credentials\.json/);
  });
});
