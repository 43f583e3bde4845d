/**
 * The local stand-in of SES receiving: a tutor's reply saved as an `.eml` file in `reponses/` is
 * published to `inboundMail`. The file moves to `reponses/traitees/` only once the function
 * accepted it (2xx) or when it is addressed to no reply address (nothing will ever read it);
 * otherwise it stays where it is and is tried again at the next look.
 */
import { readdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { simpleParser } from "mailparser";

export interface ReplyFolderOutcome {
  readonly file: string;
  /** Who sent it (a name, or an address). */
  readonly from: string;
  /** `accepted`: moved to `traitees/`; `retry`: left in place; `ignored`: no reply address, moved. */
  readonly outcome: "accepted" | "retry" | "ignored";
  readonly status?: number;
}

/**
 * Reads every `.eml` file of `folder` once, in name order. `receive(raw, to, from)` publishes the
 * message as SNS would and answers the function's HTTP status.
 */
export async function readReplyFolder(
  folder: string,
  receive: (raw: Buffer, to: string, from: string) => Promise<number>,
): Promise<ReplyFolderOutcome[]> {
  const outcomes: ReplyFolderOutcome[] = [];
  for (const file of readdirSync(folder)
    .filter((name) => name.endsWith(".eml"))
    .sort()) {
    const path = join(folder, file);
    const raw = readFileSync(path);
    const parsed = await simpleParser(raw);
    const to = [parsed.to, parsed.cc]
      .flatMap((field) => (field === undefined ? [] : Array.isArray(field) ? field : [field]))
      .flatMap((field) => field.value.map((address) => address.address ?? ""))
      .find((address) => address.includes("+"));
    const sender = parsed.from?.value[0];
    const from = sender?.name || sender?.address || "un expéditeur inconnu";
    if (!to) {
      renameSync(path, join(folder, "traitees", file));
      outcomes.push({ file, from, outcome: "ignored" });
      continue;
    }
    let status: number;
    try {
      status = await receive(raw, to, from);
    } catch {
      status = 0;
    }
    if (status >= 200 && status < 300) {
      renameSync(path, join(folder, "traitees", file));
      outcomes.push({ file, from, outcome: "accepted", status });
    } else outcomes.push({ file, from, outcome: "retry", status });
  }
  return outcomes;
}
