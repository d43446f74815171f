/**
 * Turns the service's OpenAPI 3.1 document into TypeScript types for the client SDK
 * (`src/client/generated/api.ts`). Pure: no I/O, so `npm run client:generate` (Node) and the
 * freshness test (Workers runtime, against the live `/openapi.json`) run the very same code.
 *
 * Why not openapi-typescript: it needs the TypeScript 5 compiler API as a peer, and this project
 * is on TypeScript 7 (tsgo), which has no such API. The subset of JSON Schema that zod-openapi
 * emits is small (objects, arrays, tuples, enums, nullable type arrays, refs, all/any/oneOf), and
 * anything outside it becomes `unknown` rather than a wrong type.
 */

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document is arbitrary JSON.
type Json = any;

const METHODS = ["get", "put", "post", "delete", "patch"] as const;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property key as TypeScript source: bare when it is an identifier, quoted otherwise. */
function key(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** A JSDoc block for `text` at `indent`, or nothing. `*\/` inside the text cannot end the comment. */
function doc(text: unknown, indent: string): string {
  if (typeof text !== "string" || text.trim() === "") return "";
  const lines = text.trim().replaceAll("*/", "*\\/").split("\n");
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} *${line ? ` ${line}` : ""}`).join("\n")}\n${indent} */\n`;
}

/** The TypeScript reference for a `$ref` into the document's components. */
function refType(ref: string): string {
  // Only schemas are emitted as components; response and parameter refs are resolved in place.
  const match = /^#\/components\/schemas\/(.+)$/.exec(ref);
  return match ? `components["schemas"][${JSON.stringify(match[1])}]` : "unknown";
}

/** Resolves a local `$ref` (`#/components/...`) against the document, or returns the object itself. */
function resolve(document: Json, value: Json): Json {
  let current = value;
  for (let depth = 0; current && typeof current.$ref === "string" && depth < 10; depth++) {
    const parts = current.$ref.replace(/^#\//, "").split("/");
    current = parts.reduce(
      (node: Json, part: string) => node?.[part.replaceAll("~1", "/").replaceAll("~0", "~")],
      document,
    );
  }
  return current;
}

const union = (types: string[]): string => {
  const unique = [...new Set(types)];
  if (unique.length === 0) return "never";
  if (unique.includes("unknown")) return "unknown";
  return unique.join(" | ");
};

const wrap = (type: string): string => (/[|&]/.test(type) ? `(${type})` : type);

/** The TypeScript type of a JSON Schema, written at nesting `indent`. */
export function schemaType(schema: Json, indent = ""): string {
  if (schema === true || schema === undefined || schema === null) return "unknown";
  if (schema === false) return "never";
  if (typeof schema.$ref === "string") return refType(schema.$ref);
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) {
    const values = schema.enum.map((v: unknown) => JSON.stringify(v));
    return union(schema.nullable ? [...values, "null"] : values);
  }
  if (Array.isArray(schema.allOf)) return schema.allOf.map((s: Json) => wrap(schemaType(s, indent))).join(" & ");
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants)) return union(variants.map((s: Json) => schemaType(s, indent)));
  const types: string[] = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return schema.properties ? objectType(schema, indent) : "unknown";
  const out = types.map((type) => {
    switch (type) {
      case "string":
        return "string";
      case "integer":
      case "number":
        return "number";
      case "boolean":
        return "boolean";
      case "null":
        return "null";
      case "array":
        return arrayType(schema, indent);
      case "object":
        return objectType(schema, indent);
      default:
        return "unknown";
    }
  });
  return union(schema.nullable ? [...out, "null"] : out);
}

function arrayType(schema: Json, indent: string): string {
  if (Array.isArray(schema.prefixItems)) {
    const items = schema.prefixItems.map((s: Json) => schemaType(s, indent));
    // zod writes a rest element as `items`; a tuple without one is exact, though JSON Schema would allow more.
    if (schema.items === undefined || schema.items === false) return `[${items.join(", ")}]`;
    return `[${[...items, `...${wrap(schemaType(schema.items, indent))}[]`].join(", ")}]`;
  }
  return `${wrap(schemaType(schema.items, indent))}[]`;
}

function objectType(schema: Json, indent: string): string {
  const properties: Record<string, Json> = schema.properties ?? {};
  const required = new Set<string>(schema.required ?? []);
  const inner = `${indent}  `;
  const lines: string[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const optional = required.has(name) ? "" : "?";
    lines.push(`${doc(property?.description, inner)}${inner}${key(name)}${optional}: ${schemaType(property, inner)};`);
  }
  const extra = schema.additionalProperties;
  if (extra !== undefined && extra !== false) {
    // Named properties must fit the index signature, so it widens to unknown when both exist.
    const value = lines.length > 0 ? "unknown" : schemaType(extra === true ? {} : extra, inner);
    lines.push(`${inner}[key: string]: ${value};`);
  } else if (lines.length === 0) {
    return extra === false ? "Record<string, never>" : "Record<string, unknown>";
  }
  return `{\n${lines.join("\n")}\n${indent}}`;
}

/** The body type of a request body or response object (JSON first, then text). */
function contentType(document: Json, value: Json, indent: string): string {
  const resolved = resolve(document, value);
  const content = resolved?.content;
  if (!content || Object.keys(content).length === 0) return "undefined";
  const json = Object.keys(content).find((type) => type === "application/json" || type.endsWith("+json"));
  if (json) return schemaType(content[json].schema, indent);
  return Object.keys(content).some((type) => type.startsWith("text/")) ? "string" : "unknown";
}

function parametersType(document: Json, parameters: Json[], location: "path" | "query", indent: string): string {
  const own = parameters.map((p) => resolve(document, p)).filter((p) => p?.in === location);
  if (own.length === 0) return "never";
  const inner = `${indent}  `;
  const lines = own.map((p) => {
    const optional = p.required ? "" : "?";
    return `${doc(p.description, inner)}${inner}${key(p.name)}${optional}: ${schemaType(p.schema, inner)};`;
  });
  return `{\n${lines.join("\n")}\n${indent}}`;
}

function operationType(document: Json, pathItem: Json, method: string, indent: string): string {
  const operation = pathItem[method];
  const inner = `${indent}  `;
  const parameters = [...(pathItem.parameters ?? []), ...(operation.parameters ?? [])];
  const lines = [
    `${inner}operationId: ${JSON.stringify(operation.operationId ?? "")};`,
    `${inner}path: ${parametersType(document, parameters, "path", inner)};`,
    `${inner}query: ${parametersType(document, parameters, "query", inner)};`,
  ];
  if (operation.requestBody) {
    const body = contentType(document, operation.requestBody, inner);
    const required = resolve(document, operation.requestBody)?.required === true;
    lines.push(`${inner}body: ${required ? body : union([body, "undefined"])};`);
  } else {
    lines.push(`${inner}body: never;`);
  }
  const responses = Object.entries(operation.responses ?? {}).map(
    ([status, response]) =>
      `${doc(resolve(document, response)?.description, `${inner}  `)}${inner}  ${key(status)}: ${contentType(document, response, `${inner}  `)};`,
  );
  lines.push(`${inner}responses: {\n${responses.join("\n")}\n${inner}};`);
  return `${doc(operation.summary, indent)}${indent}${method}: {\n${lines.join("\n")}\n${indent}};`;
}

/**
 * The generated module's source for `document`: `components` (schemas by name) and `paths`
 * (per path and method: `operationId`, `path` and `query` parameters, `body` and `responses` by
 * status). Only `paths` and `components.schemas` are read, so the served document's `servers`
 * and `info` do not change the output.
 */
export function generateApiTypes(document: Json): string {
  const schemas = Object.entries(document?.components?.schemas ?? {}).map(
    ([name, schema]) => `${doc((schema as Json)?.description, "    ")}    ${key(name)}: ${schemaType(schema, "    ")};`,
  );
  const paths = Object.entries(document?.paths ?? {}).map(([path, item]) => {
    const pathItem = item as Json;
    const operations = METHODS.filter((method) => pathItem[method]).map((method) =>
      operationType(document, pathItem, method, "    "),
    );
    return `  ${JSON.stringify(path)}: {\n${operations.join("\n")}\n  };`;
  });
  return [
    "// Generated from the service's OpenAPI document by `npm run client:generate`",
    "// (scripts/client-generate.mjs). Do not edit: change the route schemas and regenerate.",
    "// test/client/generated.test.ts fails when this file is out of date.",
    "",
    "/** Named schemas of the OpenAPI document. */",
    "export interface components {",
    "  schemas: {",
    ...schemas,
    "  };",
    "}",
    "",
    "/** Every route: per method its `path` and `query` parameters, `body` and `responses` by status. */",
    "export interface paths {",
    ...paths,
    "}",
    "",
  ].join("\n");
}
