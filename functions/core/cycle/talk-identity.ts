/**
 * A talk's identity in a cycle: the number that versions its speakers' messages and signed reply
 * addresses, and the tag that keys its registered people's messages. Derived from the talk's name,
 * so a reply to an invitation names the talk it was for.
 */
import { createHash } from "node:crypto";
import { normalizeKey } from "../sheet/cells.js";

/**
 * A talk's number: a stable integer for its name (case, accents and spaces aside), never 1 (the
 * version of a speaker's invitation before invitations were per talk). It versions the speakers'
 * messages and the signed reply address of an invitation, so that a reply names its talk.
 */
export function talkNumber(name: string): number {
  const hash = createHash("sha256").update(normalizeKey(name)).digest();
  return 2 + hash.readUIntBE(0, 3);
}

/** The tag of a talk in the recipients' identifiers of its view: 6 hex characters of its number. */
export function talkTag(name: string): string {
  return talkNumber(name).toString(16).padStart(6, "0");
}
