/**
 * A whole event played on one machine in simulated time: the organizer's actions at set
 * instants, and for a seminar the tutors' replies written as real MIME messages (confirmations, a
 * decline, an out-of-office, one who never answers), received through the local SNS stand-in.
 * The same script drives `npm start -- --simulate` and the end-to-end tests.
 */
import { createHash } from "node:crypto";
import { DateTime } from "luxon";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import { runAt, type SimulatedClock } from "../../workflows/runner/clock.js";
import type { ExecutionInfo } from "../../workflows/runner/runner.js";
import { readWorkflowControl } from "../app/workflow-control.js";
import { DEFAULT_ZONE, inZone } from "../core/settings/event-settings.js";
import { cellText } from "../core/sheet/cells.js";
import {
  type LunchSettings,
  type RegistrationRow,
  type SeminarSettings,
  TABS,
} from "../core/sheet/schemas.js";
import { parseSettings, parseTable } from "../core/sheet/table.js";
import { dayOfMonth, ofName } from "../core/text/french.js";
import type { Workbook } from "../ports.js";
import type { LocalHost } from "./host.js";
import type { LocalSes, StoredEmail } from "./ses.js";

export interface ScenarioContext {
  /** The host serving now (a test replaces it when it "kills" the process). */
  readonly host: () => LocalHost;
  readonly clock: SimulatedClock;
  readonly ses: LocalSes;
  readonly event: string;
  readonly zone: string;
  readonly say?: (line: string) => void;
  /** Tells the timeline whose reply is about to be read (names stay on this machine). */
  readonly replyFrom?: (name: string) => void;
  /** Named points where a test may stop and restart the host; the clock is held meanwhile. */
  readonly checkpoint?: (name: string) => Promise<void>;
}

/** Writes the `Action` of the event's parameters tab, as the organizer picks it in the dropdown. */
export async function chooseAction(
  workbook: Workbook,
  action: string,
): Promise<{ tab: string; row: number }> {
  const snapshot = await workbook.read([TABS.seminar.name, TABS.lunch.name]);
  const spec = snapshot.has(TABS.seminar.name) ? TABS.seminar : TABS.lunch;
  const settings =
    spec === TABS.seminar
      ? parseSettings<SeminarSettings>(spec, snapshot.get(spec.name))
      : parseSettings<LunchSettings>(spec, snapshot.get(spec.name));
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

async function organizerChooses(ctx: ScenarioContext, action: string): Promise<void> {
  const host = ctx.host();
  const { tab, row } = await chooseAction(host.workbook(ctx.event), action);
  ctx.say?.(`L'organisateur choisit « ${action} ».`);
  await host.edit(ctx.event, tab, { firstRow: row, firstColumn: 2 });
}

/** The latest tutor request each tutor received (the one whose Reply-To carries a token). */
function latestRequests(emails: readonly StoredEmail[]): Map<string, StoredEmail> {
  const latest = new Map<string, StoredEmail>();
  for (const email of emails) {
    const replyTo = email.replyTo[0] ?? "";
    const to = (email.destination.to[0] ?? "").toLowerCase();
    if (!replyTo.includes("+") || to === "") continue;
    const known = latest.get(to);
    if (!known || email.at >= known.at) latest.set(to, email);
  }
  return latest;
}

const bare = (address: string) => (/<([^<>]+)>/.exec(address)?.[1] ?? address).trim();

type Answer = { text: string; autoReply?: boolean; subjectPrefix?: string };

const CONFIRMATIONS: readonly string[] = [
  "Oui, c'est noté, avec plaisir !",
  "Bonjour,\n\nPas de problème, je serai là pour les accueillir.\n\nBien cordialement,\nLa coordinatrice",
  "OK pour moi.",
  "Bonjour, c'est d'accord. À bientôt.",
  "Yes, happy to host them.",
];
const DECLINE: Answer = {
  text: "Bonjour,\n\nMalheureusement non, je serai en congé ce jour-là. Désolée.\n\nCordialement",
};
const OUT_OF_OFFICE: Answer = {
  text: "Je suis absente du bureau jusqu'au 20 mars inclus, avec un accès limité à ma messagerie. En cas d'urgence, contactez l'accueil.",
  autoReply: true,
  subjectPrefix: "Réponse automatique : ",
};

/** Who answers what: by the tutor's rank in alphabetical order of their address. */
export function scriptedAnswer(rank: number, round: number): Answer | null {
  if (rank === 1) return round === 1 ? DECLINE : null;
  if (rank === 4) return round === 1 ? OUT_OF_OFFICE : null;
  if (rank === 6) return null;
  return { text: CONFIRMATIONS[(rank + round) % CONFIRMATIONS.length] ?? "Oui." };
}

export async function composeReply(request: StoredEmail, answer: Answer, sentAt: Date): Promise<Buffer> {
  const tutor = request.destination.to[0] ?? "";
  const quoted = (request.body.text ?? "")
    .split("\n")
    .slice(0, 12)
    .map((line) => `> ${line}`)
    .join("\n");
  const at = inZone(request.at, DEFAULT_ZONE).setLocale("fr");
  const sent = `${at.toFormat("ccc")} ${dayOfMonth(at.day)} ${at.toFormat("LLL yyyy 'à' HH:mm")}`;
  const composer = new MailComposer({
    from: tutor,
    to: request.replyTo[0] ?? "",
    subject: `${answer.subjectPrefix ?? "RE: "}${request.subject}`,
    date: sentAt,
    text: answer.autoReply
      ? answer.text
      : `${answer.text}\n\nLe ${sent}, ${request.from} a écrit :\n${quoted}\n`,
    headers: answer.autoReply ? { "Auto-Submitted": "auto-replied", "X-Autoreply": "yes" } : {},
  });
  return composer.compile().build();
}

/** The name of `Name <address>`, or the address. */
function displayName(mailbox: string): string {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(mailbox);
  return match?.[1] ? match[1] : (match?.[2] ?? mailbox);
}

/** Each tutor answers (or not) the latest request they received; answers only once per request. */
async function tutorsReply(ctx: ScenarioContext, round: number, answered: Set<string>): Promise<number> {
  const requests = latestRequests(await ctx.ses.emails());
  const tutors = [...requests.keys()].sort();
  let replies = 0;
  for (const [rank, tutor] of tutors.entries()) {
    const request = requests.get(tutor);
    if (!request || answered.has(request.messageId)) continue;
    const answer = scriptedAnswer(rank, round);
    if (!answer) continue;
    answered.add(request.messageId);
    const raw = await composeReply(request, answer, ctx.host().clock.now());
    // The same reply gets the same notification id in every run of the script.
    const id = createHash("sha256").update(`${tutor}|${request.subject}|${round}`).digest("hex");
    const who = displayName(request.destination.to[0] ?? tutor);
    ctx.replyFrom?.(who);
    const status = await ctx.host().receive(raw, bare(request.replyTo[0] ?? ""), id);
    if (status >= 300) ctx.say?.(`La réponse ${ofName(who)} n'a pas pu être lue.`);
    replies++;
  }
  return replies;
}

async function executionOf(ctx: ScenarioContext): Promise<string> {
  const { control } = await readWorkflowControl(ctx.host().workbook(ctx.event));
  if (!control.execution) throw new Error("No execution was started for the event");
  return control.execution;
}

/** Waits (in real time, while simulated time runs) for the execution to end, across restarts. */
export async function executionEnd(ctx: ScenarioContext, id: string): Promise<ExecutionInfo> {
  for (;;) {
    const info = ctx.host().runner.status(id);
    if (info.state !== "ACTIVE") return info;
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** The immersion seminar, from « Affecter » to the feedback survey. */
export async function playSeminar(ctx: ScenarioContext, start: Date): Promise<ExecutionInfo> {
  const at = (offset: { days?: number; hours?: number }, hour?: number) => {
    let time = DateTime.fromJSDate(start, { zone: ctx.zone }).plus(offset);
    if (hour !== undefined) time = time.set({ hour, minute: 0, second: 0, millisecond: 0 });
    return time.toJSDate();
  };
  const answered = new Set<string>();
  await runAt(ctx.clock, start, () => organizerChooses(ctx, "Affecter"));
  const id = await executionOf(ctx);
  const steps: Promise<unknown>[] = [
    runAt(ctx.clock, at({ hours: 2 }), async () => {
      await organizerChooses(ctx, "Envoyer les convocations");
      await ctx.checkpoint?.("convocations");
    }),
    runAt(ctx.clock, at({ days: 1 }, 10), async () => {
      const count = await tutorsReply(ctx, 1, answered);
      ctx.say?.(`${count} tuteurs répondent par courriel.`);
    }),
    runAt(ctx.clock, at({ days: 1 }, 12), () => ctx.checkpoint?.("replies")),
    runAt(ctx.clock, at({ days: 2 }, 10), async () => {
      const count = await tutorsReply(ctx, 2, answered);
      if (count > 0)
        ctx.say?.(
          count >= 2
            ? `Les ${count} tuteurs sollicités après le désistement répondent.`
            : "Le tuteur sollicité après le désistement répond.",
        );
    }),
    runAt(ctx.clock, at({ days: 10 }, 8), () => ctx.checkpoint?.("reminders")),
  ];
  await Promise.all(steps);
  return executionEnd(ctx, id);
}

/** A lunch talk: registrations confirmed, two cancellations and the promotions they free. */
export async function playLunchTalk(ctx: ScenarioContext, start: Date): Promise<ExecutionInfo> {
  const day = (days: number, hour: number) =>
    DateTime.fromJSDate(start, { zone: ctx.zone })
      .plus({ days })
      .set({ hour, minute: 0, second: 0, millisecond: 0 })
      .toJSDate();
  await runAt(ctx.clock, start, () => organizerChooses(ctx, "Confirmer les inscriptions"));
  const id = await executionOf(ctx);
  await Promise.all([
    runAt(ctx.clock, day(0, 12), () => ctx.checkpoint?.("registrations")),
    runAt(ctx.clock, day(1, 14), async () => {
      const host = ctx.host();
      const { tab, rows } = await cancelRegistrations(host.workbook(ctx.event), 2);
      ctx.say?.(`${rows.length} inscrits se désistent.`);
      for (const row of rows) await host.edit(ctx.event, tab, { firstRow: row, firstColumn: 1 });
      await ctx.checkpoint?.("cancellations");
    }),
    runAt(ctx.clock, day(5, 8), () => ctx.checkpoint?.("reminders")),
  ]);
  return executionEnd(ctx, id);
}

/** Registrations cancelled by the organizer: the first `count` seated ones (`Statut: Inscrit`). */
export async function cancelRegistrations(
  workbook: Workbook,
  count: number,
): Promise<{ tab: string; rows: number[] }> {
  const snapshot = await workbook.read([TABS.registrations.name]);
  const table = parseTable<RegistrationRow>(TABS.registrations, snapshot.get(TABS.registrations.name));
  const column = table.columns.find((candidate) => candidate.key === "registration")?.index;
  const rows = table.rows
    .filter((row) => cellText(row.cells.status ?? null) === "Inscrit")
    .slice(0, count)
    .map((row) => row.row);
  if (column === undefined) return { tab: table.title, rows: [] };
  await workbook.write({ cells: rows.map((row) => ({ tab: table.title, row, column, value: "Annulée" })) });
  return { tab: table.title, rows };
}
