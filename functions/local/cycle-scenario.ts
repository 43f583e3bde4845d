/**
 * The example cycle of lunch talks played on one machine in simulated time: the organizer checks
 * the cycle, then after each talk records the absences from the signed sheets (`Présent: Non`);
 * every save is checked as a Google Sheets edit is, and each talk's `Statut` shows its seats, its
 * waiting list ranked for fair access and its décloisonnement figures, the `Cycle`'s `Statut` how
 * many managers came. The messages leave through the workflow's sending steps, called as the cycle's
 * workflow calls them (`workflows/cycle.yaml`: send, ask `cycle-next` when the next is due, sleep
 * until then): each seat confirmed or each waiting rank told at once, per talk, exactly once; the
 * speakers' invitations; one speaker confirms by replying, the other declines, and the organizer is
 * alerted at once; a week before each talk the speaker's reminder (or the alert that nobody
 * confirmed), the day before the list of the registered and the registered people's reminder, after
 * the talk its survey.
 */
import { createHash } from "node:crypto";
import { DateTime } from "luxon";
import { runAt } from "../../workflows/runner/clock.js";
import {
  CYCLE_TABS_SPEC,
  type CycleRegistrationRow,
  type CycleSettings,
  type SpeakerRow,
  type TalkRow,
} from "../core/cycle/cycle-schemas.js";
import { cellText } from "../core/sheet/cells.js";
import { parseSettings, parseTable } from "../core/sheet/table.js";
import { plural } from "../core/text/french.js";
import type { Workbook } from "../ports.js";
import { composeReply, type ScenarioContext } from "./scenario.js";
import type { StoredEmail } from "./ses.js";

/** What the played cycle ended with: each talk's `Statut` and the cycle's, each speaker's answer. */
export interface CycleEnd {
  readonly talks: readonly { readonly name: string; readonly status: string }[];
  readonly cycleStatus: string;
  readonly speakers: readonly { readonly email: string; readonly confirmation: string }[];
}

/** Calls one step of the workflow for the cycle, as Cloud Workflows does; answers its body. */
async function callStep(ctx: ScenarioContext, step: string): Promise<Record<string, unknown>> {
  const response = await fetch(ctx.host().url("workflowStep"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ step, event: ctx.event }),
  });
  if (!response.ok) throw new Error(`The step ${step} answered ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

/** The cycle's sending steps, as its workflow calls them; answers the messages they sent. */
async function sendSteps(ctx: ScenarioContext): Promise<StoredEmail[]> {
  const before = (await ctx.ses.emails()).length;
  await callStep(ctx, "send-reminders");
  await callStep(ctx, "send-feedback");
  return (await ctx.ses.emails()).slice(before);
}

/** When the workflow calls the sending steps next (`cycle-next`); `null` when it ends. */
async function nextWake(ctx: ScenarioContext): Promise<Date | null> {
  const { nextAt } = await callStep(ctx, "cycle-next");
  return typeof nextAt === "string" ? new Date(nextAt) : null;
}

/** What a message is, by its subject, in the words of the timeline (singular, plural). */
const SENT_KINDS: readonly (readonly [RegExp, string, string])[] = [
  [/^Invitation à intervenir/, "invitation à un intervenant", "invitations aux intervenants"],
  [/^Inscription confirmée/, "confirmation d'inscription", "confirmations d'inscription"],
  [/^Liste d'attente/, "avis de liste d'attente", "avis de liste d'attente"],
  [/^Une place s'est libérée/, "avis de place libérée", "avis de place libérée"],
  [/^Les inscrits de demain/, "liste des inscrits à un intervenant", "listes des inscrits aux intervenants"],
  [/^Rappel/, "rappel", "rappels"],
  [/^Votre avis/, "questionnaire de satisfaction", "questionnaires de satisfaction"],
  [/intervenant/, "alerte à l'organisateur", "alertes à l'organisateur"],
];

/** `12 confirmations d'inscription, 1 rappel`: the messages counted by kind, in a fixed order. */
export function describeSent(subjects: readonly string[]): string {
  const counts = SENT_KINDS.map(() => 0);
  let others = 0;
  for (const subject of subjects) {
    const index = SENT_KINDS.findIndex(([pattern]) => pattern.test(subject));
    if (index >= 0) counts[index] = (counts[index] ?? 0) + 1;
    else others++;
  }
  const parts = SENT_KINDS.flatMap(([, one, many], index) =>
    (counts[index] ?? 0) > 0 ? [plural(counts[index] ?? 0, one, many)] : [],
  );
  if (others > 0) parts.push(plural(others, "autre message", "autres messages"));
  return parts.join(", ");
}

/**
 * The local timeline's lines for a cycle: its replies are speakers' (a tutor confirms hosting and
 * sees their participants moved; a speaker confirms coming, and a decline alerts the organizer),
 * its sending step sends every kind of message, not only reminders, and its parameters tab is
 * `Cycle`. The timeline speaks the seminar's words; this rewords a line.
 */
const CYCLE_WORDS: readonly (readonly [RegExp, string])[] = [
  [/\bconfirme l'accueil\b/g, "confirme sa venue"],
  [/décline : les participants concernés sont replacés et prévenus/g, "décline : l'organisateur est prévenu"],
  [/\bd'un tuteur\b/g, "d'un intervenant"],
  [/\b1 rappel envoyé/g, "1 message envoyé"],
  [/\b(\d+) rappels envoyés\b/g, "$1 messages envoyés"],
  [/\battestation de présence et questionnaire envoyés/g, "questionnaire de satisfaction envoyé"],
  [/\battestations de présence et questionnaires envoyés/g, "questionnaires de satisfaction envoyés"],
  [/\bonglet Séminaire ou Rencontre\b/g, "onglet Cycle"],
];

/** A timeline line with the cycle's words. */
export function inCycleWords(line: string): string {
  return CYCLE_WORDS.reduce((text, [pattern, words]) => text.replace(pattern, words), line);
}

const bare = (address: string) => (/<([^<>]+)>/.exec(address)?.[1] ?? address).trim();

/** The first speaker confirms by replying to the invitation, the second declines. */
export async function speakersReply(ctx: ScenarioContext): Promise<void> {
  const invitations = (await ctx.ses.emails())
    .filter((email) => email.subject.startsWith("Invitation à intervenir"))
    .sort((a, b) => (a.destination.to[0] ?? "").localeCompare(b.destination.to[0] ?? ""));
  const answers = [
    "Bonjour,\n\nOui, je confirme avec plaisir.\n\nBien à vous",
    "Bonjour,\n\nMalheureusement non, je ne pourrai pas venir à cette date. Désolé.\n\nCordialement",
  ];
  for (const [index, invitation] of invitations.entries()) {
    const text = answers[index % answers.length] ?? "Oui.";
    const raw = await composeReply(invitation, { text }, ctx.host().clock.now());
    const id = createHash("sha256").update(`${invitation.messageId}|intervenant`).digest("hex");
    const to = invitation.destination.to[0] ?? "";
    ctx.replyFrom?.(to);
    const status = await ctx.host().receive(raw, bare(invitation.replyTo[0] ?? ""), id);
    ctx.say?.(
      status < 300
        ? `${index % 2 === 0 ? "Un intervenant confirme" : "Un intervenant décline"} en répondant à l'invitation.`
        : "Une réponse d'intervenant n'a pas pu être lue.",
    );
  }
}

async function speakersOf(workbook: Workbook) {
  const spec = CYCLE_TABS_SPEC.speakers;
  const snapshot = await workbook.read([spec.name]);
  return parseTable<SpeakerRow>(spec, snapshot.get(spec.name)).rows.flatMap((row) =>
    row.value ? [{ email: row.value.email, confirmation: cellText(row.cells.confirmation ?? null) }] : [],
  );
}

async function talksOf(workbook: Workbook) {
  const snapshot = await workbook.read([CYCLE_TABS_SPEC.talks.name]);
  return parseTable<TalkRow>(CYCLE_TABS_SPEC.talks, snapshot.get(CYCLE_TABS_SPEC.talks.name)).rows.flatMap(
    (row) =>
      row.value
        ? [{ name: row.value.name, date: row.value.date, status: cellText(row.cells.status ?? null) }]
        : [],
  );
}

/**
 * Marks absent (`Présent: Non`) the first `count` registrations seated (`Statut: Inscrit`) at the
 * talk named `talk`, as an organizer copies the signed attendance sheet. Returns the rows written.
 */
export async function markAbsent(workbook: Workbook, talk: string, count: number): Promise<number[]> {
  const name = CYCLE_TABS_SPEC.registrations.name;
  const snapshot = await workbook.read([name]);
  const table = parseTable<CycleRegistrationRow>(CYCLE_TABS_SPEC.registrations, snapshot.get(name));
  const column = table.columns.find((candidate) => candidate.key === "present")?.index;
  if (column === undefined) return [];
  const rows = table.rows
    .filter((row) => row.partial.talk === talk && cellText(row.cells.status ?? null) === "Inscrit")
    .slice(0, count)
    .map((row) => row.row);
  await workbook.write({ cells: rows.map((row) => ({ tab: table.title, row, column, value: "Non" })) });
  return rows;
}

/** Writes the `Action` of the `Cycle` tab, as the organizer picks it in the dropdown. */
export async function chooseCycleAction(
  workbook: Workbook,
  action: string,
): Promise<{ tab: string; row: number }> {
  const spec = CYCLE_TABS_SPEC.cycle;
  const settings = parseSettings<CycleSettings>(spec, (await workbook.read([spec.name])).get(spec.name));
  const line = settings.lines.get("action");
  const row = line?.row ?? settings.nextRow;
  await workbook.write({
    cells: [
      ...(line ? [] : [{ tab: settings.title, row, column: settings.nameColumn, value: "Action" }]),
      { tab: settings.title, row, column: settings.valueColumn, value: action },
    ],
  });
  return { tab: settings.title, row };
}

/** Plays the example cycle from `start`; the clock runs until its workflow would end. */
export async function playCycle(ctx: ScenarioContext, start: Date): Promise<CycleEnd> {
  const host = () => ctx.host();
  const workbook = () => host().workbook(ctx.event);
  const tell = async () => {
    for (const talk of await talksOf(workbook())) {
      ctx.say?.(`  « ${talk.name} »`);
      for (const line of talk.status.split("\n")) ctx.say?.(`    ${line}`);
    }
  };
  const send = async () => {
    const sent = await sendSteps(ctx);
    if (sent.length > 0) ctx.say?.(`Envoyé : ${describeSent(sent.map((email) => email.subject))}.`);
    return sent.length;
  };
  // When the workflow calls its sending steps next (set inside the timers, so held in an object).
  const workflow: { next: Date | null } = { next: null };
  await runAt(ctx.clock, start, async () => {
    const { tab, row } = await chooseCycleAction(workbook(), "Vérifier");
    ctx.say?.("L'organisateur choisit « Vérifier » dans l'onglet Cycle.");
    await host().edit(ctx.event, tab, { firstRow: row, firstColumn: 2 });
    await tell();
    await send();
    const again = (await sendSteps(ctx)).length;
    ctx.say?.(`Étape d'envoi rejouée : ${plural(again, "message de plus", "messages de plus")}.`);
    workflow.next = await nextWake(ctx);
  });
  // What the organizer and the speakers do, at their times; the workflow's sends in between.
  const talks = await talksOf(workbook());
  const moments: { at: Date; run: () => Promise<void> }[] = [
    { at: new Date(start.getTime() + 2 * 3_600_000), run: () => speakersReply(ctx) },
    // After each talk but the last, the first two seated were absent (the example's first two managers, twice).
    ...talks.map((talk, index) => ({
      at: DateTime.fromISO(talk.date, { zone: ctx.zone })
        .plus({ days: 1 })
        .set({ hour: 8, minute: 30 })
        .toJSDate(),
      run: async () => {
        if (index < talks.length - 1) {
          const rows = await markAbsent(workbook(), talk.name, 2);
          ctx.say?.(
            `« ${talk.name} » a eu lieu : ${plural(rows.length, "absent reporté", "absents reportés")} depuis la feuille d'émargement.`,
          );
          for (const row of rows)
            await host().edit(ctx.event, CYCLE_TABS_SPEC.registrations.name, { firstRow: row, lastRow: row });
        } else {
          ctx.say?.(`« ${talk.name} » a eu lieu : dernière rencontre du cycle.`);
          await host().edit(ctx.event, CYCLE_TABS_SPEC.cycle.name, {});
        }
        await tell();
      },
    })),
  ];
  for (;;) {
    const moment = moments[0];
    const wake = workflow.next;
    if (wake !== null && (!moment || wake.getTime() < moment.at.getTime())) {
      await runAt(ctx.clock, wake, async () => {
        await send();
        workflow.next = await nextWake(ctx);
      });
    } else if (moment) {
      moments.shift();
      await runAt(ctx.clock, moment.at, moment.run);
    } else break;
  }
  const snapshot = await workbook().read([CYCLE_TABS_SPEC.cycle.name]);
  const cycleStatus = cellText(
    snapshot
      .get(CYCLE_TABS_SPEC.cycle.name)
      ?.rows.find((row) => cellText(row[0] ?? null) === "Statut")?.[1] ?? null,
  );
  ctx.say?.(cycleStatus.split("\n").at(-1) ?? "");
  return {
    talks: (await talksOf(workbook())).map(({ name, status }) => ({ name, status })),
    cycleStatus,
    speakers: await speakersOf(workbook()),
  };
}
