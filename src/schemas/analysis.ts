/** Request and response schemas of the analysis routes (API.md "Analysis"). */
import { z } from "@hono/zod-openapi";
import { FORECAST_MODELS } from "../services/analysis/forecast";
import { RISK_CONFIDENCE, RISK_WINDOW } from "../services/analysis/risk";
import { FORECAST_TIMEFRAMES } from "../services/analysis/timeframes";
import { IsoTime } from "./common";

export { SymbolParam } from "./market";

const Decimal = (example: string, description: string) => z.string().openapi({ example, description });

export const RiskQuery = z.object({
  window: z.coerce
    .number()
    .int()
    .min(RISK_WINDOW.min)
    .max(RISK_WINDOW.max)
    .default(RISK_WINDOW.default)
    .openapi({
      param: { name: "window", in: "query" },
      example: 365,
      description: `Daily log returns to use (${RISK_WINDOW.min}-${RISK_WINDOW.max}, default ${RISK_WINDOW.default}); needs \`window\` + 1 daily candles.`,
    }),
  confidence: z.coerce
    .number()
    .min(RISK_CONFIDENCE.min)
    .max(RISK_CONFIDENCE.max)
    .default(RISK_CONFIDENCE.default)
    .openapi({
      param: { name: "confidence", in: "query" },
      example: 0.95,
      description: `Confidence level of VaR and expected shortfall (${RISK_CONFIDENCE.min}-${RISK_CONFIDENCE.max}, default ${RISK_CONFIDENCE.default}).`,
    }),
});

export const RiskResponse = z
  .object({
    symbol: z.string().openapi({ example: "BTC-USDT" }),
    var_95: Decimal(
      "3466.93",
      "One-day historical VaR of one unit at the requested `confidence` (the name is the seed's), a positive loss in the quote currency.",
    ),
    expected_shortfall: Decimal(
      "5148.55",
      "Mean one-day loss of one unit over the tail days (≥ `var_95`), quote currency.",
    ),
    volatility: Decimal("0.432117", "Annualised volatility of daily log returns (sample sd × √365), a fraction."),
    confidence: z.number().openapi({ example: 0.95, description: "The confidence level used." }),
    window: z.number().int().openapi({ example: 365, description: "Daily returns used." }),
    method: z.literal("historical").openapi({ example: "historical", description: "Historical simulation." }),
    timestamp: IsoTime.openapi({
      description:
        "When the latest close used was current: the end of the newest daily candle, or now while that day runs.",
    }),
  })
  .openapi("RiskAnalysis");

export const PredictionQuery = z.object({
  timeframe: z
    .enum(FORECAST_TIMEFRAMES)
    .default("1h")
    .openapi({
      param: { name: "timeframe", in: "query" },
      example: "1h",
      description: "How far ahead: `1h` and `4h` are forecast from hourly candles, `1d` from daily ones (default 1h).",
    }),
  model: z
    .enum(FORECAST_MODELS)
    .default("ensemble")
    .openapi({
      param: { name: "model", in: "query" },
      example: "ensemble",
      description:
        "`ensemble` (a blend of random walk, drift, damped-trend smoothing and an AR model of returns, weighted by recent walk-forward errors) or `lstm` (a small recurrent network on normalised returns). Default ensemble.",
    }),
});

export const PredictionResponse = z
  .object({
    symbol: z.string().openapi({ example: "BTC-USDT" }),
    prediction: Decimal("93912.40", "Forecast close `timeframe` after `timestamp`, quote currency."),
    confidence: z.number().min(0).max(1).openapi({
      example: 0.52,
      description:
        "The model's recent directional hit rate in its own walk-forward backtest, (hits + 1) / (calls + 2): how often it lately called the direction of the move right. 0.5 is a coin flip.",
    }),
    interval_low: Decimal("92170.15", "Lower end of the 80 % prediction interval."),
    interval_high: Decimal("95633.02", "Upper end of the 80 % prediction interval."),
    timeframe: z.enum(FORECAST_TIMEFRAMES).openapi({ example: "1h" }),
    model: z.enum(FORECAST_MODELS).openapi({ example: "ensemble" }),
    timestamp: IsoTime.openapi({
      description:
        "The forecast's origin: when the newest close it starts from was current (the end of the newest base candle, or now while it runs).",
    }),
  })
  .openapi("PricePrediction");
