/**
 * The app's own OpenAPI document as the list of what to attack: every security test walks the
 * operations of `/openapi.json` instead of a hand-written route list, so a new route is probed
 * the day it is documented (and the inventory test fails if it is served but not documented).
 */
import { call, json } from "../helpers";

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema objects are walked generically.
export type Schema = any;

export interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema: Schema;
}

export interface Operation {
  method: string;
  /** The document's path template, e.g. `/api/v1/keys/{key_id}`. */
  path: string;
  operationId: string;
  parameters: Parameter[];
  /** The JSON request body schema (references resolved at the top level), if any. */
  body?: Schema;
  bodyRequired: boolean;
  responses: Record<string, Schema>;
  security?: Array<Record<string, string[]>>;
}

export interface Document {
  paths: Record<string, Record<string, Schema>>;
  components: { schemas: Record<string, Schema>; responses: Record<string, Schema> };
}

const METHODS = ["get", "post", "put", "patch", "delete"];

let cached: Document | undefined;

/** `GET /openapi.json` of the Worker, fetched once per test file. */
export async function openApiDocument(): Promise<Document> {
  if (!cached) {
    const res = await call("/openapi.json");
    if (res.status !== 200) throw new Error(`/openapi.json answered ${res.status}`);
    cached = (await json(res)) as Document;
  }
  return cached;
}

/** Follows a `$ref` into `components`. */
export function deref(doc: Document, schema: Schema): Schema {
  let current = schema;
  for (let depth = 0; current && typeof current.$ref === "string" && depth < 10; depth++) {
    const [, , kind, name] = current.$ref.split("/");
    current = (doc.components as Record<string, Record<string, Schema>>)[kind as string]?.[name as string];
  }
  return current;
}

/** Every operation of the document. */
export function operations(doc: Document): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => {
        const body = op.requestBody?.content?.["application/json"]?.schema;
        return {
          method: method.toUpperCase(),
          path,
          operationId: op.operationId,
          parameters: (op.parameters ?? []) as Parameter[],
          ...(body ? { body: deref(doc, body) } : {}),
          bodyRequired: op.requestBody?.required === true,
          responses: op.responses ?? {},
          security: op.security,
        };
      }),
  );
}

/** Operations of the versioned API (`/api/v1/…`), the ones behind credentials and rate limits. */
export function apiOperations(doc: Document): Operation[] {
  return operations(doc).filter((op) => op.path.startsWith("/api/v1/"));
}

/** True for operations only an admin may call. */
export function isAdmin(op: Operation): boolean {
  return op.path.startsWith("/api/v1/admin/");
}

/** The names of an operation's path parameters, in order. */
export function pathParams(op: Operation): string[] {
  return [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
}

/** Fills the path template with `values` (URL-encoded). */
export function fillPath(op: Operation, values: Record<string, string>): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for path parameter ${name} of ${op.operationId}`);
    return encodeURIComponent(value);
  });
}

/**
 * A valid value for `schema`, built from its examples, defaults and bounds: what a well-behaved
 * client would send. Used to make probes that fail for the reason under test, not for a typo.
 */
export function exampleOf(doc: Document, raw: Schema): unknown {
  const schema = deref(doc, raw);
  if (schema === undefined || schema === null) return null;
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.anyOf) return exampleOf(doc, schema.anyOf[0]);
  if (schema.oneOf) return exampleOf(doc, schema.oneOf[0]);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== "null") : schema.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries<Schema>(schema.properties ?? {})) {
        out[name] = exampleOf(doc, property);
      }
      return out;
    }
    case "array":
      if (schema.prefixItems) return schema.prefixItems.map((item: Schema) => exampleOf(doc, item));
      return schema.items ? [exampleOf(doc, schema.items)] : [];
    case "integer":
    case "number":
      return schema.minimum ?? 1;
    case "boolean":
      return false;
    case "string":
      if (schema.format === "date-time") return new Date().toISOString();
      return "x".repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return null;
  }
}

/** The status codes an operation documents, as numbers. */
export function documentedStatuses(op: Operation): number[] {
  return Object.keys(op.responses).map(Number);
}
