export { type AutomaticKind, type AutomaticMessage, automaticMessage } from "./automatic.js";
export { type Classification, classifyAnswer, type RuleHit } from "./classify.js";
export { decideMessage } from "./decide.js";
export type { Decision, InboundMessage, ReplyDecision } from "./message.js";
export { REPLY_RULES, type ReplyRule, type Signal } from "./rules.js";
export { CUT_RULES, stripReply } from "./strip.js";
