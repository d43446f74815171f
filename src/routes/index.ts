import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../types";
import { adminRoutes } from "./admin";
import { adminKeyRoutes } from "./admin-keys";
import { analysisRoutes } from "./analysis";
import { auditLogRoutes } from "./audit-logs";
import { authRoutes } from "./auth";
import { walletAuthRoutes } from "./auth-wallet";
import { docsRoutes } from "./docs";
import { healthRoutes } from "./health";
import { jwksRoutes } from "./jwks";
import { keyRoutes } from "./keys";
import { marketRoutes } from "./market";
import { meRoutes } from "./me";
import { metricsRoutes } from "./metrics";
import { portfolioRoutes } from "./portfolio";
import { solanaRoutes } from "./solana";
import { solanaIngestRoutes } from "./solana-ingest";
import { wsRoutes } from "./ws";
import { wsProtocolSchemas } from "./ws-protocol";

/** Mounts every route module. Each later capability adds its module here. */
export function registerRoutes(app: OpenAPIHono<AppEnv>): void {
  app.route("/", healthRoutes);
  app.route("/", docsRoutes);
  app.route("/", keyRoutes).route("/", adminKeyRoutes);
  app.route("/", authRoutes).route("/", walletAuthRoutes).route("/", meRoutes).route("/", jwksRoutes);
  app.route("/", auditLogRoutes).route("/", adminRoutes);
  app.route("/", metricsRoutes);
  app.route("/", marketRoutes);
  app.route("/", solanaRoutes).route("/", solanaIngestRoutes);
  app.route("/", analysisRoutes);
  app.route("/", wsRoutes);
  app.route("/", portfolioRoutes);
  app.route("/", wsProtocolSchemas);
}
