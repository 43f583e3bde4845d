/**
 * The example seminar from « Affecter » to the feedback survey, driven by the local runner on a
 * simulated clock, played twice: once straight, once with the host killed and restarted at three
 * points (while the convocations are being sent, while the workflow waits for the tutors, while
 * it sleeps until the reminders). Both must end the same: nothing lost, nothing sent twice.
 */
import { DateTime } from "luxon";
import { beforeAll, describe, expect, it } from "vitest";
import { TABS } from "../../functions/core/sheet/schemas.js";
import { type Played, play, readableKeys, rowsOf } from "./harness.js";

let straight: Played;
let interrupted: Played;

// Each play also draws about 45 PDFs (certificates, rosters, the organizer's papers): on a loaded
// machine the two plays take longer than they did before the documents were sent.
beforeAll(async () => {
  straight = await play("seminar", { interrupt: false });
  interrupted = await play("seminar", { interrupt: true });
}, 480_000);

const keysOf = (played: Played, kind: string) =>
  [...readableKeys(played).keys()].filter((key) => key.split(":")[3] === kind);
const recipientOf = (key: string) => key.split(":")[2] ?? "";
const sentAt = (played: Played, kind: string) =>
  played.journal
    .filter((entry) => entry.data.kind === "sent" && entry.key.split(":")[3] === kind)
    .map((entry) => DateTime.fromJSDate(entry.at, { zone: "Europe/Paris" }).toFormat("yyyy-MM-dd HH:mm:ss"));

function column(played: Played, tab: string, header: string): string[] {
  const rows = rowsOf(played.tabs.get(tab));
  const index = (rows[0] ?? []).indexOf(header);
  return rows.slice(1).map((row) => row[index] ?? "");
}

describe("the example seminar, end to end", () => {
  it("runs to the end, both straight and when killed and restarted three times", () => {
    expect(straight.end.state).toBe("SUCCEEDED");
    expect(interrupted.end.state).toBe("SUCCEEDED");
    expect(interrupted.restarts).toEqual(["convocations", "replies", "reminders"]);
    expect(straight.end.result).toMatchObject({ outcome: "completed" });
  });

  it("sends every message exactly once, and the same messages whether interrupted or not", () => {
    for (const played of [straight, interrupted]) {
      const counts = readableKeys(played);
      expect([...counts.values()].every((count) => count === 1)).toBe(true);
      expect(played.emails).toHaveLength(counts.size);
    }
    expect([...readableKeys(interrupted).keys()].sort()).toEqual([...readableKeys(straight).keys()].sort());
    const letters = (played: Played) =>
      played.emails.map((email) => `${email.destination.to.join(",")} ${email.subject}`).sort();
    expect(letters(interrupted)).toEqual(letters(straight));
  });

  it("ends with the same workbook whether interrupted or not", () => {
    for (const tab of [TABS.placements.name, TABS.tutors.name, TABS.participants.name, TABS.seminar.name])
      expect(rowsOf(interrupted.tabs.get(tab)), tab).toEqual(rowsOf(straight.tabs.get(tab)));
  });

  it("convokes every placed participant with a calendar file", () => {
    const convocations = keysOf(straight, "convocation");
    const placed = new Set(column(straight, TABS.placements.name, "Email participant").filter(Boolean));
    expect(convocations.length).toBeGreaterThanOrEqual(20);
    expect(new Set(convocations.map(recipientOf))).toEqual(placed);
    for (const recipient of placed) {
      const email = straight.emails.find(
        (candidate) =>
          candidate.destination.to.some((to) => to.includes(recipient)) &&
          candidate.attachments.some((file) => file.contentType.startsWith("text/calendar")),
      );
      expect(email, recipient).toBeDefined();
    }
    // The participant's row shows when the convocation left.
    const sent = column(straight, TABS.participants.name, "Convocation").filter(Boolean);
    expect(sent.length).toBe(convocations.length);
  });

  it("records the tutors' answers: one decline re-placed, the out-of-office and the silent one nudged then marked", () => {
    const confirmations = column(straight, TABS.tutors.name, "Confirmation");
    expect(confirmations.filter((value) => value === "Décliné")).toHaveLength(1);
    const emails = column(straight, TABS.tutors.name, "Email");
    const declined = emails[confirmations.indexOf("Décliné")] ?? "";
    const hosting = new Set(column(straight, TABS.placements.name, "Email tuteur"));
    expect(hosting).not.toContain(declined);
    // Every tutor who still hosts someone has answered or is marked; none is left pending.
    for (const [index, email] of emails.entries())
      if (hosting.has(email)) expect(["Confirmé", "Sans réponse"], email).toContain(confirmations[index]);
    const silent = emails.filter((_, index) => confirmations[index] === "Sans réponse");
    expect(silent.length).toBeGreaterThan(0);
    const nudged = keysOf(straight, "relance-tuteur").map(recipientOf);
    for (const email of silent) expect(nudged).toContain(email.toLowerCase());
    // Those who were with the tutor who declined got a change notice with an updated calendar.
    const changed = keysOf(straight, "changement").map(recipientOf);
    expect(changed.length).toBeGreaterThan(0);
    for (const recipient of changed) {
      const notice = straight.emails.find(
        (email) =>
          email.destination.to.some((to) => to.includes(recipient)) &&
          email.attachments.some((file) =>
            /SEQUENCE:[1-9]/.test(Buffer.from(file.content, "base64").toString("utf8")),
          ),
      );
      expect(notice, recipient).toBeDefined();
    }
    // The organizer heard about the decline, the unclear answer and the silent tutors.
    expect(keysOf(straight, "alerte").length).toBeGreaterThanOrEqual(3);
  });

  it("sends the reminders, the train reminders and the survey at their times in Europe/Paris", () => {
    expect(new Set(sentAt(straight, "rappel"))).toEqual(new Set(["2027-03-15 09:00:00"]));
    const trains = sentAt(straight, "rappel-train");
    expect(trains.length).toBeGreaterThan(0);
    for (const at of trains) expect(at.startsWith("2027-03-18 1")).toBe(true);
    expect(sentAt(straight, "questionnaire")).toEqual([]);
    expect(new Set(sentAt(straight, "attestation"))).toEqual(new Set(["2027-03-19 09:00:00"]));
  });

  it("sends each participant their certificate with the survey once, as a PDF, after the seminar", () => {
    const pdfsTo = (played: Played, recipient: string, subject: RegExp) =>
      played.emails.filter(
        (email) =>
          email.destination.to.some((to) => to.toLowerCase().includes(recipient)) &&
          subject.test(email.subject) &&
          email.attachments.some((file) => file.contentType.startsWith("application/pdf")),
      );
    for (const played of [straight, interrupted]) {
      const certified = keysOf(played, "attestation").map(recipientOf);
      const convoked = new Set(keysOf(played, "convocation").map(recipientOf));
      expect(new Set(certified)).toEqual(convoked);
      for (const recipient of certified)
        expect(pdfsTo(played, recipient, /attestation de présence/i), recipient).toHaveLength(1);
    }
  });

  it("sends each host roster to its structure's Contact once a week before, and the papers to the organizer the day before", () => {
    for (const played of [straight, interrupted]) {
      const rosters = keysOf(played, "fiche-structure");
      expect(rosters.length).toBeGreaterThan(0);
      // One key per roster version: a contact gets a second one only as an update of a changed roster.
      const first = played.emails.filter((email) => /^Accueil en immersion/.test(email.subject));
      const updates = played.emails.filter((email) =>
        /^Mise à jour — Accueil en immersion/.test(email.subject),
      );
      expect(first.length + updates.length).toBe(rosters.length);
      expect(new Set(first.map((email) => email.subject)).size).toBe(first.length);
      for (const email of [...first, ...updates])
        expect(email.attachments.map((file) => file.contentType)).toEqual(["application/pdf"]);
      expect(sentAt(played, "fiche-structure")[0]).toBe("2027-03-10 09:00:00");
      expect(sentAt(played, "documents-organisateur")).toEqual(["2027-03-16 09:00:00"]);
    }
  });
});
