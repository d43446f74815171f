import type { Context } from "hono";
import { ApiError } from "../../errors";
import type { AppEnv, Principal } from "../../types";

/**
 * Resolves an API key (`pk_…`) into a principal. Placeholder until the API-keys capability
 * lands: every key is refused as unknown.
 */
export async function resolveApiKey(_c: Context<AppEnv>, _key: string): Promise<Principal> {
  throw new ApiError("invalid_api_key");
}
