/**
 * A received message to a decision: a machine's message is `unclear` whatever it says (and says
 * which machine message it is); a person's answer is stripped of the quote, then read by the rules.
 */
import { automaticMessage } from "./automatic.js";
import { classifyAnswer } from "./classify.js";
import { type InboundMessage, MAX_ANSWER_CHARS, type ReplyDecision } from "./message.js";
import { stripReply } from "./strip.js";

export function decideMessage(message: InboundMessage): ReplyDecision {
  const answer = stripReply(message.text).slice(0, MAX_ANSWER_CHARS);
  const automatic = automaticMessage(message, answer);
  if (automatic)
    return { decision: "unclear", reason: automatic.reason, text: answer, automatic: automatic.kind };
  if (answer === "" && message.text.trim() === "")
    return { decision: "unclear", reason: "message sans texte lisible", text: "" };
  const classification = classifyAnswer(answer);
  const reason =
    message.truncated && classification.decision !== "unclear"
      ? `${classification.reason} (message tronqué à la lecture)`
      : classification.reason;
  return { decision: classification.decision, reason, text: answer };
}
