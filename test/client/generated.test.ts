import { describe, expect, it } from "vitest";
import { generateApiTypes, schemaType } from "../../scripts/lib/openapi-types";
import committed from "../../src/client/generated/api.ts?raw";
import { call, json } from "../helpers";

describe("generated client types", () => {
  it("match the OpenAPI document the Worker serves (run npm run client:generate when this fails)", async () => {
    const document = await json(await call("/openapi.json"));
    const fresh = generateApiTypes(document);
    // Compared line by line first, so a failure names the first stale line instead of two huge strings.
    const freshLines = fresh.split("\n");
    const committedLines = committed.split("\n");
    const first = freshLines.findIndex((line, i) => line !== committedLines[i]);
    expect(
      first === -1 ? null : { line: first + 1, expected: freshLines[first], committed: committedLines[first] },
    ).toBeNull();
    expect(committed).toBe(fresh);
  });

  it("cover every route of the document", async () => {
    const document = await json(await call("/openapi.json"));
    for (const path of Object.keys(document.paths)) expect(committed).toContain(`${JSON.stringify(path)}: {`);
    for (const name of Object.keys(document.components.schemas))
      expect(committed).toMatch(new RegExp(`\\n    ${name}: `));
  });
});

describe("JSON Schema to TypeScript", () => {
  it("writes nullable type arrays, enums, tuples and records", () => {
    expect(schemaType({ type: ["string", "null"] })).toBe("string | null");
    expect(schemaType({ type: "string", enum: ["a", "b"] })).toBe('"a" | "b"');
    expect(schemaType({ type: "array", prefixItems: [{ type: "string" }, { type: "number" }] })).toBe(
      "[string, number]",
    );
    expect(schemaType({ type: "object", additionalProperties: { type: "integer" } })).toBe(
      "{\n  [key: string]: number;\n}",
    );
    expect(schemaType({ $ref: "#/components/schemas/Candle" })).toBe('components["schemas"]["Candle"]');
  });

  it("marks optional properties and quotes keys that are not identifiers", () => {
    const type = schemaType({
      type: "object",
      properties: { a: { type: "string" }, "b-c": { type: "boolean" } },
      required: ["a"],
    });
    expect(type).toBe('{\n  a: string;\n  "b-c"?: boolean;\n}');
  });

  it("falls back to unknown for what it does not understand, never to a wrong type", () => {
    expect(schemaType({})).toBe("unknown");
    expect(schemaType({ type: "string", format: "binary", not: {} })).toBe("string");
    expect(schemaType({ anyOf: [{ type: "string" }, {}] })).toBe("unknown");
    expect(schemaType({ $ref: "https://elsewhere.example/schema.json" })).toBe("unknown");
  });

  it("keeps a description from closing its comment early", () => {
    const type = schemaType({ type: "object", properties: { a: { type: "string", description: "ends */ here" } } });
    expect(type).toContain("/** ends *\\/ here */");
  });
});
