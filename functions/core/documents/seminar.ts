/**
 * The printed documents of an immersion seminar (issue 17): attendance sheets, certificates of
 * attendance, headcounts and host rosters. Pure: the workbook's snapshot and an instant in, the
 * documents' content out.
 *
 * People on the documents are those the convocations go to (confirmed, valid rows: the messages'
 * model); a row left out (to correct, cancelled, bounced) is named in the notes, never printed.
 */

import { DateTime } from "luxon";
import type { WorkbookSnapshot } from "../../ports.js";
import { attends, isImmersion, parseSeminarWorkbook } from "../checks/check-seminar.js";
import { type AgendaItem, type ParticipantAgenda, type SeminarModel, seminarModel } from "../event/model.js";
import type { LedgerKeys } from "../ledger/keys.js";
import { normalizeKey } from "../sheet/cells.js";
import type { ProgrammeRow } from "../sheet/schemas.js";
import { frenchDate, pluralSuffix } from "../text/french.js";
import {
  byName,
  type DocumentSet,
  duration,
  eventDates,
  hours,
  isMeal,
  longDate,
  markedAbsent,
  NONE,
  needsText,
  plural,
  shortDate,
} from "./common.js";
import { type Block, fileSlug, type PrintedDocument, uniqueFiles } from "./layout.js";

/** Height of a row with a signature box, in points (about 1 cm). */
export const SIGNATURE_ROW = 30;

interface Person {
  readonly agenda: ParticipantAgenda;
  readonly lastName: string;
  readonly firstName: string;
  readonly employer: string;
  readonly needs: string;
  readonly absent: boolean;
}

interface Context {
  readonly model: SeminarModel;
  readonly zone: string;
  readonly people: readonly Person[];
  readonly programme: readonly ProgrammeRow[];
  readonly organizer: string;
  readonly subtitle: string;
  readonly footer: string;
  readonly contacts: ReadonlyMap<string, { readonly address?: string; readonly contact?: string }>;
}

/** Every document of the seminar the workbook holds, as they stand at `now`. */
export function seminarDocuments(
  snapshot: WorkbookSnapshot,
  keys: LedgerKeys,
  now: Date,
  built?: SeminarModel,
): DocumentSet {
  const model = built ?? seminarModel(snapshot, keys, now);
  const workbook = parseSeminarWorkbook(snapshot);
  const settings = workbook.settings.partial;
  const zone = model.info.zone;
  const rows = new Map(workbook.participants.rows.map((row) => [row.row, row.partial]));
  const people = model.agendas
    .map((agenda): Person => {
      const partial = rows.get(agenda.participant.row);
      return {
        agenda,
        lastName: agenda.participant.lastName,
        firstName: agenda.participant.firstName,
        employer: agenda.participant.employer.trim() || NONE,
        needs: needsText(partial?.needs),
        absent: markedAbsent(partial?.present),
      };
    })
    .sort(byName);
  const organizer =
    settings.organizerName?.trim() || model.info.sender.name?.trim() || model.info.organizerEmail;
  const context: Context = {
    model,
    zone,
    people,
    programme: workbook.programme.rows.flatMap((row) => (row.value ? [row.value] : [])),
    organizer,
    subtitle: `${model.info.title} — ${eventDates(model.info.days)}`,
    footer: `${model.info.title} — document établi par Passerelle`,
    contacts: new Map(
      workbook.structures.rows.flatMap((row) =>
        row.value
          ? [
              [
                normalizeKey(row.value.name),
                {
                  ...(row.value.address ? { address: row.value.address } : {}),
                  ...(row.value.contact ? { contact: row.value.contact } : {}),
                },
              ] as const,
            ]
          : [],
      ),
    ),
  };
  const notes = model.excluded.map(
    (excluded) => `${excluded.tab} ligne ${excluded.row} : ${excluded.reason}, absente des documents.`,
  );
  const ended = now.getTime() >= model.endsAt.getTime();
  if (!ended)
    notes.push(
      `Les attestations de présence seront établies une fois ${model.info.reverse ? "l'immersion terminée" : "le séminaire terminé"} (après le ${shortDate(model.endsAt, zone)} à ${DateTime.fromJSDate(model.endsAt, { zone }).toFormat("HH:mm")}).`,
    );
  const absent = people.filter((person) => person.absent).length;
  if (ended && absent > 0)
    notes.push(
      `${plural(absent, "participant")} marqué${pluralSuffix(absent)} absent (Présent : Non) : pas d'attestation.`,
    );
  for (const name of rosterStructures(context))
    if (!contactAddress(context.contacts.get(normalizeKey(name))?.contact))
      notes.push(
        `${name} : pas d'adresse électronique dans Contact (onglet Structures), sa fiche d'accueil ne peut pas lui être envoyée : transmettez-la vous-même.`,
      );
  const counts = headcounts(context);
  const documents = uniqueFiles([
    ...attendanceSheets(context),
    ...(ended ? certificates(context, now) : []),
    counts.document,
    ...rosters(context),
  ]);
  return { kind: "seminar", title: model.info.title, zone, documents, headcountLine: counts.line, notes };
}

// ---------------------------------------------------------------- attendance sheets

/**
 * Whether presence is signed for at a timetable item: the welcome and the numbered sequences
 * (issue 17: "day 1 welcome and sequence 1 ... sequence 4"); immersions have a sheet per host.
 */
function signedFor(item: ProgrammeRow): boolean {
  const key = normalizeKey(item.sequence);
  return item.audience !== "Tuteurs" && (key.startsWith("accueil") || key.startsWith("sequence"));
}

/** Signed items, the ones that follow each other at the same place on the same day merged. */
function plenaryGroups(programme: readonly ProgrammeRow[]): ProgrammeRow[][] {
  const items = programme.filter(signedFor).sort((a, b) => a.day - b.day || a.start.localeCompare(b.start));
  const groups: ProgrammeRow[][] = [];
  for (const item of items) {
    const last = groups.at(-1)?.at(-1);
    if (
      last &&
      last.day === item.day &&
      last.end === item.start &&
      normalizeKey(last.place ?? "") === normalizeKey(item.place ?? "")
    )
      groups.at(-1)!.push(item);
    else groups.push([item]);
  }
  return groups;
}

function signatureTable(people: readonly Person[], extra?: (person: Person) => string): Block {
  return {
    kind: "table",
    columns: [
      { label: "Nom", width: 3 },
      { label: "Prénom", width: 2.5 },
      { label: "Organisme", width: 4 },
      ...(extra ? [{ label: "Tuteur", width: 2.5 }] : []),
      { label: "Signature", width: 3 },
    ],
    rows: people.map((person) => [
      person.lastName,
      person.firstName,
      person.employer,
      ...(extra ? [extra(person)] : []),
      "",
    ]),
    rowHeight: SIGNATURE_ROW,
    empty: "Personne n'est attendu.",
  };
}

function attendanceSheets(context: Context): PrintedDocument[] {
  const { model, zone, people } = context;
  const dateOf = (day: number) => (day === 2 ? model.info.days[1] : model.info.days[0]);
  const sheets: PrintedDocument[] = [];
  for (const group of plenaryGroups(context.programme)) {
    const first = group[0]!;
    const last = group.at(-1)!;
    const start = DateTime.fromISO(`${dateOf(first.day)}T${first.start}`, { zone }).toJSDate();
    const end = DateTime.fromISO(`${dateOf(last.day)}T${last.end}`, { zone }).toJSDate();
    const names = group.map((item) => item.sequence).join(" et ");
    sheets.push({
      about: { kind: "sheet" },
      file: `emargement-j${first.day}-${fileSlug(group.map((item) => item.sequence).join(" "))}.pdf`,
      title: `Feuille d'émargement — ${names}`,
      subtitle: context.subtitle,
      blocks: [
        {
          kind: "facts",
          lines: [
            ["Date", longDate(start, zone)],
            ["Horaire", hours(start, end, zone)],
            ["Lieu", first.place || model.info.venue || NONE],
            ["Séquence", group.map((item) => item.label || item.sequence).join(" ; ")],
          ],
        },
        {
          kind: "paragraph",
          text: `${plural(people.length, "participant")} attendu${pluralSuffix(people.length)}.`,
        },
        signatureTable(people),
      ],
      footer: context.footer,
    });
  }
  // One sheet per immersion slot and host structure.
  const slots = new Map<string, { item: AgendaItem; people: Person[] }>();
  for (const person of people) {
    for (const item of person.agenda.items) {
      if (item.kind !== "immersion" || !item.placement) continue;
      const key = `${item.day}|${item.placement.slot}|${item.placement.structure}`;
      const entry = slots.get(key) ?? { item, people: [] };
      entry.people.push(person);
      slots.set(key, entry);
    }
  }
  const ordered = [...slots.values()].sort(
    (a, b) =>
      a.item.start.getTime() - b.item.start.getTime() ||
      a.item.placement!.structure.localeCompare(b.item.placement!.structure, "fr"),
  );
  for (const { item, people: hosted } of ordered) {
    const placement = item.placement!;
    const tutorOf = (person: Person) =>
      person.agenda.placements.find((p) => p.slot === placement.slot)?.tutor ?? NONE;
    sheets.push({
      about: { kind: "sheet" },
      file: `emargement-j${item.day}-immersion-${fileSlug(placement.slot, 20)}-${fileSlug(placement.structure, 40)}.pdf`,
      title: `Feuille d'émargement — Immersion (${placement.slot})`,
      subtitle: context.subtitle,
      blocks: [
        {
          kind: "facts",
          lines: [
            [context.model.info.reverse ? "Hôte" : "Structure d'accueil", placement.structure],
            ["Adresse", placement.address || NONE],
            ["Date", longDate(item.start, zone)],
            ["Horaire", hours(item.start, item.end, zone)],
          ],
        },
        // In a reverse immersion the host is the sheet's own: no column to name them again.
        signatureTable(hosted, context.model.info.reverse ? undefined : tutorOf),
      ],
      footer: context.footer,
    });
  }
  return sheets;
}

// ---------------------------------------------------------------- certificates

/** An item of the agenda as attended: clipped to the person's arrival and return train. */
interface Attended {
  readonly item: AgendaItem;
  readonly start: Date;
  readonly end: Date;
}

/**
 * The items a participant attended and for how long: every item of their own agenda but meals,
 * from their train's arrival (at the earliest) to the time they must leave for their return train.
 */
export function attendedItems(agenda: ParticipantAgenda): Attended[] {
  const from = agenda.arrival?.getTime() ?? Number.NEGATIVE_INFINITY;
  const until = agenda.returnTrain?.leaveBy.getTime() ?? Number.POSITIVE_INFINITY;
  return agenda.items.flatMap((item) => {
    if (item.kind !== "item" && item.kind !== "immersion") return [];
    // The title starts with the item's `Séquence` (`Dîner — Dîner avec des élus locaux`).
    if (item.kind === "item" && isMeal(item.title.split(" — ")[0] ?? item.title)) return [];
    const start = Math.max(item.start.getTime(), from);
    const end = Math.min(item.end.getTime(), until);
    if (end <= start) return [];
    return [{ item, start: new Date(start), end: new Date(end) }];
  });
}

function certificates(context: Context, now: Date): PrintedDocument[] {
  const { model, zone } = context;
  const where = model.info.city ? ` à ${model.info.city}` : "";
  return context.people
    .filter((person) => !person.absent)
    .map((person) => {
      const attended = attendedItems(person.agenda);
      const minutes = attended.reduce((sum, a) => sum + (a.end.getTime() - a.start.getTime()) / 60_000, 0);
      const participant = person.agenda.participant;
      const role = [participant.position, person.employer === NONE ? undefined : person.employer]
        .filter(Boolean)
        .join(", ");
      const who = `${person.firstName} ${person.lastName}${role ? ` (${role})` : ""}`;
      return {
        about: { kind: "certificate", email: participant.email },
        file: `attestations/${fileSlug(`${person.lastName} ${person.firstName}`)}.pdf`,
        title: "Attestation de présence",
        subtitle: context.subtitle,
        blocks: [
          {
            kind: "paragraph",
            text: `Je soussigné(e), ${context.organizer}, atteste que ${who} a participé ${model.info.reverse ? "à l'immersion inversée" : "au séminaire d'immersion"} « ${model.info.title} » qui s'est tenu${model.info.reverse ? "e" : ""}${where} ${eventDates(model.info.days)}.`,
          },
          { kind: "heading", text: "Programme suivi" },
          {
            kind: "table",
            columns: [
              { label: "Date", width: 2 },
              { label: "Horaire", width: 2.2 },
              { label: "Séquence", width: 6 },
              { label: "Durée", width: 1.4 },
            ],
            rows: attended.map((a) => [
              shortDate(a.start, zone),
              hours(a.start, a.end, zone),
              a.item.title,
              duration((a.end.getTime() - a.start.getTime()) / 60_000),
            ]),
            empty: "Aucune séquence.",
          },
          { kind: "paragraph", text: `Durée totale de présence : ${duration(minutes)}.`, strong: true },
          {
            kind: "signature",
            place: `Fait${where}, le ${frenchDate(DateTime.fromJSDate(now, { zone }))}.`,
            signatory: context.organizer,
          },
        ],
        footer: context.footer,
      } satisfies PrintedDocument;
    });
}

// ---------------------------------------------------------------- headcounts

/** Items counted for the caterer or the guide: meals and the optional visit. */
function counted(item: ProgrammeRow): boolean {
  if (isImmersion(item)) return false;
  const key = normalizeKey(`${item.sequence} ${item.label ?? ""}`);
  return isMeal(item.sequence) || key.includes("visite");
}

function headcounts(context: Context): { document: PrintedDocument; line: string } {
  const { model, zone, people } = context;
  const dateOf = (day: number) => (day === 2 ? model.info.days[1] : model.info.days[0]);
  // Who hosts, as the organizer of the event calls them.
  const hostWord = model.info.reverse ? "hôte" : "tuteur";
  const items = context.programme
    .filter(counted)
    .sort((a, b) => a.day - b.day || a.start.localeCompare(b.start));
  const rows: string[][] = [];
  const blocks: Block[] = [];
  const line: string[] = [];
  for (const item of items) {
    const start = DateTime.fromISO(`${dateOf(item.day)}T${item.start}`, { zone }).toJSDate();
    const end = DateTime.fromISO(`${dateOf(item.day)}T${item.end}`, { zone }).toJSDate();
    const coming = people.filter((person) =>
      attends(item, {
        dinner: person.agenda.participant.dinner ? "Oui" : "Non",
        visit: person.agenda.participant.visit ? "Oui" : "Non",
      }),
    );
    const day = dateOf(item.day);
    const tutors =
      item.audience === "Tous" || item.audience === "Tuteurs"
        ? model.tutors.filter(
            (tutor) =>
              tutor.confirmation !== "Décliné" &&
              tutor.hosts.some((slot) => DateTime.fromJSDate(slot.start, { zone }).toISODate() === day),
          ).length
        : 0;
    const label =
      item.label && item.label !== item.sequence ? `${item.sequence} — ${item.label}` : item.sequence;
    rows.push([
      shortDate(start, zone),
      hours(start, end, zone),
      label,
      String(coming.length),
      item.audience === "Tous" || item.audience === "Tuteurs" ? String(tutors) : NONE,
      String(coming.length + tutors),
    ]);
    line.push(
      `${item.sequence.toLowerCase()} du ${shortDate(start, zone).slice(0, 5)} : ${coming.length + tutors}${tutors > 0 ? ` (dont ${plural(tutors, hostWord)})` : ""}`,
    );
    const needs = coming.filter((person) => person.needs !== "");
    blocks.push({ kind: "heading", text: `${label} — ${longDate(start, zone)}, ${hours(start, end, zone)}` });
    blocks.push({
      kind: "facts",
      lines: [
        ["Lieu", item.place || NONE],
        ["Participants", String(coming.length)],
        ...(tutors > 0 ? ([[`${capitalized(hostWord)}s`, String(tutors)]] as const) : []),
        ["Besoins signalés", needs.length === 0 ? "aucun" : String(needs.length)],
      ],
    });
    if (needs.length > 0)
      blocks.push({
        kind: "table",
        columns: [
          { label: "Participant", width: 4 },
          { label: "Besoins", width: 8 },
        ],
        rows: needs.map((person) => [`${person.lastName} ${person.firstName}`, person.needs]),
        empty: "",
      });
  }
  const document: PrintedDocument = {
    about: { kind: "headcounts" },
    file: "effectifs.pdf",
    title: "Effectifs",
    subtitle: context.subtitle,
    blocks: [
      {
        kind: "table",
        columns: [
          { label: "Date", width: 2 },
          { label: "Horaire", width: 2.2 },
          { label: "Moment", width: 5 },
          { label: "Participants", width: 2.3 },
          { label: `${capitalized(hostWord)}s`, width: 1.5 },
          { label: "Total", width: 1.2 },
        ],
        rows,
        empty: "Aucun repas ni visite au programme.",
      },
      ...blocks,
    ],
    footer: context.footer,
  };
  return {
    document,
    line:
      line.length === 0
        ? "Effectifs : aucun repas ni visite au programme."
        : `Effectifs : ${line.join(" ; ")}.`,
  };
}

// ---------------------------------------------------------------- host rosters

/** The address in a structure's `Contact` (`Nom <adresse>` or the bare address), when there is one. */
export function contactAddress(contact: string | undefined): string | undefined {
  return /[^\s<>@,;]+@[^\s<>@,;]+\.[a-z]{2,}/i.exec(contact ?? "")?.[0]?.toLowerCase();
}

/** The structures that host someone, by name. */
function rosterStructures(context: Context): string[] {
  const names = new Map<string, string>();
  for (const person of context.people)
    for (const placement of person.agenda.placements)
      names.set(normalizeKey(placement.structure), placement.structure);
  return [...names.values()].sort((a, b) => a.localeCompare(b, "fr"));
}

function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function rosters(context: Context): PrintedDocument[] {
  const { zone, people } = context;
  const byStructure = new Map<string, { name: string; rows: { item: AgendaItem; person: Person }[] }>();
  for (const person of people) {
    for (const item of person.agenda.items) {
      if (item.kind !== "immersion" || !item.placement) continue;
      const key = normalizeKey(item.placement.structure);
      const entry = byStructure.get(key) ?? { name: item.placement.structure, rows: [] };
      entry.rows.push({ item, person });
      byStructure.set(key, entry);
    }
  }
  return [...byStructure.entries()]
    .sort(([, a], [, b]) => a.name.localeCompare(b.name, "fr"))
    .map(([key, { name, rows }]) => {
      const contact = context.contacts.get(key);
      rows.sort((a, b) => a.item.start.getTime() - b.item.start.getTime() || byName(a.person, b.person));
      const address =
        rows.find((row) => row.item.placement?.address)?.item.placement?.address ?? contact?.address;
      const to = contactAddress(contact?.contact);
      if (context.model.info.reverse)
        return hostSheet(context, { name, address, contact: contact?.contact, to }, rows);
      return {
        about: { kind: "roster", structure: name, ...(to ? { contact: to } : {}) },
        file: `structures/${fileSlug(name)}.pdf`,
        title: `Accueil en immersion — ${name}`,
        subtitle: context.subtitle,
        blocks: [
          {
            kind: "facts",
            lines: [
              ["Structure", name],
              ["Adresse", address || NONE],
              ["Contact", contact?.contact || NONE],
              [
                "Personnes accueillies",
                String(new Set(rows.map((row) => row.person.agenda.participant.email)).size),
              ],
            ],
          },
          {
            kind: "table",
            columns: [
              { label: "Quand", width: 3.2 },
              { label: "Participant", width: 3.5 },
              { label: "Organisme, fonction", width: 4 },
              { label: "Tuteur, situation", width: 3.5 },
              { label: "Besoins", width: 2.8 },
            ],
            rows: rows.map(({ item, person }) => [
              `${shortDate(item.start, zone)} ${item.placement!.slot}\n${hours(item.start, item.end, zone)}`,
              `${person.firstName} ${person.lastName}`,
              [person.employer, person.agenda.participant.position].filter(Boolean).join(", "),
              `${item.placement!.tutor || NONE}\n${item.placement!.situation}`,
              person.needs || NONE,
            ]),
            empty: "Personne n'est accueilli.",
          },
          {
            kind: "paragraph",
            text: "Merci de nous prévenir au plus tôt si l'accueil de ces personnes n'est plus possible.",
          },
        ],
        footer: context.footer,
      } satisfies PrintedDocument;
    });
}

/**
 * A reverse immersion's roster, addressed to the host it is for (« vous », « votre bureau »): who
 * will follow them, when, with what needs. The seminar's roster speaks to a structure's contact of
 * the structure and its tutors; here the host is both.
 */
function hostSheet(
  context: Context,
  host: { name: string; address: string | undefined; contact: string | undefined; to: string | undefined },
  rows: readonly { item: AgendaItem; person: Person }[],
): PrintedDocument {
  const { zone } = context;
  const count = new Set(rows.map((row) => row.person.agenda.participant.email)).size;
  return {
    about: { kind: "roster", structure: host.name, ...(host.to ? { contact: host.to } : {}) },
    file: `structures/${fileSlug(host.name)}.pdf`,
    title: `Les personnes qui vous suivront — ${host.name}`,
    subtitle: context.subtitle,
    blocks: [
      {
        kind: "facts",
        lines: [
          ["Pour", host.name],
          ["Votre bureau", host.address || NONE],
          ["Vos coordonnées", host.contact || NONE],
          ["Vous suivront", String(count)],
        ],
      },
      {
        kind: "table",
        columns: [
          { label: "Quand", width: 3.2 },
          { label: "Vous suivra", width: 4 },
          { label: "Organisme, fonction", width: 5 },
          { label: "Besoins", width: 3.6 },
        ],
        rows: rows.map(({ item, person }) => [
          `${shortDate(item.start, zone)} ${item.placement!.slot}\n${hours(item.start, item.end, zone)}`,
          `${person.firstName} ${person.lastName}`,
          [person.employer, person.agenda.participant.position].filter(Boolean).join(", "),
          person.needs || NONE,
        ]),
        empty: "Personne ne vous suivra.",
      },
      {
        kind: "paragraph",
        text: "Si vous ne pouvez plus les accueillir, prévenez-nous au plus tôt : nous leur proposerons un autre hôte.",
      },
    ],
    footer: context.footer,
  };
}
