/**
 * What the spreadsheet says about an event's workflow, and how an edit moves it.
 *
 * The state lives in the workbook, so every function stays stateless: the organizer's `Action`
 * (`Séminaire`, `Rencontre` or `Cycle`), and sealed ledger entries keyed `workflow:…`: the execution started
 * for the event, the go once seen, the execution stopping on problems, and the callback URL the
 * workflow waits on for each purpose (the last entry of a purpose wins). Only sealed entries count:
 * a URL typed into the Journal by hand is never signalled.
 *
 * Starting an execution is claimed first (`workflow:start:<n>`, first claim wins): of two edits
 * choosing the action at once, one starts the execution, the other signals it (or, if it is not yet
 * recorded, leaves it to the winner, which acts on the same action).
 */
import { randomUUID } from "node:crypto";
import { CYCLE_TABS_SPEC, type CycleSettings } from "../core/cycle/cycle-schemas.js";
import { REVERSE_TABS } from "../core/inversee/schemas.js";
import { type JournalLine, journalAppend, readLedger } from "../core/ledger/journal.js";
import { journalState } from "../core/ledger/state.js";
import type { MessageKind } from "../core/messages/plan.js";
import {
  CONFIRM_ACTION,
  eventZone,
  GO_ACTION,
  MATCH_ACTION,
  SUSPEND_ACTION,
} from "../core/settings/event-settings.js";
import { normalizeKey } from "../core/sheet/cells.js";
import { type LunchSettings, type SeminarSettings, TABS } from "../core/sheet/schemas.js";
import { parseSettings } from "../core/sheet/table.js";
import { plural } from "../core/text/french.js";
import type { Clock, EventWorkbook, Mailer, Workbook, WorkbookSnapshot, WorkflowStarter } from "../ports.js";
import type { WorkbookKind } from "./check-workbook.js";
import { matchWorkbook, type Solver } from "./match-workbook.js";
import { type SendOptions, sendDueMessages } from "./send-messages.js";
import { sendKept } from "./workbook-session.js";

export const CALLBACK_PURPOSES = ["go", "replies", "registrations", "resume", "changes"] as const;
export type CallbackPurpose = (typeof CALLBACK_PURPOSES)[number];

export const WORKFLOW_KEYS = {
  execution: "workflow:execution",
  start: "workflow:start:",
  stopped: "workflow:stopped",
  go: "workflow:go",
  callback: "workflow:callback:",
} as const;

/** How long an edit holds the start of an execution it claimed (ms). */
const START_LEASE_MS = 2 * 60_000;

/** What the Journal's first column says for each, as organizers read it. */
const JOURNAL_LABELS = {
  execution: "Déroulé automatique démarré",
  stopped: "Déroulé automatique arrêté",
  go: "Feu vert pour les envois",
  callback: "Déroulé automatique en attente",
} as const;

const WAITING_FOR: Readonly<Record<CallbackPurpose, string>> = {
  go: "votre feu vert (Action : Envoyer les convocations)",
  replies: "les réponses des tuteurs",
  registrations: "les inscriptions",
  resume: "la reprise des envois (choisissez à nouveau l'action d'envoi)",
  changes: "les prochains envois ou une modification des intervenants et des rencontres",
};

export const CONTROL_TABS = [
  TABS.seminar.name,
  TABS.lunch.name,
  CYCLE_TABS_SPEC.cycle.name,
  TABS.journal.name,
] as const;

/** The actions that start the workflow of an event, or wake it when it runs. */
const STARTING_ACTIONS: Readonly<Record<WorkbookKind, readonly string[]>> = {
  seminar: [MATCH_ACTION, GO_ACTION],
  lunch: [CONFIRM_ACTION],
  // A cycle: the `Action` of its `Cycle` tab starts the workflow that sends its speakers' messages.
  cycle: [CONFIRM_ACTION],
};

export interface WorkflowControl {
  readonly kind: WorkbookKind | "unknown";
  readonly zone: string;
  readonly action: string | undefined;
  /** The row of the `Action` line in the parameters tab. */
  readonly actionRow: number | undefined;
  /** Seminar: the organizer has given the go to send, now or before (a lunch talk or a cycle needs none). */
  readonly go: boolean;
  /** Whether the go is already in the Journal. */
  readonly goRecorded: boolean;
  /** `Action: Suspendre`: nothing is sent until another action is chosen. */
  readonly suspended: boolean;
  /** The last execution started for the event. */
  readonly execution: string | undefined;
  /** How many executions were started (the next start's claim is `workflow:start:<starts + 1>`). */
  readonly starts: number;
  /** An execution was started and has not stopped on problems since. */
  readonly running: boolean;
  readonly callbacks: ReadonlyMap<CallbackPurpose, string>;
}

export function readControl(snapshot: WorkbookSnapshot): WorkflowControl {
  const seminarTab = snapshot.get(TABS.seminar.name);
  const kind: WorkbookKind | "unknown" = seminarTab
    ? "seminar"
    : snapshot.has(TABS.lunch.name)
      ? "lunch"
      : snapshot.has(CYCLE_TABS_SPEC.cycle.name)
        ? "cycle"
        : "unknown";
  const parsed =
    kind === "seminar"
      ? parseSettings<SeminarSettings>(TABS.seminar, seminarTab)
      : kind === "cycle"
        ? parseSettings<CycleSettings>(CYCLE_TABS_SPEC.cycle, snapshot.get(CYCLE_TABS_SPEC.cycle.name))
        : parseSettings<LunchSettings>(TABS.lunch, snapshot.get(TABS.lunch.name));
  const settings = parsed.partial;
  const action = settings.action ?? undefined;
  let execution: string | undefined;
  let running = false;
  let goRecorded = false;
  let starts = 0;
  const callbacks = new Map<CallbackPurpose, string>();
  for (const { data } of readLedger(snapshot.get(TABS.journal.name)).entries) {
    if (data.kind === "execution") {
      execution = data.executionId;
      running = true;
      starts++;
    } else if (data.kind === "stopped") {
      running = false;
    } else if (data.kind === "go") {
      goRecorded = true;
    } else if (data.kind === "callback") {
      const purpose = data.purpose as CallbackPurpose;
      if (CALLBACK_PURPOSES.includes(purpose)) callbacks.set(purpose, data.url);
    }
  }
  const goNow = kind === "seminar" && action === GO_ACTION;
  return {
    kind,
    zone: eventZone(settings),
    action,
    actionRow: parsed.lines.get("action")?.row,
    go: kind === "lunch" || kind === "cycle" || goNow || goRecorded,
    goRecorded,
    suspended: action === SUSPEND_ACTION,
    execution,
    starts,
    running,
    callbacks,
  };
}

export async function readWorkflowControl(
  workbook: Workbook,
): Promise<{ snapshot: WorkbookSnapshot; control: WorkflowControl }> {
  const snapshot = await workbook.read(CONTROL_TABS);
  return { snapshot, control: readControl(snapshot) };
}

export async function appendJournal(
  workbook: Workbook,
  snapshot: WorkbookSnapshot,
  now: Date,
  zone: string,
  lines: readonly JournalLine[],
): Promise<void> {
  if (lines.length === 0) return;
  await workbook.write(journalAppend(snapshot.get(TABS.journal.name), now, zone, lines));
}

export const controlLines = {
  execution: (id: string): JournalLine => ({
    event: JOURNAL_LABELS.execution,
    key: WORKFLOW_KEYS.execution,
    data: { kind: "execution", executionId: id },
  }),
  stopped: (problems: number): JournalLine => ({
    event: JOURNAL_LABELS.stopped,
    detail: `${plural(problems, "problème")} à corriger (voir les Statuts) ; choisissez à nouveau l'action pour reprendre.`,
    key: WORKFLOW_KEYS.stopped,
    data: { kind: "stopped", problems },
  }),
  go: (): JournalLine => ({ event: JOURNAL_LABELS.go, key: WORKFLOW_KEYS.go, data: { kind: "go" } }),
  callback: (purpose: CallbackPurpose, url: string): JournalLine => ({
    event: JOURNAL_LABELS.callback,
    detail: `attend ${WAITING_FOR[purpose]}`,
    key: `${WORKFLOW_KEYS.callback}${purpose}`,
    data: { kind: "callback", purpose, url },
  }),
  startClaim: (starts: number, run: string): JournalLine => ({
    event: "Démarrage du déroulé automatique",
    key: `${WORKFLOW_KEYS.start}${starts + 1}`,
    data: { kind: "claim", run, leaseMs: START_LEASE_MS },
  }),
};

/**
 * Wakes the event's execution where it waits on one of these purposes (`control.callbacks`, read
 * from the Journal); answers how many callbacks were posted. What this request wrote is sent
 * first: the woken workflow reads the spreadsheet. A callback of an execution that ended (404) is
 * skipped: nobody waits on it any more, and the workflow reads the state again at its next step.
 */
export async function signalWorkflow(
  starter: WorkflowStarter,
  workbook: Workbook,
  control: WorkflowControl,
  purposes: readonly CallbackPurpose[],
  payload: Readonly<Record<string, unknown>>,
): Promise<number> {
  if (purposes.some((purpose) => control.callbacks.has(purpose))) await sendKept(workbook);
  let signalled = 0;
  for (const purpose of purposes) {
    const url = control.callbacks.get(purpose);
    if (!url) continue;
    try {
      await starter.signal(url, payload);
      signalled++;
    } catch {
      // Ended: see above.
    }
  }
  return signalled;
}

/**
 * Starts the event's next execution unless a concurrent edit claimed that start first: answers
 * the execution id when this call started it, `null` when another did.
 */
async function claimAndStart(
  deps: Pick<EditFollowUpDeps, "starter" | "stepUrl">,
  workbook: Workbook,
  snapshot: WorkbookSnapshot,
  control: WorkflowControl,
  input: { readonly event: string; readonly kind: WorkbookKind; readonly now: Date },
): Promise<string | null> {
  const run = randomUUID().replace(/-/g, "").slice(0, 12);
  const claim = controlLines.startClaim(control.starts, run);
  await appendJournal(workbook, snapshot, input.now, control.zone, [claim]);
  const back = await workbook.read([TABS.journal.name], { fresh: true });
  const state = journalState(readLedger(back.get(TABS.journal.name)), input.now);
  if (state.claims.get(claim.key)?.run !== run) return null;
  // The claim's read-back sent every write kept so far: the new execution reads them.
  const { executionId } = await deps.starter.start({
    event: input.event,
    kind: input.kind,
    args: { event: input.event, stepUrl: deps.stepUrl },
  });
  await appendJournal(workbook, back, input.now, control.zone, [controlLines.execution(executionId)]);
  return executionId;
}

export interface EditFollowUpDeps {
  readonly starter: WorkflowStarter;
  /** The `workflowStep` URL given to each execution. */
  readonly stepUrl: string;
  readonly solver: Solver;
  readonly mailer: Mailer;
  readonly clock: Clock;
  readonly send: Omit<SendOptions, "event" | "kinds">;
}

export interface EditFollowUp {
  readonly started?: string;
  readonly signalled: number;
  readonly rematched?: boolean;
  readonly sent?: number;
}

const tabIs = (tab: string, name: string) => normalizeKey(tab) === normalizeKey(name);

/**
 * What an edit sets in motion once it is checked: an action starts the event's execution (one per
 * event) or wakes the running one; a registration change wakes a lunch talk's allocation; a
 * placement or timetable change after the go sends the change notices at once; a change of a
 * cycle's speakers, talks or registrations wakes its workflow.
 */
export async function followEdit(
  deps: EditFollowUpDeps,
  input: {
    readonly event: string;
    readonly tab: string;
    /** The edited rows; an edit of the parameters tab is an action only when it covers `Action`. */
    readonly rows?: { readonly first: number; readonly last: number };
    readonly workbook: EventWorkbook;
    readonly now: Date;
  },
): Promise<EditFollowUp> {
  const { event, tab, workbook, now, rows } = input;
  const { snapshot, control } = await readWorkflowControl(workbook);
  if (control.kind === "unknown") return { signalled: 0 };
  const kind = control.kind;
  const signal = (purposes: readonly CallbackPurpose[]) =>
    signalWorkflow(deps.starter, workbook, control, purposes, { tab, at: now.toISOString() });

  const reverse = tabIs(tab, REVERSE_TABS.settings.name); // a reverse immersion's parameters tab
  const cycle = tabIs(tab, CYCLE_TABS_SPEC.cycle.name);
  if (tabIs(tab, TABS.seminar.name) || tabIs(tab, TABS.lunch.name) || reverse || cycle) {
    if (!control.action || !STARTING_ACTIONS[kind].includes(control.action)) return { signalled: 0 };
    // Another parameter was edited (a title, a date): the action chosen earlier is not chosen again.
    const row = control.actionRow;
    if (rows && row !== undefined && (row < rows.first || row > rows.last)) return { signalled: 0 };
    if (!control.running) {
      const started = await claimAndStart(deps, workbook, snapshot, control, { event, kind, now });
      // Lost to a concurrent edit: its execution acts on the same action.
      return started ? { started, signalled: 0 } : { signalled: 0 };
    }
    // A new « Affecter » before the go: the organizer changed the sheet and wants a new placement.
    if (kind === "seminar" && control.action === MATCH_ACTION && !control.go) {
      await matchWorkbook(workbook, now, deps.solver);
      return { signalled: 0, rematched: true };
    }
    const signalled = await signal(["go", "resume", "registrations"]);
    if (signalled === 0 && control.callbacks.size > 0) {
      // Every callback answered that nobody waits on it: the execution ended (completed, or failed
      // on an error). A new one picks up where the Journal says things are; sending is exactly once.
      const started = await claimAndStart(deps, workbook, snapshot, control, { event, kind, now });
      return started ? { started, signalled: 0 } : { signalled: 0 };
    }
    return { signalled };
  }
  if (!control.running) return { signalled: 0 };
  if (kind === "lunch" && tabIs(tab, TABS.registrations.name))
    return { signalled: await signal(["registrations"]) };
  // A cycle's speaker, talk or registration added or changed: its messages are planned again at
  // once, not at the next wake-up (a new speaker's invitation, a newcomer's seat confirmation or
  // the seat a cancellation frees leave now).
  if (
    kind === "cycle" &&
    (tabIs(tab, CYCLE_TABS_SPEC.speakers.name) ||
      tabIs(tab, CYCLE_TABS_SPEC.talks.name) ||
      tabIs(tab, CYCLE_TABS_SPEC.registrations.name))
  )
    return { signalled: await signal(["changes"]) };
  const changes =
    tabIs(tab, TABS.placements.name) ||
    tabIs(tab, TABS.programme.name) ||
    tabIs(tab, TABS.tutors.name) ||
    tabIs(tab, REVERSE_TABS.hosts.name) ||
    tabIs(tab, TABS.participants.name);
  if (kind === "seminar" && changes && control.go && !control.suspended) {
    const kinds: MessageKind[] = ["changement", "annulation", "demande-tuteur", "alerte"];
    const report = await sendDueMessages(workbook, deps.mailer, deps.clock, { ...deps.send, event, kinds });
    return { signalled: 0, sent: report.sent };
  }
  return { signalled: 0 };
}
