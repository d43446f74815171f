/** Solana token monitoring routes (API.md "Solana token monitoring"): monitors, anomalies, analysis. */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { ApiError } from "../errors";
import { requireScope, SECURED } from "../middleware/auth";
import { errorResponses, PaginationQuery } from "../schemas/common";
import {
  AnalysisQuery,
  AnalysisResponse,
  AnomaliesQuery,
  AnomaliesResponse,
  MonitorBody,
  MonitorCreated,
  MonitoringIdParam,
  MonitorList,
  TokenParam,
} from "../schemas/solana-monitoring";
import { recordEvent } from "../services/audit/record";
import { parseIsoTime } from "../services/market/time";
import { listAnomalies, tokenAnalysis } from "../services/solana/anomalies";
import { listMonitors, MAX_MONITORS_PER_ACCOUNT, startMonitoring, stopMonitoring } from "../services/solana/monitors";
import type { AppEnv, Principal } from "../types";

const TAGS = ["Solana token monitoring"];
const CREDENTIALS = SECURED as Array<Record<string, string[]>>;
const json = <T>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });
const PUBLIC_INTEL =
  "Anomalies are market intelligence, not account data: anyone with `read:tokens` reads every token's, whoever monitors it.";

const startRoute = createRoute({
  method: "post",
  path: "/api/v1/monitor",
  operationId: "startMonitoring",
  tags: TAGS,
  summary: "Start monitoring tokens",
  description: `Needs \`write:monitor\`. Each address must be a base58 Solana address of 32 bytes. A token the account monitors already keeps its monitoring id and takes the new \`update_interval\`; a repeated address gets the same id. A newly monitored token is scanned by the next cron run (within a minute), then every \`update_interval\` seconds (rounded up to the minute); when several accounts monitor a token it is scanned at the shortest of their intervals. At most ${MAX_MONITORS_PER_ACCOUNT} tokens per account (400 beyond).`,
  security: CREDENTIALS,
  middleware: [requireScope("write:monitor")] as const,
  request: { body: { required: true, content: { "application/json": { schema: MonitorBody } } } },
  responses: { 201: json(MonitorCreated, "Monitoring started."), ...errorResponses(401, 403) },
});

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/monitor",
  operationId: "listMonitors",
  tags: TAGS,
  summary: "List my monitored tokens",
  description: "Needs `read:tokens`. The caller's monitors, oldest first, with the token's last and next scan.",
  security: CREDENTIALS,
  middleware: [requireScope("read:tokens")] as const,
  request: { query: PaginationQuery },
  responses: { 200: json(MonitorList, "A page of monitors."), ...errorResponses(401, 403) },
});

const stopRoute = createRoute({
  method: "delete",
  path: "/api/v1/monitor/{monitoring_id}",
  operationId: "stopMonitoring",
  tags: TAGS,
  summary: "Stop monitoring a token",
  description:
    "Needs `write:monitor`. Stops one of the caller's monitors; another account's id answers 404 like an unknown one. The token stays scanned while other accounts monitor it; its anomalies stay stored.",
  security: CREDENTIALS,
  middleware: [requireScope("write:monitor")] as const,
  request: { params: MonitoringIdParam },
  responses: { 204: { description: "Stopped." }, ...errorResponses(401, 403, 404) },
});

const anomaliesRoute = createRoute({
  method: "get",
  path: "/api/v1/anomalies",
  operationId: "listAnomalies",
  tags: TAGS,
  summary: "Detected anomalies",
  description: `Needs \`read:tokens\`. Newest first (by \`timestamp\`). Filters combine: \`start_time\`/\`end_time\` (inclusive, on \`timestamp\`), \`min_risk_score\`, \`token_address\`, \`anomaly_type\`. ${PUBLIC_INTEL}`,
  security: CREDENTIALS,
  middleware: [requireScope("read:tokens")] as const,
  request: { query: AnomaliesQuery },
  responses: { 200: json(AnomaliesResponse, "A page of anomalies."), ...errorResponses(401, 403) },
});

const analysisRoute = createRoute({
  method: "get",
  path: "/api/v1/token/{token_address}/analysis",
  operationId: "getTokenAnalysis",
  tags: TAGS,
  summary: "Token analysis",
  description: `Needs \`read:tokens\`. Metrics, anomalies and the combined risk score of a token over the timeframe (aligned down to 5-minute windows), as of the scanner's last pass over it: only monitored tokens are scanned, so a token nobody monitors answers zero metrics and no anomalies (\`monitored: false\`). ${PUBLIC_INTEL}`,
  security: CREDENTIALS,
  middleware: [requireScope("read:tokens")] as const,
  request: { params: TokenParam, query: AnalysisQuery },
  responses: { 200: json(AnalysisResponse, "The token's analysis."), ...errorResponses(401, 403) },
});

function caller(principal: Principal | undefined): Principal {
  if (!principal) throw new ApiError("unauthorized");
  return principal;
}

const isoOrUndefined = (value: string | undefined) =>
  value === undefined ? undefined : (parseIsoTime(value, true) ?? undefined);

/** The monitoring, anomaly and analysis routes, mounted at the root (paths are absolute). */
export const solanaRoutes = new OpenAPIHono<AppEnv>()
  .openapi(startRoute, async (c) => {
    const principal = caller(c.get("principal"));
    const body = c.req.valid("json");
    const started = await startMonitoring(c.env.DB, principal.user_id, body.token_addresses, body.update_interval);
    const unique = [...new Set(body.token_addresses)];
    unique.forEach((token_address) => {
      const monitoring_id = started.monitoring_ids[body.token_addresses.indexOf(token_address)];
      recordEvent(c, {
        event: "monitor.started",
        details: {
          monitoring_id,
          token_address,
          update_interval: body.update_interval,
          created: started.created.includes(token_address),
        },
      });
    });
    return c.json({ status: "monitoring" as const, monitoring_ids: started.monitoring_ids }, 201);
  })
  .openapi(listRoute, async (c) => {
    const principal = caller(c.get("principal"));
    c.header("Cache-Control", "no-store");
    return c.json(await listMonitors(c.env.DB, principal.user_id, c.req.valid("query")), 200);
  })
  .openapi(stopRoute, async (c) => {
    const principal = caller(c.get("principal"));
    const { monitoring_id } = c.req.valid("param");
    const stopped = await stopMonitoring(c.env.DB, principal.user_id, monitoring_id);
    recordEvent(c, { event: "monitor.stopped", details: { monitoring_id, token_address: stopped.token_address } });
    return c.body(null, 204);
  })
  .openapi(anomaliesRoute, async (c) => {
    const q = c.req.valid("query");
    const page = await listAnomalies(c.env.DB, {
      start: isoOrUndefined(q.start_time),
      end: isoOrUndefined(q.end_time),
      min_risk_score: q.min_risk_score,
      token_address: q.token_address,
      anomaly_type: q.anomaly_type,
      limit: q.limit,
      cursor: q.cursor,
    });
    return c.json(page, 200);
  })
  .openapi(analysisRoute, async (c) => {
    const { token_address } = c.req.valid("param");
    const analysis = await tokenAnalysis(c.env.DB, token_address, c.req.valid("query").timeframe);
    return c.json(analysis, 200);
  });
