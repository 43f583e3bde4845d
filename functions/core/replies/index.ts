export { type AutomaticKind, type AutomaticMessage, automaticMessage } from "./automatic.js";
export { type Classification, classifyAnswer, type RuleHit } from "./classify.js";
export { decideMessage } from "./decide.js";
export { outOfOfficeSign, serverTextSign, type TextSign } from "./machine-text.js";
export type { Decision, InboundMessage, ReplyDecision } from "./message.js";
export { type ReportPart, type ReportVerdict, readReports } from "./reports.js";
export { type PartialLabel, REPLY_RULES, type ReplyRule, type Signal } from "./rules.js";
export { CUT_RULES, stripReply } from "./strip.js";
