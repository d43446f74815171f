/** The API's version, reported by `/health` and `/openapi.json`. */
export const API_VERSION = "0.1.0";
