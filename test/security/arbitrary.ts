/**
 * JSON Schema → fast-check arbitraries for the subset /openapi.json uses (type, enum, pattern,
 * format date-time/email, min/maxLength, minimum/maximum, items/prefixItems, min/maxItems,
 * properties/required/additionalProperties, anyOf/oneOf/allOf, $ref). `validArb` produces values
 * a schema accepts (examples weighted in, so requests reach the handlers); `invalidArb` produces
 * values it refuses, or null when the schema refuses nothing (e.g. an untyped field).
 */
import fc from "fast-check";
import { type Document, deref, type Schema } from "./openapi";

/** Largest generated array and string, to keep requests small and runs fast. */
const MAX_ITEMS = 4;
const MAX_STRING = 48;
const MAX_DEPTH = 6;

/** The JSON types a schema allows; empty when it allows anything. */
function typesOf(doc: Document, raw: Schema): string[] | null {
  const s = deref(doc, raw);
  if (!s) return null;
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) {
    const all = (alternatives as Schema[]).map((a) => typesOf(doc, a));
    return all.some((t) => t === null) ? null : [...new Set(all.flat() as string[])];
  }
  if (s.allOf) return typesOf(doc, s.allOf[0]);
  if (s.enum) return [...new Set((s.enum as unknown[]).map(jsonType))];
  if (s.type === undefined) return null;
  return Array.isArray(s.type) ? s.type : [s.type];
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function regex(pattern: string): RegExp {
  try {
    return new RegExp(pattern, "u");
  } catch {
    return new RegExp(pattern);
  }
}

/** Merges `allOf` members into one object schema. */
function merged(doc: Document, s: Schema): Schema {
  if (!s.allOf) return s;
  const parts = (s.allOf as Schema[]).map((p) => merged(doc, deref(doc, p)));
  return {
    type: "object",
    properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
    required: parts.flatMap((p) => p.required ?? []),
  };
}

function stringArb(s: Schema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.max(min, Math.min(s.maxLength ?? MAX_STRING, MAX_STRING));
  const fits = (v: string) => v.length >= min && v.length <= (s.maxLength ?? Number.POSITIVE_INFINITY);
  if (s.format === "date-time") {
    return fc
      .date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2030-01-01T00:00:00Z"), noInvalidDate: true })
      .map((d) => d.toISOString());
  }
  if (s.format === "email") return fc.emailAddress().filter(fits);
  if (typeof s.pattern === "string") {
    try {
      return fc.stringMatching(regex(s.pattern)).filter(fits);
    } catch {
      return fc.constant(String(s.example ?? "x".repeat(Math.max(1, min))));
    }
  }
  return fc.string({ minLength: min, maxLength: max, unit: "grapheme" });
}

/** Values `raw` accepts. */
export function validArb(doc: Document, raw: Schema, depth = 0): fc.Arbitrary<unknown> {
  const s = merged(doc, deref(doc, raw));
  if (!s || depth > MAX_DEPTH) return fc.constant(null);
  const generated = generate(doc, s, depth);
  const example = s.example ?? s.default;
  if (example === undefined) return generated;
  return fc.oneof({ weight: 1, arbitrary: fc.constant(example) }, { weight: 2, arbitrary: generated });
}

function generate(doc: Document, s: Schema, depth: number): fc.Arbitrary<unknown> {
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const alternatives = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map((a) => validArb(doc, a, depth + 1)));
  const types = Array.isArray(s.type) ? (s.type as string[]) : s.type ? [s.type as string] : [];
  const nonNull = types.filter((t) => t !== "null");
  const arbs = nonNull.map((t) => ofType(doc, s, t, depth));
  if (types.includes("null")) arbs.push(fc.constant(null));
  if (arbs.length === 0) return fc.jsonValue({ maxDepth: 2 });
  return arbs.length === 1 ? (arbs[0] as fc.Arbitrary<unknown>) : fc.oneof(...arbs);
}

function ofType(doc: Document, s: Schema, type: string, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case "string":
      return stringArb(s);
    case "integer":
      return fc.integer({ min: s.minimum ?? -1_000_000, max: s.maximum ?? 1_000_000 });
    case "number":
      return fc.double({ min: s.minimum ?? -1e9, max: s.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true });
    case "boolean":
      return fc.boolean();
    case "array": {
      if (s.prefixItems) return fc.tuple(...(s.prefixItems as Schema[]).map((p) => validArb(doc, p, depth + 1)));
      const minLength = s.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(s.maxItems ?? MAX_ITEMS, MAX_ITEMS));
      return fc.array(validArb(doc, s.items ?? {}, depth + 1), { minLength, maxLength });
    }
    case "object": {
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, p] of Object.entries<Schema>(s.properties ?? {})) model[name] = validArb(doc, p, depth + 1);
      const required = ((s.required ?? []) as string[]).filter((k) => k in model);
      return fc.record(model, { requiredKeys: required });
    }
    default:
      return fc.constant(null);
  }
}

const WRONG_TYPES: unknown[] = [null, true, 12345, 1.5, "str", [], {}];

/** Hostile strings: control characters, traversal, injection, homoglyphs, an emoji, a long one. */
const HOSTILE_STRINGS = [
  " ",
  "\u0000",
  "../../etc/passwd",
  "' OR 1=1 --",
  "<script>",
  "ВТС-USDT",
  "💥💥",
  "x".repeat(1_000),
];

function invalidString(s: Schema): fc.Arbitrary<unknown>[] {
  const out: fc.Arbitrary<unknown>[] = [];
  if (typeof s.maxLength === "number") {
    out.push(fc.string({ minLength: s.maxLength + 1, maxLength: s.maxLength + 16 }));
  }
  if ((s.minLength ?? 0) > 1) out.push(fc.constant("x".repeat(s.minLength - 1)));
  if (Array.isArray(s.enum)) out.push(fc.constantFrom("NOT_AN_ENUM_VALUE", ...HOSTILE_STRINGS));
  if (typeof s.pattern === "string") {
    const re = regex(s.pattern);
    const misses = HOSTILE_STRINGS.filter((v) => !re.test(v));
    if (misses.length) out.push(fc.constantFrom(...misses));
  }
  if (s.format === "date-time") out.push(fc.constantFrom("yesterday", "2026-13-45T99:00:00Z"));
  if (s.format === "email") out.push(fc.constantFrom("not-an-email", "a@", "@b.c"));
  return out;
}

function invalidNumber(s: Schema, integer: boolean): fc.Arbitrary<unknown>[] {
  const out: fc.Arbitrary<unknown>[] = [];
  if (typeof s.minimum === "number") out.push(fc.constant(s.minimum - 1));
  if (typeof s.maximum === "number") out.push(fc.constant(s.maximum + 1));
  if (integer) out.push(fc.constant((s.minimum ?? 0) + 0.5));
  return out;
}

/** Values `raw` refuses, or null when it refuses nothing. */
export function invalidArb(doc: Document, raw: Schema, depth = 0): fc.Arbitrary<unknown> | null {
  const s = merged(doc, deref(doc, raw));
  if (!s || depth > MAX_DEPTH) return null;
  const out: fc.Arbitrary<unknown>[] = [];
  const types = typesOf(doc, s);
  if (types !== null) {
    const allows = (v: unknown) =>
      types.includes(jsonType(v)) || (jsonType(v) === "integer" && types.includes("number"));
    const wrong = WRONG_TYPES.filter((v) => !allows(v));
    if (wrong.length) out.push(fc.constantFrom(...wrong));
  }
  const single = s.anyOf || s.oneOf ? null : types?.filter((t) => t !== "null");
  if (single?.length === 1) {
    const type = single[0];
    if (type === "string") out.push(...invalidString(s));
    if (type === "integer" || type === "number") out.push(...invalidNumber(s, type === "integer"));
    if (type === "array" && !s.prefixItems) {
      if (typeof s.maxItems === "number" && s.maxItems <= 100) {
        out.push(
          fc.array(validArb(doc, s.items ?? {}, depth + 1), { minLength: s.maxItems + 1, maxLength: s.maxItems + 1 }),
        );
      }
      if ((s.minItems ?? 0) > 0) out.push(fc.constant([]));
      const item = s.items ? invalidArb(doc, s.items, depth + 1) : null;
      if (item) out.push(fc.array(item, { minLength: 1, maxLength: 2 }));
    }
    if (type === "object") out.push(...invalidObject(doc, s, depth));
  }
  return out.length ? fc.oneof(...out) : null;
}

function invalidObject(doc: Document, s: Schema, depth: number): fc.Arbitrary<unknown>[] {
  const out: fc.Arbitrary<unknown>[] = [];
  const valid = validArb(doc, { ...s, example: undefined, default: undefined }, depth) as fc.Arbitrary<
    Record<string, unknown>
  >;
  const required = (s.required ?? []) as string[];
  if (required.length) {
    out.push(
      fc.tuple(valid, fc.constantFrom(...required)).map(([value, key]) => {
        const { [key]: _dropped, ...rest } = value;
        return rest;
      }),
    );
  }
  for (const [name, p] of Object.entries<Schema>(s.properties ?? {})) {
    const bad = invalidArb(doc, p, depth + 1);
    if (bad) out.push(fc.tuple(valid, bad).map(([value, v]) => ({ ...value, [name]: v })));
  }
  if (s.additionalProperties === false) {
    out.push(valid.map((value) => ({ ...value, unexpected_field: "x" })));
  }
  return out;
}

/** Strings a query, path or header parameter refuses, or null when it refuses nothing. */
export function invalidParamArb(doc: Document, raw: Schema): fc.Arbitrary<string> | null {
  const s = deref(doc, raw);
  if (!s) return null;
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== "null") : s.type;
  const out: fc.Arbitrary<unknown>[] = [];
  if (type === "integer" || type === "number") {
    out.push(fc.constantFrom("abc", "1e999", "0x1F", "--1"), ...invalidNumber(s, type === "integer"));
  } else if (type === "boolean") {
    out.push(fc.constantFrom("maybe", "2"));
  } else if (type === "string") {
    out.push(...invalidString(s));
  }
  return out.length ? fc.oneof(...out).map(String) : null;
}

/** Strings a parameter accepts (serialised for a URL or header). */
export function validParamArb(doc: Document, raw: Schema): fc.Arbitrary<string> {
  return validArb(doc, raw).map((v) => (v === null ? "" : String(v)));
}
