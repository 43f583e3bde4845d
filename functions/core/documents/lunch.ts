/**
 * The printed documents of a lunch talk (issue 17): one attendance sheet, a certificate of
 * attendance for each seated person not marked absent once the talk is over, and the headcount
 * of the lunch. Pure. People on them are the seated registrations (waiting list excluded).
 */
import { DateTime } from "luxon";
import type { WorkbookSnapshot } from "../../ports.js";
import { parseLunchWorkbook } from "../checks/check-lunch.js";
import { type LunchModel, lunchModel } from "../event/model.js";
import type { LedgerKeys } from "../ledger/keys.js";
import { frenchDate, frenchSpan, pluralSuffix } from "../text/french.js";
import {
  byName,
  type DocumentSet,
  duration,
  eventDates,
  hours,
  longDate,
  markedAbsent,
  NONE,
  plural,
  shortDate,
} from "./common.js";
import { fileSlug, type PrintedDocument, uniqueFiles } from "./layout.js";
import { SIGNATURE_ROW } from "./seminar.js";

/** Every document of the lunch talk the workbook holds, as they stand at `now`. */
export function lunchDocuments(
  snapshot: WorkbookSnapshot,
  keys: LedgerKeys,
  now: Date,
  built?: LunchModel,
): DocumentSet {
  const model = built ?? lunchModel(snapshot, keys, now);
  const workbook = parseLunchWorkbook(snapshot);
  const { info } = model;
  const zone = info.zone;
  const rows = new Map(workbook.registrations.rows.map((row) => [row.row, row.partial]));
  const seated = model.registrations
    .filter((registration) => registration.seat.kind === "seated")
    .map((registration) => ({
      ...registration,
      service: registration.service.trim() || NONE,
      direction: rows.get(registration.row)?.direction,
      position: rows.get(registration.row)?.position,
      absent: markedAbsent(rows.get(registration.row)?.present),
    }))
    .sort(byName);
  const organizer =
    workbook.settings.partial.organizerName?.trim() || info.sender.name?.trim() || info.organizerEmail;
  const day = DateTime.fromJSDate(info.start, { zone }).toISODate() ?? "";
  const subtitle = `${info.title} — ${eventDates([day])}`;
  const footer = `${info.title} — document établi par Passerelle`;
  const notes = model.excluded.map(
    (excluded) => `${excluded.tab} ligne ${excluded.row} : ${excluded.reason}, absente des documents.`,
  );
  const waiting = model.registrations.length - seated.length;
  if (waiting > 0)
    notes.push(
      `${plural(waiting, "personne")} en liste d'attente, absente${pluralSuffix(waiting)} des documents.`,
    );
  const ended = now.getTime() >= info.end.getTime();
  if (!ended)
    notes.push(
      `Les attestations de présence seront établies une fois la rencontre terminée (après le ${shortDate(info.end, zone)} à ${DateTime.fromJSDate(info.end, { zone }).toFormat("HH:mm")}).`,
    );
  const when: [string, string][] = [
    ["Date", longDate(info.start, zone)],
    ["Horaire", hours(info.start, info.end, zone)],
    ["Lieu", info.venue || NONE],
  ];
  const sheet: PrintedDocument = {
    about: { kind: "sheet" },
    file: "emargement-rencontre.pdf",
    title: "Feuille d'émargement",
    subtitle,
    blocks: [
      {
        kind: "facts",
        lines: [...when, ...(info.speakers ? ([["Intervenants", info.speakers]] as [string, string][]) : [])],
      },
      {
        kind: "paragraph",
        text: `${plural(seated.length, "participant")} inscrit${pluralSuffix(seated.length)}.`,
      },
      {
        kind: "table",
        columns: [
          { label: "Nom", width: 3 },
          { label: "Prénom", width: 2.5 },
          { label: "Service", width: 4.5 },
          { label: "Signature", width: 3 },
        ],
        rows: seated.map((person) => [person.lastName, person.firstName, person.service, ""]),
        rowHeight: SIGNATURE_ROW,
        empty: "Personne n'est inscrit.",
      },
    ],
    footer,
  };
  const minutes = (info.end.getTime() - info.start.getTime()) / 60_000;
  const certificates: PrintedDocument[] = ended
    ? seated
        .filter((person) => !person.absent)
        .map((person) => {
          const role = [
            person.position,
            person.service === NONE ? undefined : person.service,
            person.direction,
          ]
            .filter(Boolean)
            .join(", ");
          const who = `${person.firstName} ${person.lastName}${role ? ` (${role})` : ""}`;
          return {
            about: { kind: "certificate", email: person.email },
            file: `attestations/${fileSlug(`${person.lastName} ${person.firstName}`)}.pdf`,
            title: "Attestation de présence",
            subtitle,
            blocks: [
              {
                kind: "paragraph",
                text: `Je soussigné(e), ${organizer}, atteste que ${who} a participé à la rencontre méridienne « ${info.title} »${info.theme ? ` (${info.theme})` : ""}, ${eventDates([day])}, ${frenchSpan(info.start, info.end, zone)}.`,
              },
              { kind: "facts", lines: [...when, ["Durée", duration(minutes)]] },
              { kind: "paragraph", text: `Durée totale de présence : ${duration(minutes)}.`, strong: true },
              {
                kind: "signature",
                place: `Fait le ${frenchDate(DateTime.fromJSDate(now, { zone }))}.`,
                signatory: organizer,
              },
            ],
            footer,
          } satisfies PrintedDocument;
        })
    : [];
  const headcount: PrintedDocument = {
    about: { kind: "headcounts" },
    file: "effectifs.pdf",
    title: "Effectifs",
    subtitle,
    blocks: [
      {
        kind: "table",
        columns: [
          { label: "Date", width: 2 },
          { label: "Horaire", width: 2.2 },
          { label: "Moment", width: 5 },
          { label: "Participants", width: 2.4 },
        ],
        rows: [
          [
            shortDate(info.start, zone),
            hours(info.start, info.end, zone),
            "Déjeuner-rencontre",
            String(seated.length),
          ],
        ],
        empty: "",
      },
      {
        kind: "facts",
        lines: [
          ["Lieu", info.venue || NONE],
          ...(info.speakers ? ([["Intervenants", info.speakers]] as [string, string][]) : []),
        ],
      },
    ],
    footer,
  };
  return {
    kind: "lunch",
    title: info.title,
    zone,
    documents: uniqueFiles([sheet, ...certificates, headcount]),
    headcountLine: `Effectifs : déjeuner du ${shortDate(info.start, zone).slice(0, 5)} : ${seated.length}.`,
    notes,
  };
}
