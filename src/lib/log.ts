/**
 * Structured JSON logs for Workers Logs. Carry ids (feed, listing, user,
 * batch, notification), never tokens, chat text or personal data.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

type Level = "debug" | "info" | "warn" | "error";

function emit(level: Level, event: string, fields: LogFields) {
  const line = JSON.stringify({ level, event, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

export const log = {
  debug: (event: string, fields: LogFields = {}) => emit("debug", event, fields),
  info: (event: string, fields: LogFields = {}) => emit("info", event, fields),
  warn: (event: string, fields: LogFields = {}) => emit("warn", event, fields),
  error: (event: string, fields: LogFields = {}) => emit("error", event, fields),
};

/** A readable one-line reason from anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
