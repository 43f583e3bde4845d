import ICAL from "ical.js";
import { simpleParser } from "mailparser";
import { describe, expect, test } from "vitest";
import { buildMime } from "../../functions/adapters/mime.js";
import {
  eventModel,
  type PlannedMessage,
  planMessages,
  type SeminarModel,
} from "../../functions/core/messages/index.js";
import { buildCalendar } from "../../functions/core/schedule/calendar.js";
import { readReplyAddress, replyAddress } from "../../functions/core/security/reply-token.js";
import { sentRow, testKeys } from "../support/ledger.js";
import { lunchSnapshot } from "../support/workbooks.js";
import { EVENT, ORGANIZER, participant, people, placement, seminar } from "./fixtures.js";

const NOW = new Date("2027-03-01T10:00:00Z");
const SECRET = "a-reply-secret-of-some-length";
const replyTo = (input: { event: string; tutorEmail: string; version: number }) =>
  replyAddress(input, SECRET, "reponses.seminaire.example.org");

function plan(snapshot = seminar(), now = NOW) {
  const model = eventModel(snapshot, testKeys(EVENT), now)!;
  return { model, plan: planMessages(model, now, { replyAddress: replyTo }) };
}

function find(messages: readonly PlannedMessage[], kind: string, address?: string): PlannedMessage {
  const found = messages.find((m) => m.kind === kind && (address === undefined || m.to.address === address));
  if (!found) throw new Error(`no ${kind} for ${address}`);
  return found;
}

async function parsed(message: PlannedMessage, stamp = NOW) {
  return simpleParser(await buildMime(message.render(stamp)));
}

function calendarEvents(ics: string) {
  const component = new ICAL.Component(ICAL.parse(ics));
  return {
    method: component.getFirstPropertyValue("method"),
    events: component.getAllSubcomponents("vevent").map((vevent) => {
      const event = new ICAL.Event(vevent);
      return {
        uid: event.uid,
        summary: event.summary,
        location: event.location,
        sequence: event.sequence,
        start: event.startDate.toJSDate(),
        end: event.endDate.toJSDate(),
        utc: event.startDate.zone?.tzid === "UTC",
      };
    }),
  };
}

describe("the participant's convocation", () => {
  test("is a multipart message with a text part, an HTML part and the calendar attached", async () => {
    const { plan: result } = plan();
    const mail = await parsed(find(result.messages, "convocation", people.claire.Email));
    expect(mail.subject).toBe("Convocation — Vivez ma vie d'usager — Rennes");
    expect(mail.from?.value[0]).toEqual({
      name: "Séminaire Vivez ma vie d'usager",
      address: "seminaire@seminaire.example.org",
    });
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0] : null).toEqual({
      name: "Claire Martin",
      address: people.claire.Email,
    });
    expect(mail.headers.get("auto-submitted")).toBe("auto-generated");
    expect(mail.text).toContain("Immersion (Matin) : CAF — Accueil de Rennes");
    expect(mail.text).toContain("Votre tuteur ou tutrice : Sophie Le Gall");
    expect(mail.html).toContain('<html lang="fr"');
    expect(mail.html).toContain("Gwenaëlle Riou");
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]!.filename).toBe("programme.ics");
    expect(mail.attachments[0]!.contentType).toBe("text/calendar");
  });

  test("shows the visit and the dinner only to those who chose them", async () => {
    const { plan: result } = plan();
    const claire = await parsed(find(result.messages, "convocation", people.claire.Email));
    const hugo = await parsed(find(result.messages, "convocation", people.hugo.Email));
    expect(claire.text).toContain("Dîner avec des élus locaux");
    expect(claire.text).toContain("Découverte de la ville");
    expect(hugo.text).not.toContain("Dîner avec des élus locaux");
    expect(hugo.text).not.toContain("Découverte de la ville");
  });

  test("tells a participant with an early train when to leave the last sequence", async () => {
    const { plan: result } = plan();
    const hugo = await parsed(find(result.messages, "convocation", people.hugo.Email));
    expect(hugo.text).toContain("votre train part le jeudi 18 mars 2027 à 17 h 50");
    expect(hugo.text).toContain(
      "quittez « Séquence 4 — Analyse partagée des expériences » au plus tard à 17 h 20",
    );
    const train = await parsed(find(result.messages, "rappel-train", people.hugo.Email));
    expect(train.subject).toBe("Votre train de retour part à 17 h 50");
    expect(find(result.messages, "rappel-train", people.hugo.Email).sendAt.toISOString()).toBe(
      "2027-03-18T14:50:00.000Z",
    );
  });

  test("attaches a calendar whose times, UIDs and sequence an independent parser reads back", async () => {
    const { plan: result } = plan();
    const mail = await parsed(find(result.messages, "convocation", people.claire.Email));
    const { method, events } = calendarEvents(mail.attachments[0]!.content.toString("utf8"));
    expect(method).toBe("PUBLISH");
    const immersion = events.find((event) => event.summary.startsWith("Immersion (Matin)"))!;
    // 8:30 in Rennes on 18 March 2027 (UTC+1).
    expect(immersion.start.toISOString()).toBe("2027-03-18T07:30:00.000Z");
    expect(immersion.end.toISOString()).toBe("2027-03-18T10:30:00.000Z");
    expect(immersion.location).toBe("Cours des Alliés, 35000 Rennes");
    expect(immersion.sequence).toBe(0);
    expect(events.every((event) => event.utc)).toBe(true);
    expect(new Set(events.map((event) => event.uid)).size).toBe(events.length);
    expect(events.map((event) => event.uid).join(" ")).not.toContain("claire");
  });

  test("keeps each item's UID and raises SEQUENCE when a placement changes after the convocation", async () => {
    const first = plan();
    const convocation = find(first.plan.messages, "convocation", people.claire.Email);
    const journal = [
      sentRow(EVENT, convocation.key, {
        ...(convocation.fingerprint ? { fingerprint: convocation.fingerprint } : {}),
        recipient: people.claire.Email,
      }),
    ];
    const unchanged = plan(seminar({ journal }));
    expect(
      unchanged.plan.messages.some((m) => m.to.address === people.claire.Email && m.kind === "changement"),
    ).toBe(false);

    const moved = seminar({
      journal,
      placements: [
        placement(people.claire.Email, "Matin", {
          Structure: "CPAM — Agence de Rennes Centre",
          Tuteur: "Thierry Guillou",
          "Email tuteur": "thierry.guillou@cpam.example.org",
        }),
        placement(people.claire.Email, "Après-midi"),
        placement(people.hugo.Email, "Matin"),
        placement(people.hugo.Email, "Après-midi"),
        placement(people.elodie.Email, "Matin"),
        placement(people.elodie.Email, "Après-midi"),
      ],
    });
    const changed = plan(moved);
    const notice = find(changed.plan.messages, "changement", people.claire.Email);
    expect(notice.key).toBe(
      `message:${EVENT}:${testKeys(EVENT).recipientId(people.claire.Email)}:changement:2`,
    );
    const mail = await parsed(notice);
    expect(mail.subject).toBe("Modification de votre programme — Vivez ma vie d'usager — Rennes");
    const before = calendarEvents(
      (await parsed(convocation)).attachments[0]!.content.toString("utf8"),
    ).events;
    const after = calendarEvents(mail.attachments[0]!.content.toString("utf8")).events;
    expect(after.map((event) => event.uid)).toEqual(before.map((event) => event.uid));
    expect(after.every((event) => event.sequence === 1)).toBe(true);
    expect(after.find((event) => event.summary.startsWith("Immersion (Matin)"))!.summary).toContain("CPAM");
  });
});

describe("times in the event's zone", () => {
  test("stay right on the night clocks change, and an item crossing midnight ends the next day", async () => {
    const programme = [
      {
        Jour: 1,
        Début: "16:00",
        Fin: "18:00",
        Séquence: "Séquence 1",
        Intitulé: "Ouverture",
        Lieu: "Salle A",
        Pour: "Participants",
      },
      {
        Jour: 1,
        Début: "22:30",
        Fin: "01:30",
        Séquence: "Veillée",
        Intitulé: "Veillée au centre d'hébergement",
        Lieu: "CHRS",
        Pour: "Participants",
      },
      {
        Jour: 2,
        Début: "08:30",
        Fin: "11:30",
        Séquence: "Immersion",
        Intitulé: "Matin",
        Lieu: "Structure",
        Pour: "Participants",
      },
      {
        Jour: 2,
        Début: "13:00",
        Fin: "15:30",
        Séquence: "Immersion",
        Intitulé: "Après-midi",
        Lieu: "Structure",
        Pour: "Participants",
      },
      {
        Jour: 2,
        Début: "18:35",
        Fin: "18:35",
        Séquence: "Train retour",
        Intitulé: "Retour",
        Lieu: "Gare",
        Pour: "Participants",
      },
    ];
    const snapshot = seminar({
      settings: { "Jour 1": "2027-03-27", "Jour 2": "2027-03-28", "Date limite d'inscription": "2027-03-01" },
      programme,
    });
    const { model, plan: result } = plan(snapshot);
    const agenda = (model as SeminarModel).agendas[0]!;
    const night = agenda.items.find((item) => item.title.startsWith("Veillée"))!;
    // 22:30 CET (UTC+1) to 01:30 CET the next day: before the change at 2:00.
    expect(night.start.toISOString()).toBe("2027-03-27T21:30:00.000Z");
    expect(night.end.toISOString()).toBe("2027-03-28T00:30:00.000Z");
    const morning = agenda.items.find((item) => item.kind === "immersion")!;
    // 8:30 CEST (UTC+2) on the morning after the change.
    expect(morning.start.toISOString()).toBe("2027-03-28T06:30:00.000Z");
    const train = find(result.messages, "rappel-train", people.claire.Email);
    expect(train.sendAt.toISOString()).toBe("2027-03-28T14:35:00.000Z");
    // The reminder two days before day 1 at 9:00, in the zone.
    expect(find(result.messages, "rappel", people.claire.Email).sendAt.toISOString()).toBe(
      "2027-03-25T08:00:00.000Z",
    );
    const mail = await parsed(find(result.messages, "convocation", people.claire.Email));
    expect(mail.text).toContain("22 h 30 – 1 h 30 (lendemain)");
    const events = calendarEvents(mail.attachments[0]!.content.toString("utf8")).events;
    expect(events.find((event) => event.summary.startsWith("Veillée"))!.end.toISOString()).toBe(
      "2027-03-28T00:30:00.000Z",
    );
    expect(events.find((event) => event.summary.startsWith("Immersion (Matin)"))!.start.toISOString()).toBe(
      "2027-03-28T06:30:00.000Z",
    );
  });

  test("a calendar built on its own parses back identically", () => {
    const ics = buildCalendar({
      event: EVENT,
      owner: "x@example.org",
      title: "Titre",
      zone: "Europe/Paris",
      sequence: 3,
      stamp: NOW,
      organizer: { name: "Séminaire", address: "seminaire@example.org" },
      items: [
        {
          id: "a",
          start: new Date("2027-10-31T00:30:00Z"),
          end: new Date("2027-10-31T02:30:00Z"),
          title: "Nuit",
        },
      ],
    });
    const { events } = calendarEvents(ics);
    expect(events[0]).toMatchObject({ sequence: 3, summary: "Nuit" });
    expect(events[0]!.end.getTime() - events[0]!.start.getTime()).toBe(2 * 3600_000);
    expect(ics).toContain("X-WR-TIMEZONE:Europe/Paris");
  });
});

describe("names and values typed by people", () => {
  const hostile = participant({
    Nom: "<script>alert(1)</script>Dupont",
    Prénom: "Jean\u202eeilrahC &amp; Cie",
    Email: "jean.dupont@example.org",
    Organisme: 'Cabinet "Conseil, Audit" & associés',
  });

  test("are escaped in HTML, have no bidi override left, and cannot inject a header", async () => {
    const snapshot = seminar({
      participants: [hostile],
      placements: [
        placement("jean.dupont@example.org", "Matin", {
          Tuteur: "Ana <b>Bold</b>\r\nBcc: victim@example.org",
        }),
        placement("jean.dupont@example.org", "Après-midi"),
      ],
    });
    const { plan: result } = plan(snapshot);
    const message = find(result.messages, "convocation", "jean.dupont@example.org");
    const raw = (await buildMime(message.render(NOW))).toString("utf8");
    const headerBlock = raw.slice(0, raw.indexOf("\r\n\r\n"));
    expect(headerBlock).not.toMatch(/^Bcc:/im);
    const mail = await simpleParser(raw);
    expect(mail.bcc).toBeUndefined();
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;Dupont");
    expect(mail.html).toContain("&amp;amp; Cie");
    expect(mail.html).toContain("Ana &lt;b&gt;Bold&lt;/b&gt;");
    expect(mail.html).not.toContain("\u202e");
    expect(mail.text).not.toContain("\u202e");
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]!.address : "").toBe(
      "jean.dupont@example.org",
    );
  });

  test("keep a display name with a comma or quotes as one mailbox", async () => {
    const snapshot = seminar({
      settings: { Expéditeur: '"Préfecture, cabinet \\"du préfet\\"" <seminaire@seminaire.example.org>' },
      participants: [participant({ Nom: 'O\'Neil, "Jr"', Prénom: "Sam", Email: "sam.oneil@example.org" })],
      placements: [
        placement("sam.oneil@example.org", "Matin"),
        placement("sam.oneil@example.org", "Après-midi"),
      ],
    });
    const { plan: result } = plan(snapshot);
    const mail = await parsed(find(result.messages, "convocation", "sam.oneil@example.org"));
    const to = mail.to && !Array.isArray(mail.to) ? mail.to.value : [];
    expect(to).toHaveLength(1);
    expect(to[0]).toEqual({ name: 'Sam O\'Neil, "Jr"', address: "sam.oneil@example.org" });
    expect(mail.from?.value).toHaveLength(1);
    expect(mail.from?.value[0]?.address).toBe("seminaire@seminaire.example.org");
  });
});

describe("the tutor's request", () => {
  test("names whom they host, asks for a plain yes or no, and carries the signed Reply-To", async () => {
    const { plan: result } = plan();
    const request = find(result.messages, "demande-tuteur", "sophie.le-gall@caf.example.org");
    const mail = await parsed(request);
    expect(mail.subject).toBe("Accueil de 3 participants en immersion — Vivez ma vie d'usager — Rennes");
    expect(mail.text).toContain("Répondez simplement OUI ou NON à ce message.");
    expect(mail.text).toContain("Claire Martin — Sous-préfète, Préfecture d'Ille-et-Vilaine");
    expect(mail.text).toContain("Jeudi 18 mars 2027, de 8 h 30 à 11 h 30");
    expect(mail.text).toContain("Repas — Repas commun avec les tuteurs");
    expect(mail.headers.get("x-auto-response-suppress")).toBe("All");
    expect(mail.headers.get("auto-submitted")).toBe("auto-generated");
    const reply = mail.replyTo?.value[0]?.address ?? "";
    const token = readReplyAddress(reply, SECRET);
    expect(token.ok && token.claims).toMatchObject({ event: EVENT, version: 1 });
    expect(mail.attachments).toHaveLength(0);
  });

  test("a tutor with no email gets no request; the organizer is told who they host", async () => {
    const snapshot = seminar({
      placements: [people.claire, people.hugo, people.elodie].flatMap((person) => [
        placement(person.Email, "Matin", { "Email tuteur": null, Tuteur: "Marc Sans-Adresse" }),
        placement(person.Email, "Après-midi"),
      ]),
    });
    const { plan: result } = plan(snapshot);
    expect(result.messages.filter((m) => m.kind === "demande-tuteur").map((m) => m.to.address)).toEqual([
      "gwenaelle.riou@ccas.example.org",
    ]);
    const alert = result.messages.find(
      (m) => m.kind === "alerte" && m.version.startsWith("tuteur-sans-email"),
    )!;
    expect(alert.to.address).toBe(ORGANIZER);
    const mail = await parsed(alert);
    expect(mail.subject).toContain("1 tuteur sans adresse électronique");
    expect(mail.text).toContain("Marc Sans-Adresse : Matin (CAF — Accueil de Rennes)");
    const claire = await parsed(find(result.messages, "convocation", people.claire.Email));
    expect(claire.text).toContain("Votre tuteur ou tutrice : Marc Sans-Adresse");
  });
});

describe("the feedback request", () => {
  test("goes the morning after the seminar with the survey link", async () => {
    const { plan: result } = plan();
    const feedback = find(result.messages, "questionnaire", people.elodie.Email);
    expect(feedback.sendAt.toISOString()).toBe("2027-03-19T08:00:00.000Z");
    const mail = await parsed(feedback);
    expect(mail.html).toContain('href="https://questionnaire.example.org/vivez-ma-vie-d-usager-rennes"');
  });

  test("is left out when there is no survey link, and the organizer is told in time", async () => {
    const { plan: result } = plan(seminar({ settings: { "Lien questionnaire": null } }));
    expect(result.messages.some((m) => m.kind === "questionnaire")).toBe(false);
    expect(result.warnings.join(" ")).toContain("Lien questionnaire manquant");
    const alert = result.messages.find((m) => m.version.startsWith("questionnaire-manquant"))!;
    expect(alert.sendAt.toISOString()).toBe("2027-03-17T08:00:00.000Z");
  });
});

describe("lunch talks", () => {
  test("confirm the seated, give the waiting their rank, and promote when a seat frees", async () => {
    const now = new Date("2027-03-20T10:00:00Z");
    const snapshot = lunchSnapshot();
    const model = eventModel(snapshot, testKeys("rencontre"), now)!;
    const result = planMessages(model, now);
    const registered = result.messages.filter((m) => m.kind === "inscription");
    const waiting = result.messages.filter((m) => m.kind === "liste-attente");
    expect(registered).toHaveLength(30);
    expect(waiting).toHaveLength(15);
    const firstWaiting = await simpleParser(await buildMime(waiting[0]!.render(now)));
    expect(firstWaiting.subject).toMatch(
      /^Liste d'attente \(\d+e position\)|^Liste d'attente \(1re position\)/,
    );
    expect(firstWaiting.attachments).toHaveLength(0);
    const seat = await simpleParser(await buildMime(registered[0]!.render(now)));
    expect(seat.subject).toBe("Inscription confirmée — Rencontre méridienne — La participation des usagers");
    const ics = calendarEvents(seat.attachments[0]!.content.toString("utf8")).events;
    expect(ics[0]!.start.toISOString()).toBe("2027-04-08T10:15:00.000Z");

    // Someone seated cancels after everyone was told: the first waiting person is promoted.
    const told = [...registered, ...waiting].map((m) =>
      sentRow("rencontre", m.key, { recipient: m.to.address }),
    );
    const rows = (await import("../../sheets-templates/example-data.js")).registrations.map((row) => ({
      ...row,
    }));
    const seatedRow = rows.find((row) => row.Email === registered[0]!.to.address)!;
    (seatedRow as Record<string, unknown>).Inscription = "Annulée";
    const after = lunchSnapshot(undefined, rows);
    after.set(
      "Journal",
      (await import("../support/workbooks.js")).tableTab(
        (await import("../../functions/core/sheet/schemas.js")).TABS.journal,
        told,
      ),
    );
    const later = planMessages(eventModel(after, testKeys("rencontre"), now)!, now);
    const promoted = later.messages.filter((m) => m.kind === "place-liberee");
    expect(promoted).toHaveLength(1);
    expect(later.messages.filter((m) => m.kind === "inscription")).toHaveLength(0);
    const mail = await simpleParser(await buildMime(promoted[0]!.render(now)));
    expect(mail.subject).toBe(
      "Une place s'est libérée — Rencontre méridienne — La participation des usagers",
    );
    const reminder = later.messages.find((m) => m.kind === "rappel-rencontre")!;
    expect(reminder.sendAt.toISOString()).toBe("2027-04-07T10:15:00.000Z");
  });
});
