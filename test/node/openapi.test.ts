import { validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer } from "../../scripts/lib/local-server.mjs";
import { TEST_BINDINGS } from "../../vitest.config";

let server: { url: string; stop: () => Promise<void> };

beforeAll(async () => {
  server = await startLocalServer({ vars: { ...TEST_BINDINGS, ENFORCE_HTTPS: "false" } });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe("the running Worker (wrangler dev)", () => {
  it("serves an OpenAPI document that a real validator accepts as 3.1", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: the document is validated below
    const doc: any = await (await fetch(`${server.url}/openapi.json`)).json();
    expect(doc.openapi).toBe("3.1.0");
    const result = await validate(structuredClone(doc));
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it("serves the docs page's scripts and styles itself", async () => {
    const html = await (await fetch(`${server.url}/docs`)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      const res = await fetch(`${server.url}${asset}`);
      expect(res.status, asset).toBe(200);
      expect((await res.arrayBuffer()).byteLength, asset).toBeGreaterThan(100);
    }
  });
});
