// `npm run client:generate`: builds the OpenAPI document from the route schemas (the same
// generator that serves GET /openapi.json, without starting a server) and writes the client
// SDK's types to src/client/generated/api.ts. `--check` exits 1 instead when the file is stale.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createApp } from "../src/app";
import { generateApiTypes } from "./lib/openapi-types";

const target = path.join(process.cwd(), "src", "client", "generated", "api.ts");
const document = createApp().getOpenAPI31Document({ openapi: "3.1.0", info: { title: "Parapet API", version: "" } });
const source = generateApiTypes(document);
let current = "";
try {
  current = readFileSync(target, "utf8");
} catch {
  // not generated yet
}
if (process.argv.includes("--check")) {
  if (current !== source) {
    console.error(`${path.relative(process.cwd(), target)} is out of date: run npm run client:generate`);
    process.exit(1);
  }
  console.log("client types are up to date");
} else if (current === source) {
  console.log(`${path.relative(process.cwd(), target)} is up to date`);
} else {
  writeFileSync(target, source);
  console.log(`wrote ${path.relative(process.cwd(), target)} (${Object.keys(document.paths ?? {}).length} paths)`);
}
