/** Logs for Cloud Logging: one JSON line per entry, on the console. */
import type { Log, LogFields } from "../ports.js";

/**
 * One JSON line, which Cloud Logging reads as a structured entry with a severity. The line's name
 * (`event`) and severity come last, so a field of the same name never replaces them.
 */
export function jsonLogLine(
  severity: "INFO" | "WARNING" | "ERROR",
  event: string,
  fields?: LogFields,
): string {
  return JSON.stringify({ ...fields, severity, event });
}

/** Logs as one JSON line each (see `jsonLogLine`). */
export const jsonConsoleLog: Log = {
  info: (event, fields) => console.log(jsonLogLine("INFO", event, fields)),
  warn: (event, fields) => console.warn(jsonLogLine("WARNING", event, fields)),
  error: (event, fields) => console.error(jsonLogLine("ERROR", event, fields)),
};
