/** Analysis routes (API.md "Analysis"): historical risk and model forecasts, `read:analysis`. */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { requireScope, SECURED } from "../middleware/auth";
import { PredictionQuery, PredictionResponse, RiskQuery, RiskResponse, SymbolParam } from "../schemas/analysis";
import { errorResponses } from "../schemas/common";
import { predictPrice } from "../services/analysis/prediction";
import { RISK_METHOD_DESCRIPTION } from "../services/analysis/risk";
import { riskReport } from "../services/analysis/risk-report";
import type { AppEnv } from "../types";

const TAGS = ["Analysis"];
const json = <T>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });

const riskRoute = createRoute({
  method: "get",
  path: "/api/v1/analysis/risk/{symbol}",
  operationId: "getRiskAnalysis",
  tags: TAGS,
  summary: "Historical VaR, expected shortfall and volatility",
  description: `Needs \`read:analysis\`. Computed on request from the symbol's stored daily candles (\`1d\`; not aggregated from finer ones). ${RISK_METHOD_DESCRIPTION} Amounts are decimal strings in the quote currency. 404 \`MARKET_001\` for an unknown symbol; 422 \`insufficient_history\` when fewer than \`window\` + 1 daily candles are stored (\`details\` says how many are needed and available). Results are cached for up to 60 s per isolate, and recomputed at once when the newest daily candle changes.`,
  security: SECURED,
  middleware: [requireScope("read:analysis")],
  request: { params: SymbolParam, query: RiskQuery },
  responses: {
    200: json(RiskResponse, "Risk metrics of one unit at the latest price."),
    ...errorResponses(401, 403, 404, 422),
  },
});

const predictionRoute = createRoute({
  method: "get",
  path: "/api/v1/analysis/prediction/{symbol}",
  operationId: "getPricePrediction",
  tags: TAGS,
  summary: "Price forecast with an 80 % interval",
  description:
    "Needs `read:analysis`. Forecasts the close `timeframe` after the newest stored candle: `1h` one hourly candle ahead and `4h` four, from hourly candles; `1d` one daily candle ahead, from daily candles. " +
    "Both models are trained on the symbol's own history by a background job every 5 minutes (never on the request path) once it has at least 200 candles of the base interval (`ANALYSIS_MIN_CANDLES`), and retrained when newer candles arrive; a request runs the stored model on the newest candles. " +
    "`interval_low`..`interval_high` is an 80 % prediction interval: the 10th-90th percentile of the model's own last 250 walk-forward errors (out of sample), so about 8 in 10 outcomes should fall inside. `confidence` is the model's recent directional hit rate (0.5 = a coin flip), not a probability that `prediction` is exact. " +
    "On the bundled history neither model beats the last price as a point forecast (see BENCHMARKS.md); the interval is the calibrated part. " +
    "404 `MARKET_001` for an unknown symbol; 503 `AI_001` when the symbol has too little history or no model has been trained yet (the message and `details.reason` say which; `Retry-After` when training is pending); 500 `AI_002` when a forecast is not a finite number.",
  security: SECURED,
  middleware: [requireScope("read:analysis")],
  request: { params: SymbolParam, query: PredictionQuery },
  responses: {
    200: json(PredictionResponse, "A forecast with its interval and confidence."),
    ...errorResponses(401, 403, 404, 503),
  },
});

/** The analysis routes, mounted at the root (paths are absolute). */
export const analysisRoutes = new OpenAPIHono<AppEnv>()
  .openapi(riskRoute, async (c) => {
    const { symbol } = c.req.valid("param");
    const { window, confidence } = c.req.valid("query");
    return c.json(await riskReport(c.env.DB, { symbol, window, confidence }), 200);
  })
  .openapi(predictionRoute, async (c) => {
    const { symbol } = c.req.valid("param");
    const { timeframe, model } = c.req.valid("query");
    const minCandles = c.get("config").ANALYSIS_MIN_CANDLES;
    return c.json(await predictPrice(c.env.DB, { symbol, timeframe, model }, { minCandles }), 200);
  });
