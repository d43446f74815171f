import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { API_VERSION } from "../app-info";
import { errorResponses } from "../schemas/common";
import type { AppEnv } from "../types";

const CheckStatus = z.enum(["ok", "error"]);
const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    checks: z.object({ d1: CheckStatus, durable_objects: CheckStatus }),
    version: z.string(),
    timestamp: z.string(),
  })
  .openapi("Health");

const route = createRoute({
  method: "get",
  path: "/health",
  operationId: "getHealth",
  tags: ["Operations"],
  summary: "Readiness probe",
  description:
    "Runs a real D1 query and a real Durable Object RPC call. 200 when both answer within 2 s, else 503 with `status: degraded`.",
  responses: {
    200: { description: "All dependencies answer.", content: { "application/json": { schema: HealthSchema } } },
    503: { description: "A dependency failed.", content: { "application/json": { schema: HealthSchema } } },
    // Global middleware still applies: 403 https_required over plain HTTP, 413, 500.
    ...errorResponses(403),
  },
});

const PROBE_TIMEOUT_MS = 2000;

async function probe(check: () => Promise<unknown>): Promise<"ok" | "error"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return "ok";
  } catch {
    return "error";
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

export const healthRoutes = new OpenAPIHono<AppEnv>().openapi(route, async (c) => {
  const [d1, durableObjects] = await Promise.all([
    probe(async () => {
      const row = await c.env.DB.prepare("SELECT 1 AS ok").first<{ ok: number }>();
      if (row?.ok !== 1) throw new Error("unexpected D1 answer");
    }),
    probe(async () => {
      const stub = c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName("health:probe"));
      if ((await stub.ping()) !== "pong") throw new Error("unexpected DO answer");
    }),
  ]);
  const healthy = d1 === "ok" && durableObjects === "ok";
  const body = {
    status: healthy ? ("ok" as const) : ("degraded" as const),
    checks: { d1, durable_objects: durableObjects },
    version: API_VERSION,
    timestamp: new Date().toISOString(),
  };
  return healthy ? c.json(body, 200) : c.json(body, 503);
});
