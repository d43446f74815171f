/** Depth of `cause` chains followed when an error is logged. */
const MAX_CAUSES = 4;

/** Loggable fields of an error: name, message and its `cause` chain (no stack: unhandled errors log it separately). */
export function errorFields(err: unknown, depth = 0): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err).slice(0, 1000) };
  const fields: Record<string, unknown> = { name: err.name, message: err.message };
  if (err.cause !== undefined && depth < MAX_CAUSES) fields.cause = errorFields(err.cause, depth + 1);
  return fields;
}
