import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../types";
import { docsRoutes } from "./docs";
import { healthRoutes } from "./health";
import { marketRoutes } from "./market";

/** Mounts every route module. Each later capability adds its module here. */
export function registerRoutes(app: OpenAPIHono<AppEnv>): void {
  app.route("/", healthRoutes);
  app.route("/", docsRoutes);
  app.route("/", marketRoutes);
}
