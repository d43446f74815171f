import { OpenAPIHono } from "@hono/zod-openapi";
import { StreamClientMessage, StreamServerMessage } from "../schemas/streams";
import type { AppEnv } from "../types";

/**
 * No routes: registers the WebSocket messages (`src/schemas/streams.ts`) as OpenAPI components,
 * so `/openapi.json` documents the protocol of `/ws/market` and `/ws/alerts` and the client SDK
 * generates its stream types from it.
 */
export const wsProtocolSchemas = new OpenAPIHono<AppEnv>();
wsProtocolSchemas.openAPIRegistry.register("StreamServerMessage", StreamServerMessage);
wsProtocolSchemas.openAPIRegistry.register("StreamClientMessage", StreamClientMessage);
