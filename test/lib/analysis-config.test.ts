import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import { TRAINING_COST_MS } from "../../src/services/analysis/training-plan";
import { problems, VALID } from "../config-helpers";

describe("analysis configuration", () => {
  it("defaults to a 12 s training budget, 20 models per run and API.md's 200 candles", () => {
    expect(parseConfig(VALID)).toMatchObject({
      ANALYSIS_TRAINING_BUDGET_MS: 12_000,
      ANALYSIS_TRAINING_MAX_MODELS: 20,
      ANALYSIS_MIN_CANDLES: 200,
    });
  });

  it("reads the knobs", () => {
    const config = parseConfig({
      ...VALID,
      ANALYSIS_TRAINING_BUDGET_MS: "20000",
      ANALYSIS_TRAINING_MAX_MODELS: "5",
      ANALYSIS_MIN_CANDLES: "500",
    });
    expect(config).toMatchObject({
      ANALYSIS_TRAINING_BUDGET_MS: 20000,
      ANALYSIS_TRAINING_MAX_MODELS: 5,
      ANALYSIS_MIN_CANDLES: 500,
    });
  });

  it("refuses a budget too small for one LSTM, a zero cap and fewer than 200 candles, naming the variable", () => {
    expect(problems({ ...VALID, ANALYSIS_TRAINING_BUDGET_MS: String(TRAINING_COST_MS.lstm - 1) })[0]).toMatch(
      /^ANALYSIS_TRAINING_BUDGET_MS /,
    );
    expect(problems({ ...VALID, ANALYSIS_TRAINING_MAX_MODELS: "0" })[0]).toMatch(/^ANALYSIS_TRAINING_MAX_MODELS /);
    expect(problems({ ...VALID, ANALYSIS_MIN_CANDLES: "199" })[0]).toMatch(/^ANALYSIS_MIN_CANDLES /);
    expect(problems({ ...VALID, ANALYSIS_MIN_CANDLES: "two hundred" })[0]).toMatch(/^ANALYSIS_MIN_CANDLES /);
  });
});
