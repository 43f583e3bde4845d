/** `passerelle reply <message.eml> [--json]`: how a tutor's reply would be read; nothing is changed. */
import { readFile } from "node:fs/promises";
import { decideReply } from "../adapters/mime-reader.js";
import type { Decision, ReplyDecision } from "../core/replies/message.js";

const DECISION_LABELS: Readonly<Record<Decision, string>> = {
  confirm: "oui, le tuteur confirme (Confirmation : Confirmé)",
  decline: "non, le tuteur se désiste (Confirmation : Décliné, ses participants sont replacés)",
  unclear: "à lire, ni oui ni non certain, l'organisateur reçoit le texte",
};

export async function runReply(path: string, json: boolean): Promise<string> {
  const decision = await decideReply(await readFile(path));
  return json ? JSON.stringify(replyJson(decision)) : replyText(decision);
}

export function replyJson(decision: ReplyDecision): ReplyDecision {
  return { decision: decision.decision, reason: decision.reason, text: decision.text };
}

export function replyText(decision: ReplyDecision): string {
  const text = decision.text.trim();
  const label = decision.automatic
    ? "à lire, message automatique : ce n'est pas une réponse, le tuteur reste attendu (et relancé)"
    : DECISION_LABELS[decision.decision];
  return [
    `Décision : ${label}.`,
    `Raison : ${decision.reason}`,
    "Réponse lue (sans la citation) :",
    ...(text === "" ? ["  (vide)"] : text.split(/\r?\n/).map((line) => `  | ${line}`)),
    "",
    "Rien n'a été modifié.",
  ].join("\n");
}
