import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { requireMetricsToken } from "../middleware/metrics-token";
import { errorResponses } from "../schemas/common";
import { collectMetrics } from "../services/metrics";
import { EXPOSITION_CONTENT_TYPE, renderExposition } from "../services/metrics/render";
import type { AppEnv } from "../types";

const EXAMPLE = `# HELP http_requests_total HTTP requests answered, by method, route template and status code.
# TYPE http_requests_total counter
http_requests_total{method="GET",route="/api/v1/market/price/{symbol}",status="200"} 1027
http_requests_total{method="GET",route="unmatched",status="404"} 3
# HELP websocket_connections_active Open WebSocket connections, by channel (market or alerts), ...
# TYPE websocket_connections_active gauge
websocket_connections_active{channel="market"} 12
`;

const route = createRoute({
  method: "get",
  path: "/metrics",
  operationId: "getMetrics",
  tags: ["Operations"],
  summary: "Prometheus metrics",
  description:
    "Service-wide metrics in the Prometheus text exposition format 0.0.4: `http_requests_total{method,route,status}`, " +
    "`http_request_duration_seconds{method,status_class}` and `endpoint_latency_histogram{route}` (histograms), " +
    "`websocket_connections_active{channel}` and `api_error_rate{class}` (gauges; 5xx and 4xx share of the last 5 minutes), " +
    "`rate_limit_refusals_total`, `anomaly_scans_total`, `anomalies_detected_total`. Route labels are route templates " +
    "(`unmatched` for unknown paths). Totals are added up over every isolate and are at most a few seconds old. " +
    "Outside `/api/v1`: no API credentials, no rate limit. When the `METRICS_TOKEN` variable is set, the request " +
    "needs `Authorization: Bearer <METRICS_TOKEN>`, else 401 `unauthorized`.",
  security: [{ metricsToken: [] }],
  middleware: [requireMetricsToken()],
  responses: {
    200: {
      description: "The current metrics.",
      content: { "text/plain": { schema: z.string().openapi({ example: EXAMPLE }) } },
    },
    ...errorResponses(401, 403),
  },
});

/** `GET /metrics`: Prometheus scrape endpoint. */
export const metricsRoutes = new OpenAPIHono<AppEnv>().openapi(route, async (c) => {
  const data = await collectMetrics(c.env);
  return c.text(renderExposition(data, Date.now()), 200, {
    "Content-Type": EXPOSITION_CONTENT_TYPE,
    "Cache-Control": "no-store",
  });
});

metricsRoutes.openAPIRegistry.registerComponent("securitySchemes", "metricsToken", {
  type: "http",
  scheme: "bearer",
  description: "The `METRICS_TOKEN` variable, needed on `/metrics` when it is set.",
});
