/**
 * The example cycle of lunch talks played on one machine in simulated time: the organizer checks
 * the cycle, then after each talk records the absences from the signed sheets (`Présent: Non`);
 * every save is checked as a Google Sheets edit is, and each talk's `Statut` shows its seats, its
 * waiting list ranked for fair access and its décloisonnement figures, the `Cycle`'s `Statut` how
 * many managers came. The speakers' messages leave through the workflow's sending step (called as
 * the workflow calls it): the invitations at once, exactly once; one speaker confirms by replying,
 * the other declines, and the organizer is alerted at once; a week before each talk the reminder
 * (or the alert that nobody confirmed), the day before the list of the registered.
 */
import { createHash } from "node:crypto";
import { DateTime } from "luxon";
import { runAt } from "../../workflows/runner/clock.js";
import { cellText } from "../core/cells.js";
import {
  CYCLE_TABS_SPEC,
  type CycleRegistrationRow,
  type CycleSettings,
  type SpeakerRow,
  type TalkRow,
} from "../core/cycle-schemas.js";
import { parseSettings, parseTable } from "../core/table.js";
import type { Workbook } from "../ports.js";
import { composeReply, type ScenarioContext } from "./scenario.js";

/** What the played cycle ended with: each talk's `Statut` and the cycle's, each speaker's answer. */
export interface CycleEnd {
  readonly talks: readonly { readonly name: string; readonly status: string }[];
  readonly cycleStatus: string;
  readonly speakers: readonly { readonly email: string; readonly confirmation: string }[];
}

/** Runs the workflow's sending step for the cycle, as Cloud Workflows calls it; answers how many left. */
async function sendStep(ctx: ScenarioContext): Promise<number> {
  const response = await fetch(ctx.host().url("workflowStep"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ step: "send-reminders", event: ctx.event }),
  });
  if (!response.ok) throw new Error(`The sending step answered ${response.status}`);
  const answer = (await response.json()) as { sent?: number };
  return answer.sent ?? 0;
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

/** Plays the example cycle from `start`; the clock runs until the day after the last talk. */
export async function playCycle(ctx: ScenarioContext, start: Date): Promise<CycleEnd> {
  const host = () => ctx.host();
  const workbook = () => host().workbook(ctx.event);
  const tell = async () => {
    for (const talk of await talksOf(workbook())) {
      ctx.say?.(`  « ${talk.name} »`);
      for (const line of talk.status.split("\n")) ctx.say?.(`    ${line}`);
    }
  };
  await runAt(ctx.clock, start, async () => {
    const { tab, row } = await chooseCycleAction(workbook(), "Vérifier");
    ctx.say?.("L'organisateur choisit « Vérifier » dans l'onglet Cycle.");
    await host().edit(ctx.event, tab, { firstRow: row, firstColumn: 2 });
    await tell();
    const sent = await sendStep(ctx);
    ctx.say?.(`Étape d'envoi : ${sent} invitation(s) aux intervenants.`);
    ctx.say?.(`Étape d'envoi rejouée : ${await sendStep(ctx)} message de plus.`);
  });
  await runAt(ctx.clock, new Date(start.getTime() + 2 * 3_600_000), async () => {
    await speakersReply(ctx);
  });
  const talks = await talksOf(workbook());
  // After each talk but the last, the first two seated were absent (the example's first two managers, twice).
  for (const [index, talk] of talks.entries()) {
    const day = DateTime.fromISO(talk.date, { zone: ctx.zone });
    for (const at of [
      day.minus({ days: 7 }).set({ hour: 12, minute: 30 }),
      day.minus({ days: 1 }).set({ hour: 9, minute: 5 }),
    ])
      await runAt(ctx.clock, at.toJSDate(), async () => {
        const sent = await sendStep(ctx);
        ctx.say?.(
          `« ${talk.name} », ${at.setLocale("fr").toFormat("d LLLL")} : ${sent} message(s) aux intervenants ou à l'organisateur.`,
        );
      });
    const after = DateTime.fromISO(talk.date, { zone: ctx.zone })
      .plus({ days: 1 })
      .set({ hour: 9 })
      .toJSDate();
    await runAt(ctx.clock, after, async () => {
      if (index < talks.length - 1) {
        const rows = await markAbsent(workbook(), talk.name, 2);
        ctx.say?.(
          `« ${talk.name} » a eu lieu : ${rows.length} absents reportés depuis la feuille d'émargement.`,
        );
        for (const row of rows)
          await host().edit(ctx.event, CYCLE_TABS_SPEC.registrations.name, { firstRow: row, lastRow: row });
      } else {
        ctx.say?.(`« ${talk.name} » a eu lieu : dernière rencontre du cycle.`);
        await host().edit(ctx.event, CYCLE_TABS_SPEC.cycle.name, {});
      }
      await tell();
    });
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
