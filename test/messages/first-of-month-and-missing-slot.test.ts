/**
 * Two things every seminar message shares with the reverse immersion's: the first of the month is
 * written `1er` wherever a date is written, and a participant whose tutor declined and who could
 * not be re-placed is told so honestly, not « communiqué prochainement ».
 */
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { checkSeminar } from "../../functions/core/checks/check-seminar.js";
import { eventDocuments } from "../../functions/core/documents/index.js";
import { eventModel, type PlannedMessage, planMessages } from "../../functions/core/messages/index.js";
import { dayOfMonth, frenchDate, frenchDates, frenchDay } from "../../functions/core/text/french.js";
import { sentRow, testKeys } from "../support/ledger.js";
import { EVENT, participant, people, placement, seminar } from "./fixtures.js";

const ZONE = "Europe/Paris";

describe("the first of the month", () => {
  it("is written 1er in every French date form, and other days as numbers", () => {
    const first = DateTime.fromISO("2027-06-01", { zone: ZONE });
    const second = DateTime.fromISO("2027-06-02", { zone: ZONE });
    expect(dayOfMonth(1)).toBe("1er");
    expect(dayOfMonth(21)).toBe("21");
    expect(frenchDate(first)).toBe("1er juin 2027");
    expect(frenchDate(first, "day-month")).toBe("1er juin");
    expect(frenchDate(first, "weekday")).toBe("mardi 1er juin 2027");
    expect(frenchDay(first.toJSDate(), ZONE)).toBe("mardi 1er juin 2027");
    expect(frenchDates(first, second)).toBe("les 1er et 2 juin 2027");
    expect(frenchDates(DateTime.fromISO("2027-05-31", { zone: ZONE }), first)).toBe(
      "les 31 mai et 1er juin 2027",
    );
    expect(frenchDates(first, first)).toBe("le 1er juin 2027");
    expect(frenchDates(DateTime.fromISO("2027-12-31"), DateTime.fromISO("2028-01-01"))).toBe(
      "les 31 décembre 2027 et 1er janvier 2028",
    );
  });

  it("is written 1er in a seminar's messages and documents when it starts on the first of June", () => {
    const now = new Date("2027-05-10T08:00:00Z");
    const snapshot = seminar({ settings: { "Jour 1": "2027-06-01", "Jour 2": "2027-06-02" } });
    const model = eventModel(snapshot, testKeys(EVENT), now)!;
    const plan = planMessages(model, now, {});
    const kinds = new Set(plan.messages.map((message) => message.kind));
    for (const kind of ["convocation", "rappel", "demande-tuteur"]) expect(kinds).toContain(kind);
    for (const message of plan.messages) {
      const { subject, text } = message.render(now);
      const said = `${subject}\n${text}`;
      // The convocation and the reminder speak of the first day; every message may speak of none.
      if (message.kind === "convocation" || message.kind === "rappel") expect(said).toMatch(/1er juin 2027/);
      expect(said).not.toMatch(/\b1 juin\b/);
    }
    const after = new Date("2027-06-03T08:00:00Z");
    const set = eventDocuments(snapshot, testKeys(EVENT), after)!;
    const certificate = set.documents.find((document) => document.about?.kind === "certificate")!;
    const sheet = set.documents.find((document) => document.about?.kind === "sheet")!;
    expect(JSON.stringify(certificate)).toContain("les 1er et 2 juin 2027");
    expect(JSON.stringify(sheet)).toContain("Mardi 1er juin 2027");
    expect(JSON.stringify(set.documents)).not.toMatch(/\b1 juin\b/);
  });
});

describe("the first of the month in a Statut", () => {
  it("is written 1er in what the check writes on a row", () => {
    const now = new Date("2027-03-01T10:00:00Z");
    const snapshot = seminar({
      participants: [participant({ ...people.claire, "Inscrit le": "2027-06-01 09:30" })],
    });
    const check = checkSeminar(snapshot, now);
    const statuses = check.rows.map((row) => row.status).join("\n");
    expect(statuses).toContain("Inscrit le : 1er juin 2027 à 09:30 est dans le futur");
    expect(statuses).not.toMatch(/\b1 juin\b/);
  });
});

describe("a participant whose tutor declined and who could not be re-placed", () => {
  it("is told that no other place is found yet and that the organizer will write", () => {
    const now = new Date("2027-03-01T10:00:00Z");
    const first = planMessages(eventModel(seminar(), testKeys(EVENT), now)!, now, {});
    const convocation = first.messages.find(
      (m: PlannedMessage) => m.kind === "convocation" && m.to.address === people.claire.Email,
    )!;
    const journal = [
      sentRow(EVENT, convocation.key, {
        ...(convocation.fingerprint ? { fingerprint: convocation.fingerprint } : {}),
        recipient: people.claire.Email,
      }),
    ];
    // The afternoon's tutor declined; nobody could take Claire then.
    const snapshot = seminar({
      journal,
      placements: [
        placement(people.claire.Email, "Matin"),
        placement(people.hugo.Email, "Matin"),
        placement(people.hugo.Email, "Après-midi"),
        placement(people.elodie.Email, "Matin"),
        placement(people.elodie.Email, "Après-midi"),
      ],
    });
    const plan = planMessages(eventModel(snapshot, testKeys(EVENT), now)!, now, {});
    const notice = plan.messages.find(
      (m) => m.kind === "changement" && m.to.address === people.claire.Email,
    )!;
    const { text } = notice.render(now);
    expect(text).toContain(
      "Pour le créneau « Après-midi », nous n'avons pas encore pu vous proposer un autre lieu d'immersion. L'équipe d'organisation vous écrira dès qu'une solution sera trouvée",
    );
    expect(text).not.toContain("communiqué prochainement");
  });
});
