import { Hono } from "hono";
import type { AppEnv } from "../types";

/** Where scripts/prepare-assets.mjs puts Swagger UI's files (served as Workers static assets). */
const ASSETS = "/docs-assets";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parapet API reference</title>
<link rel="stylesheet" href="${ASSETS}/swagger-ui.css">
</head>
<body>
<div id="docs"></div>
<script src="${ASSETS}/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;

// A file, not an inline script, so the page works under `script-src 'self'`.
const INIT = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#docs",
  deepLinking: true,
  tryItOutEnabled: false,
  persistAuthorization: false
});`;

/** `GET /docs`: the interactive reference, rendered from this Worker's own files only (no CDN). */
export const docsRoutes = new Hono<AppEnv>()
  .get("/docs", (c) => c.html(PAGE))
  .get("/docs/init.js", (c) => {
    c.header("Content-Type", "text/javascript; charset=utf-8");
    c.header("Cache-Control", "public, max-age=300");
    return c.body(INIT);
  });
