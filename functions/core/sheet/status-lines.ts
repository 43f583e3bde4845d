/**
 * Lines that live in the event's `Statut` beside the check's verdict: the headcounts
 * (`Effectifs : …`) and the feedback (`Retours : …`), each kept on its own line and replaced in
 * place, so that writing one leaves the others as they were. Pure.
 */

/** The prefixes of the lines that are not the check's own. */
export const STATUS_LINE_PREFIXES = ["Effectifs :", "Retours :"] as const;
export type StatusLinePrefix = (typeof STATUS_LINE_PREFIXES)[number];

/** `current` with its line beginning with `prefix` replaced by `line` (added at the end when missing). */
export function withStatusLine(current: string, prefix: StatusLinePrefix, line: string): string {
  const lines = current.split("\n").filter((existing) => existing.trim() !== "");
  const index = lines.findIndex((existing) => existing.startsWith(prefix));
  if (index >= 0) lines[index] = line;
  else lines.push(line);
  return lines.join("\n");
}

/** The lines of `current` that begin with one of `STATUS_LINE_PREFIXES` (to keep when the check rewrites the rest). */
export function keptStatusLines(current: string): string[] {
  return current.split("\n").filter((line) => STATUS_LINE_PREFIXES.some((prefix) => line.startsWith(prefix)));
}
