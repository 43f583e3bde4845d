/**
 * What a cycle of lunch talks owes its speakers and its organizer (issue 18, « Speakers »), as
 * planned messages in the shape `app/send-messages.ts` sends, each under its `messageKey`:
 * - `invitation-intervenant`: at once, to each speaker whose `Confirmation` is empty or
 *   `En attente`, with the talk's practical details; its Reply-To is the signed reply address
 *   (`core/security/reply-token.ts`), the one tutors reply to, so a reply is read by the same classifier;
 * - `rappel-intervenant`: seven days before the talk, to each speaker who confirmed;
 * - `liste-inscrits`: the day before at 9:00, to each speaker who has not declined, with the seated
 *   people's name, direction, service and function, so they can prepare;
 * - `alerte-intervenant` to the organizer: at once when a speaker has declined, and seven days
 *   before the talk when no speaker has confirmed.
 * Nothing is planned for a talk that has started. Pure: the checked cycle, the keys and `now` in.
 */
import { DateTime } from "luxon";
import type { MailAddress, WorkbookSnapshot } from "../../ports.js";
import { type CycleCheck, checkCycle, type TalkCheck, unscheduledLine } from "../cycle/check-cycle.js";
import { CYCLE_TABS_SPEC, type SpeakerRow } from "../cycle/cycle-schemas.js";
import { talkNumber, talkTag } from "../cycle/talk-identity.js";
import { digest, foreignLedgerProblems, fullName, type Recipient } from "../event/model.js";
import { readLedger } from "../ledger/journal.js";
import type { LedgerKeys } from "../ledger/keys.js";
import { type JournalState, journalState } from "../ledger/state.js";
import { readReplyLine } from "../replies/plan.js";
import { eventZone } from "../settings/event-settings.js";
import { type RegistrationRow, TABS } from "../sheet/schemas.js";
import { frenchDay, frenchSpan } from "../text/french.js";
import { oneLine } from "../text/safe-text.js";
import { cycleAddressAlerts, isPerTalkAddressAlert, planTalks } from "./cycle-talks.js";
import {
  AUTOMATIC_FOOTER,
  type Block,
  block,
  type MessageContent,
  renderDocument,
  SIGNATURE,
} from "./layout.js";
import { collectPlanned, type MessagePlan, messageKey, type PlannedMessage } from "./plan.js";
import { AUTOMATIC_HEADERS, renderOrganizerAlert } from "./seminar.js";

/** Days before a talk when the confirmed speakers are reminded, and the organizer alerted if none confirmed. */
export const SPEAKER_NOTICE_DAYS = 7;
/** The hour (in the event's zone) the list of registered people leaves, the day before the talk. */
export const LIST_HOUR = 9;

export interface SpeakerPlanOptions {
  /** The signed address a speaker's reply goes to; the organizer's address when absent. */
  readonly replyAddress?: (input: { event: string; tutorEmail: string; version: number }) => string;
}

/** The seated people of a talk as the speakers' list shows them. */
export function seatedList(talk: TalkCheck): RegistrationRow[] {
  const byEmail = new Map<string, RegistrationRow>();
  for (const row of talk.lunch.workbook.registrations.rows)
    if (row.value && row.value.registration !== "Annulée") byEmail.set(row.value.email, row.value);
  return talk.lunch.seats.seated.flatMap((email) => {
    const row = byEmail.get(email);
    return row ? [row] : [];
  });
}

interface TalkInfo {
  readonly title: string;
  readonly talk: string;
  readonly start: Date;
  readonly end: Date;
  readonly zone: string;
  readonly venue: string;
  readonly theme: string | undefined;
  readonly organizerEmail: string;
  readonly organizer: string;
}

function infoOf(cycle: CycleCheck, talk: TalkCheck): TalkInfo {
  const settings = cycle.workbook.settings.partial;
  const talkSettings = talk.lunch.workbook.settings.partial;
  return {
    title: settings.title ?? talk.name,
    talk: talk.name,
    start: talk.start,
    end: talk.end,
    zone: eventZone(settings),
    venue: talkSettings.venue ?? "",
    theme: talkSettings.theme,
    organizerEmail: settings.organizerEmail ?? "",
    organizer: settings.organizerName ?? settings.sender?.name ?? settings.organizerEmail ?? "",
  };
}

function details(info: TalkInfo): string[] {
  return [
    `Date : le ${frenchDay(info.start, info.zone)}, ${frenchSpan(info.start, info.end, info.zone)}`,
    `Lieu : ${info.venue}`,
    ...(info.theme ? [`Thème : ${info.theme}`] : []),
  ];
}

function render(
  info: TalkInfo,
  subject: string,
  heading: string,
  greeting: string,
  blocks: readonly Block[],
): MessageContent {
  return renderDocument(
    {
      title: oneLine(subject),
      event: info.title,
      organizer: info.organizer,
      heading,
      blocks: [
        block.paragraph(greeting),
        ...blocks,
        block.paragraph([
          "Pour nous écrire : ",
          { text: info.organizerEmail, href: `mailto:${info.organizerEmail}` },
        ]),
        block.paragraph(SIGNATURE),
      ],
      footer: AUTOMATIC_FOOTER,
    },
    { headers: AUTOMATIC_HEADERS },
  );
}

/** The invitation: the practical details, and how to answer (a reply to this message). */
export function renderSpeakerInvitation(info: TalkInfo, speaker: SpeakerRow): MessageContent {
  return render(
    info,
    `Invitation à intervenir — ${info.talk}, ${frenchDay(info.start, info.zone)}`,
    "Invitation à intervenir",
    `Bonjour ${fullName(speaker.firstName, speaker.lastName)},`,
    [
      block.paragraph(
        `Nous serions heureux de vous accueillir comme intervenant(e) de la rencontre méridienne « ${info.talk} » (${info.title}) : une quinzaine à une trentaine de cadres de services différents, autour d'un déjeuner.`,
      ),
      block.list(details(info)),
      block.answer(
        "Pour confirmer, répondez simplement à ce message (« oui, je confirme »). Si vous ne pouvez pas venir, répondez « non » : nous chercherons une autre date ou un autre intervenant.",
      ),
    ],
  );
}

export function renderSpeakerReminder(info: TalkInfo, speaker: SpeakerRow): MessageContent {
  return render(
    info,
    `Rappel : ${info.talk}, ${frenchDay(info.start, info.zone)}`,
    "Rappel",
    `Bonjour ${fullName(speaker.firstName, speaker.lastName)},`,
    [
      block.paragraph(
        `Merci d'avoir accepté d'intervenir à la rencontre méridienne « ${info.talk} ». Nous vous y attendons :`,
      ),
      block.list(details(info)),
      block.paragraph("La veille, vous recevrez la liste des personnes inscrites."),
    ],
  );
}

export function renderRegisteredList(
  info: TalkInfo,
  speaker: SpeakerRow,
  people: readonly RegistrationRow[],
): MessageContent {
  const lines = people.map((person) =>
    [fullName(person.firstName, person.lastName), person.direction, person.service, person.position]
      .filter((part): part is string => Boolean(part))
      .join(" — "),
  );
  return render(
    info,
    `Les inscrits de demain — ${info.talk}`,
    "Les personnes inscrites",
    `Bonjour ${fullName(speaker.firstName, speaker.lastName)},`,
    [
      block.paragraph(
        `Voici les ${people.length} personnes inscrites à la rencontre méridienne « ${info.talk} » de demain (nom, direction, service, fonction), pour vous aider à la préparer.`,
      ),
      block.list(lines.length > 0 ? lines : ["Personne n'est encore inscrit."]),
      block.list(details(info)),
    ],
  );
}

export function renderSpeakerAlert(
  info: TalkInfo,
  cause:
    | { readonly declined: SpeakerRow }
    | { readonly noneConfirmed: true }
    | { readonly unclear: SpeakerRow; readonly excerpt: string },
): MessageContent {
  const text =
    "declined" in cause
      ? `${fullName(cause.declined.firstName, cause.declined.lastName)} a décliné l'invitation à intervenir à la rencontre « ${info.talk} » : trouvez un autre intervenant et ajoutez-le dans l'onglet Intervenants.`
      : "unclear" in cause
        ? `${fullName(cause.unclear.firstName, cause.unclear.lastName)} a répondu à l'invitation à intervenir à la rencontre « ${info.talk} », mais sa réponse n'a pas pu être lue comme un oui ou un non : rien n'a été modifié. Sa réponse : « ${cause.excerpt} ». Lisez-la, puis écrivez « Confirmé » ou « Décliné » dans sa Confirmation (onglet Intervenants).`
        : `À ${SPEAKER_NOTICE_DAYS} jours de la rencontre « ${info.talk} », aucun intervenant n'a confirmé : relancez-les ou ajoutez-en un dans l'onglet Intervenants.`;
  return render(
    info,
    "declined" in cause
      ? `Un intervenant décline — ${info.talk}`
      : "unclear" in cause
        ? `Réponse d'un intervenant à lire — ${info.talk}`
        : `Aucun intervenant confirmé — ${info.talk}`,
    "À faire",
    "Bonjour,",
    [block.paragraph(text), block.list(details(info))],
  );
}

function fromOf(cycle: CycleCheck): MailAddress {
  const sender = cycle.workbook.settings.partial.sender;
  if (!sender) return cycle.workbook.settings.partial.organizerEmail ?? "";
  return sender.name ? { name: oneLine(sender.name), address: sender.address } : sender.address;
}

/**
 * Every speaker and organizer message the cycle plans at `now`, due or not (a caller keeps those
 * whose `sendAt` has come and whose key the ledger has not taken).
 */
export function planSpeakerMessages(
  cycle: CycleCheck,
  keys: Pick<LedgerKeys, "event" | "recipientId">,
  now: Date,
  options: SpeakerPlanOptions = {},
  journal?: JournalState,
): PlannedMessage[] {
  const from = fromOf(cycle);
  const planned: PlannedMessage[] = [];
  const add = (
    to: Recipient,
    kind: PlannedMessage["kind"],
    version: string,
    sendAt: Date,
    content: () => MessageContent,
    replyTo?: string,
  ) =>
    planned.push({
      key: messageKey(keys, to.address, kind, version),
      event: keys.event,
      kind,
      version,
      to,
      sendAt,
      render: () => {
        const message = content();
        return {
          from,
          to: to.name ? { name: oneLine(to.name), address: to.address } : to.address,
          ...(replyTo ? { replyTo } : {}),
          subject: message.subject,
          text: message.text,
          html: message.html,
          ...(message.headers ? { headers: message.headers } : {}),
        };
      },
    });
  for (const talk of cycle.talks) {
    if (talk.start <= now) continue;
    const info = infoOf(cycle, talk);
    const organizer = { name: info.organizer, address: info.organizerEmail };
    const day = DateTime.fromJSDate(talk.start, { zone: info.zone });
    const notice = day.minus({ days: SPEAKER_NOTICE_DAYS }).toJSDate();
    const listAt = day
      .minus({ days: 1 })
      .set({ hour: LIST_HOUR, minute: 0, second: 0, millisecond: 0 })
      .toJSDate();
    const speakers = talk.speakers.flatMap((row) =>
      row.value && row.problems.length === 0 ? [row.value] : [],
    );
    // Every message to a speaker is versioned by its talk: one speaker of two talks gets each twice,
    // and the reply address of an invitation names its talk (`core/replies/speaker.ts`).
    const number = talkNumber(talk.name);
    const version = String(number);
    for (const speaker of speakers) {
      const to = { name: fullName(speaker.firstName, speaker.lastName), address: speaker.email };
      const state = speaker.confirmation ?? "En attente";
      if (state === "En attente") {
        const replyTo = options.replyAddress?.({
          event: keys.event,
          tutorEmail: speaker.email,
          version: number,
        });
        add(
          to,
          "invitation-intervenant",
          version,
          now,
          () => renderSpeakerInvitation(info, speaker),
          replyTo ?? info.organizerEmail,
        );
      }
      if (state === "Confirmé")
        add(to, "rappel-intervenant", version, notice, () => renderSpeakerReminder(info, speaker));
      if (state !== "Décliné")
        add(to, "liste-inscrits", version, listAt, () =>
          renderRegisteredList(info, speaker, seatedList(talk)),
        );
      if (state === "Décliné")
        add(
          organizer,
          "alerte-intervenant",
          `refus-${keys.recipientId(speaker.email)}-${talkTag(talk.name)}`,
          now,
          () => renderSpeakerAlert(info, { declined: speaker }),
        );
    }
    // A reply that could not be read as a yes or a no: the organizer reads it, once per reply.
    for (const entry of journal?.entries ?? []) {
      const reply = readReplyLine(entry);
      if (reply?.decision !== "unclear" || reply.automatic) continue;
      const speaker = speakers.find(
        (candidate) => candidate.email.toLowerCase() === reply.tutorEmail.toLowerCase(),
      );
      if (speaker)
        add(organizer, "alerte-intervenant", `reponse-${digest(entry.key)}`, now, () =>
          renderSpeakerAlert(info, { unclear: speaker, excerpt: reply.excerpt }),
        );
    }
    if (!speakers.some((speaker) => speaker.confirmation === "Confirmé"))
      add(organizer, "alerte-intervenant", `sans-intervenant-${keys.recipientId(talk.name)}`, notice, () =>
        renderSpeakerAlert(info, { noneConfirmed: true }),
      );
  }
  const title = cycle.workbook.settings.partial.title ?? "Cycle de rencontres";
  const organizerEmail = cycle.workbook.settings.partial.organizerEmail ?? "";
  if (journal && organizerEmail !== "")
    for (const alert of cycleAddressAlerts(cycle, journal, keys))
      add({ name: "", address: organizerEmail }, "alerte", `${alert.kind}-${alert.version}`, now, () =>
        renderOrganizerAlert({
          eventTitle: title,
          summary: alert.summary,
          paragraphs: [...alert.paragraphs],
          items: [...alert.items],
        }),
      );
  for (const talk of cycle.unscheduled) {
    const settings = cycle.workbook.settings.partial;
    const organizer = { name: "", address: settings.organizerEmail ?? "" };
    if (organizer.address === "") continue;
    // Once per row and per fault: fixed and broken again differently, the organizer hears of it again.
    add(organizer, "alerte", `rencontre-non-programmee-${talk.row}-${digest(talk.problems)}`, now, () =>
      renderOrganizerAlert({
        eventTitle: settings.title ?? "Cycle de rencontres",
        summary: `rencontre${talk.name ? ` « ${talk.name} »` : ""} non programmée`,
        paragraphs: [
          unscheduledLine(talk),
          `Corrigez la ligne ${talk.row} de l'onglet ${CYCLE_TABS_SPEC.talks.name} (son Statut dit quoi) : les messages de la rencontre partiront alors d'eux-mêmes.`,
        ],
      }),
    );
  }
  return planned;
}

/** A cycle as the sending reads it: its check, its verified Journal, its keys. */
export interface CycleModel {
  readonly kind: "cycle";
  readonly check: CycleCheck;
  readonly info: { readonly event: string; readonly zone: string };
  readonly journal: JournalState;
  readonly keys: LedgerKeys;
  /** Why nothing can be sent (a Journal sealed for another workbook), in French. */
  readonly problems: readonly string[];
}

/** The model of a cycle workbook (`snapshot` holds its tabs and its verified Journal). */
export function cycleModel(snapshot: WorkbookSnapshot, keys: LedgerKeys, now: Date): CycleModel {
  const check = checkCycle(snapshot, now);
  const journal = journalState(readLedger(snapshot.get(TABS.journal.name)), now);
  return {
    kind: "cycle",
    check,
    info: { event: keys.event, zone: eventZone(check.workbook.settings.partial) },
    journal,
    keys,
    problems: [
      ...foreignLedgerProblems(journal.foreignRows),
      ...check.missingTabs,
      ...(check.workbook.settings.partial.sender ? [] : ["Expéditeur manquant dans l'onglet Cycle."]),
    ],
  };
}

/**
 * The plan of a cycle, as `planMessages` answers for a single event: its speakers' and organizer's
 * messages (`planSpeakerMessages`), and each talk's messages to its seated and waiting people (the
 * single talk's plan on the talk's view, `core/messages/cycle-talks.ts`), those the ledger has not taken.
 * Nothing when the cycle has a problem that stops sending.
 */
export function planCycle(model: CycleModel, now: Date, options: SpeakerPlanOptions = {}): MessagePlan {
  const { event, zone } = model.info;
  if (model.problems.length > 0)
    return { event, zone, messages: [], skipped: [], warnings: [...model.problems] };
  const planned = planSpeakerMessages(model.check, model.keys, now, options, model.journal);
  const speakers = collectPlanned(model.journal, model.keys, now, planned);
  const talks = planTalks(model.check, model.journal, model.keys, now, options);
  // The address alerts are the cycle's (`cycleAddressAlerts`), not each talk's.
  const talkMessages = talks.flatMap((plan) =>
    plan.messages.filter((message) => !isPerTalkAddressAlert(message)),
  );
  const messages = [...speakers.messages, ...talkMessages].sort(
    (a, b) => a.sendAt.getTime() - b.sendAt.getTime() || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  return {
    event,
    zone,
    messages,
    skipped: [...speakers.skipped, ...talks.flatMap((plan) => plan.skipped)],
    warnings: [
      ...model.check.unscheduled.map(unscheduledLine),
      ...new Set(talks.flatMap((plan) => plan.warnings)),
    ],
  };
}

/** The longest the cycle's workflow sleeps between two sends (ms): a speaker added meanwhile is invited within it. */
export const CYCLE_WAKE_MAX_MS = 24 * 3_600_000;

/**
 * When the cycle's workflow next calls its sending step: the earliest `sendAt` after `now` of a
 * message the cycle plans and the ledger has not taken (a seat confirmation, a reminder, a list, an
 * alert seven days before, the survey after a talk), and no later than `CYCLE_WAKE_MAX_MS` after
 * `now`; `null` once every talk of the cycle has started and nothing more is planned after `now`
 * (the workflow ends). Pure.
 */
export function nextCycleWake(model: CycleModel, now: Date): Date | null {
  const later = planCycle(model, now)
    .messages.map((message) => message.sendAt.getTime())
    .filter((at) => at > now.getTime());
  if (!model.check.talks.some((talk) => talk.start > now) && later.length === 0) return null;
  return new Date(Math.min(now.getTime() + CYCLE_WAKE_MAX_MS, ...later));
}
