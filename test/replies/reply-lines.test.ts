import { describe, expect, it } from "vitest";
import { readLedger } from "../../functions/core/ledger/journal.js";
import { eventOfKey, messageKey } from "../../functions/core/messages/plan.js";
import { planReply, readReplyLine, type TutorReply } from "../../functions/core/replies/plan.js";
import { tutorTag } from "../../functions/core/security/reply-token.js";
import { TABS } from "../../functions/core/sheet/schemas.js";
import type { Cell, TabValues } from "../../functions/ports.js";
import { testKeys } from "../support/ledger.js";
import { seminarSnapshot } from "../support/workbooks.js";

const EVENT = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms";
const SECRET = "secret-des-reponses-0123456789";
const TUTOR = "sophie.le-gall@caf-accueil-rennes.example.org";
const NOW = new Date("2027-03-02T09:41:00Z");

function snapshot(journal: readonly (readonly Cell[])[] = []) {
  const tabs = seminarSnapshot({
    placements: [
      {
        "Email participant": "claire.martin@prefecture.example.org",
        Créneau: "Matin",
        "Email tuteur": TUTOR,
        Structure: "CAF — Accueil de Rennes",
        Situation: "Accueil physique",
        Verrouillé: "Non",
      },
      {
        "Email participant": "hugo.bernard@departement.example.org",
        Créneau: "Après-midi",
        "Email tuteur": TUTOR,
        Structure: "CAF — Accueil de Rennes",
        Situation: "Accueil physique",
        Verrouillé: "Non",
      },
      {
        "Email participant": "elodie.dubois@cpam.example.org",
        Créneau: "Matin",
        "Email tuteur": "autre@example.org",
        Structure: "CCAS de Rennes",
        Situation: "Accueil physique",
        Verrouillé: "Non",
      },
    ],
  });
  const header = tabs.get(TABS.journal.name)!.rows[0]!;
  tabs.set(TABS.journal.name, { title: "Journal", rows: [header, ...journal] } satisfies TabValues);
  return tabs;
}

function reply(text: string, decision: "confirm" | "decline" | "unclear", key = "reponse:m1"): TutorReply {
  return {
    key,
    claims: { event: EVENT, version: 1, tutor: tutorTag(EVENT, TUTOR, SECRET) },
    answer: { decision, reason: "refus explicite (« je ne pourrai pas »)", text },
  };
}

/** The row a plan appends, and the ledger entry it reads back as. */
function lineOf(plan: ReturnType<typeof planReply>) {
  const row = plan.record!.appends[0]!.rows[0]!;
  const header = snapshot().get(TABS.journal.name)!.rows[0]!;
  const entry = readLedger({ title: "Journal", rows: [header, row] }).entries[0]!;
  return { row, event: String(row[1]), entry };
}

describe("a reply's Journal line", () => {
  it("says, after a decline, which participants were with the tutor, and reads back", () => {
    const plan = planReply(
      snapshot(),
      reply("Non, je ne pourrai pas ; désolée (vraiment).", "decline"),
      SECRET,
      NOW,
    );
    const line = lineOf(plan);
    expect(line.event).toBe("Réponse tuteur : Décliné");
    expect(readReplyLine(line.entry)).toEqual({
      decision: "decline",
      tutorEmail: TUTOR,
      automatic: false,
      notes: expect.stringContaining("refus explicite"),
      excerpt: "Non, je ne pourrai pas ; désolée (vraiment).",
      toReplace: [
        { email: "claire.martin@prefecture.example.org", slot: "Matin" },
        { email: "hugo.bernard@departement.example.org", slot: "Après-midi" },
      ],
    });
  });

  it("keeps a long answer the organizer must read, and nothing to replace", () => {
    const text = `Je dois vérifier mon planning. ${"Merci de votre patience. ".repeat(30)}`.trim();
    const line = lineOf(planReply(snapshot(), reply(text, "unclear"), SECRET, NOW));
    const read = readReplyLine(line.entry)!;
    expect(read).toMatchObject({ decision: "unclear", tutorEmail: TUTOR, toReplace: [] });
    expect(read.excerpt).toBe(text);
  });

  it("is not mistaken for another entry, nor is the entry that closes the reply", () => {
    const at = new Date(NOW);
    expect(
      readReplyLine({
        row: 2,
        key: "message:e:x:convocation:1",
        at,
        data: { kind: "sent", messageId: "x", at: at.toISOString() },
      }),
    ).toBeNull();
    expect(
      readReplyLine({
        row: 3,
        key: "reponse:m1:traitee",
        at,
        data: { kind: "reply-done", at: at.toISOString() },
      }),
    ).toBeNull();
  });

  it("is written once: a replay after a failure plans the follow-ups again but not the row, then nothing", () => {
    const first = planReply(snapshot(), reply("Non", "decline"), SECRET, NOW);
    expect(first.record?.cells.some((cell) => cell.tab === "Tuteurs")).toBe(true);
    const written = lineOf(first).row;
    const again = planReply(snapshot([written]), reply("Non", "decline"), SECRET, NOW);
    expect(again.outcome).toMatchObject({ kind: "recorded", decision: "decline", resumed: true });
    expect(again.record).toBeNull();
    expect(again.done?.appends[0]?.rows[0]?.[4]).toBe("reponse:m1:traitee");
    const done = planReply(
      snapshot([written, again.done!.appends[0]!.rows[0]!]),
      reply("Non", "decline"),
      SECRET,
      NOW,
    );
    expect(done).toEqual({ outcome: { kind: "duplicate" }, record: null, done: null });
  });
});

/** The snapshot, with the tutor's row in `Tuteurs` already holding `confirmation`. */
function answeredSnapshot(confirmation: string) {
  const tabs = snapshot();
  const tutors = tabs.get(TABS.tutors.name)!;
  const header = tutors.rows[0]!.map(String);
  const row = tutors.rows.findIndex((cells) => cells.includes(TUTOR));
  const rows = tutors.rows.map((cells, index) =>
    index === row
      ? cells.map((cell, column) => (header[column] === "Confirmation" ? confirmation : cell))
      : cells,
  );
  tabs.set(TABS.tutors.name, { ...tutors, rows });
  return tabs;
}

describe("a tutor's second answer", () => {
  it("is a change of mind only when it differs from the answer the row holds", () => {
    const changed = planReply(answeredSnapshot("Confirmé"), reply("Non", "decline"), SECRET, NOW);
    expect(changed.outcome).toMatchObject({ kind: "recorded", previous: "Confirmé" });
    expect(lineOf(changed).row.join(" ")).toContain("remplace « Confirmé »");

    // The same answer again, as to a new request after a re-placement, replaces nothing.
    const same = planReply(answeredSnapshot("Confirmé"), reply("Oui", "confirm"), SECRET, NOW);
    expect(same.outcome).toMatchObject({ kind: "recorded", decision: "confirm" });
    expect(same.outcome).not.toHaveProperty("previous");
    expect(lineOf(same).row.join(" ")).not.toContain("remplace");
  });
});

describe("the key every message carries", () => {
  it("names the event of the message", () => {
    const key = messageKey(testKeys(EVENT), "Claire.Martin@example.org", "changement", 3);
    expect(eventOfKey(key)).toBe(EVENT);
    expect(key).not.toContain("claire");
    expect(eventOfKey("message:a:b:c")).toBeNull();
    expect(eventOfKey("reponse:abc")).toBeNull();
  });
});
