/**
 * What the spreadsheet says about an event's workflow, and how an edit moves it.
 *
 * The state lives in the workbook, so every function stays stateless: the organizer's `Action`
 * (`Séminaire` or `Rencontre`), and Journal lines keyed `workflow:…`: the execution started for
 * the event, the go once seen, the execution stopping on problems, and the callback URL the
 * workflow waits on for each purpose (the last line of a purpose wins).
 */
import { normalizeKey } from "../core/cells.js";
import { journalAppend, journalEntries } from "../core/journal.js";
import type { MessageKind } from "../core/messages/plan.js";
import { type LunchSettings, type SeminarSettings, TABS } from "../core/schemas.js";
import { parseSettings } from "../core/table.js";
import type { Clock, Mailer, Workbook, WorkbookSnapshot, WorkflowStarter } from "../ports.js";
import type { EventKind } from "./check-workbook.js";
import { matchWorkbook, type Solver } from "./match-workbook.js";
import { type SendOptions, sendDueMessages } from "./send-messages.js";

export const CALLBACK_PURPOSES = ["go", "replies", "registrations", "resume"] as const;
export type CallbackPurpose = (typeof CALLBACK_PURPOSES)[number];

export const WORKFLOW_KEYS = {
  execution: "workflow:execution:",
  stopped: "workflow:stopped",
  go: "workflow:go",
  callback: "workflow:callback:",
} as const;

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
};

export const CONTROL_TABS = [TABS.seminar.name, TABS.lunch.name, TABS.journal.name] as const;

/** The actions that start the workflow of an event, or wake it when it runs. */
const STARTING_ACTIONS: Readonly<Record<EventKind, readonly string[]>> = {
  seminar: ["Affecter", "Envoyer les convocations"],
  lunch: ["Confirmer les inscriptions"],
};
const GO_ACTION = "Envoyer les convocations";
const SUSPEND_ACTION = "Suspendre";

export interface WorkflowControl {
  readonly kind: EventKind | "unknown";
  readonly zone: string;
  readonly action: string | undefined;
  /** The row of the `Action` line in the parameters tab. */
  readonly actionRow: number | undefined;
  /** Seminar: the organizer has given the go to send, now or before (a lunch talk needs none). */
  readonly go: boolean;
  /** Whether the go is already in the Journal. */
  readonly goRecorded: boolean;
  /** `Action: Suspendre`: nothing is sent until another action is chosen. */
  readonly suspended: boolean;
  /** The last execution started for the event. */
  readonly execution: string | undefined;
  /** An execution was started and has not stopped on problems since. */
  readonly running: boolean;
  readonly callbacks: ReadonlyMap<CallbackPurpose, string>;
}

export function readControl(snapshot: WorkbookSnapshot): WorkflowControl {
  const seminarTab = snapshot.get(TABS.seminar.name);
  const kind: EventKind | "unknown" = seminarTab
    ? "seminar"
    : snapshot.has(TABS.lunch.name)
      ? "lunch"
      : "unknown";
  const parsed =
    kind === "seminar"
      ? parseSettings<SeminarSettings>(TABS.seminar, seminarTab)
      : parseSettings<LunchSettings>(TABS.lunch, snapshot.get(TABS.lunch.name));
  const settings = parsed.partial;
  const action = settings.action ?? undefined;
  let execution: string | undefined;
  let running = false;
  let goRecorded = false;
  const callbacks = new Map<CallbackPurpose, string>();
  for (const entry of journalEntries(snapshot.get(TABS.journal.name))) {
    const key = entry.key;
    if (key.startsWith(WORKFLOW_KEYS.execution)) {
      execution = key.slice(WORKFLOW_KEYS.execution.length);
      running = true;
    } else if (key === WORKFLOW_KEYS.stopped) {
      running = false;
    } else if (key === WORKFLOW_KEYS.go) {
      goRecorded = true;
    } else if (key.startsWith(WORKFLOW_KEYS.callback)) {
      const purpose = key.slice(WORKFLOW_KEYS.callback.length) as CallbackPurpose;
      if (CALLBACK_PURPOSES.includes(purpose) && /^https?:\/\//.test(entry.detail))
        callbacks.set(purpose, entry.detail.split(/\s/)[0] ?? entry.detail);
    }
  }
  const goNow = kind === "seminar" && action === GO_ACTION;
  return {
    kind,
    zone: settings.timeZone ?? "Europe/Paris",
    action,
    actionRow: parsed.lines.get("action")?.row,
    go: kind === "lunch" || goNow || goRecorded,
    goRecorded,
    suspended: action === SUSPEND_ACTION,
    execution,
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

type JournalLine = { event: string; recipient?: string; detail?: string; key?: string };

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
    detail: id,
    key: `${WORKFLOW_KEYS.execution}${id}`,
  }),
  stopped: (problems: number): JournalLine => ({
    event: JOURNAL_LABELS.stopped,
    detail: `${problems} problème${problems > 1 ? "s" : ""} à corriger (voir les Statuts) ; choisissez à nouveau l'action pour reprendre.`,
    key: WORKFLOW_KEYS.stopped,
  }),
  go: (): JournalLine => ({ event: JOURNAL_LABELS.go, key: WORKFLOW_KEYS.go }),
  callback: (purpose: CallbackPurpose, url: string): JournalLine => ({
    event: JOURNAL_LABELS.callback,
    detail: `${url} (attend ${WAITING_FOR[purpose]})`,
    key: `${WORKFLOW_KEYS.callback}${purpose}`,
  }),
};

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
 * placement or timetable change after the go sends the change notices at once.
 */
export async function followEdit(
  deps: EditFollowUpDeps,
  input: {
    readonly event: string;
    readonly tab: string;
    /** The edited rows; an edit of the parameters tab is an action only when it covers `Action`. */
    readonly rows?: { readonly first: number; readonly last: number };
    readonly workbook: Workbook;
    readonly now: Date;
  },
): Promise<EditFollowUp> {
  const { event, tab, workbook, now, rows } = input;
  const { snapshot, control } = await readWorkflowControl(workbook);
  if (control.kind === "unknown") return { signalled: 0 };
  const kind = control.kind;
  const signal = async (purposes: readonly CallbackPurpose[]) => {
    let signalled = 0;
    for (const purpose of purposes) {
      const url = control.callbacks.get(purpose);
      if (!url) continue;
      try {
        await deps.starter.signal(url, { tab, at: now.toISOString() });
        signalled++;
      } catch {
        // A callback of an execution that ended answers 404: nobody waits on it any more.
      }
    }
    return signalled;
  };

  if (tabIs(tab, TABS.seminar.name) || tabIs(tab, TABS.lunch.name)) {
    if (!control.action || !STARTING_ACTIONS[kind].includes(control.action)) return { signalled: 0 };
    // Another parameter was edited (a title, a date): the action chosen earlier is not chosen again.
    const row = control.actionRow;
    if (rows && row !== undefined && (row < rows.first || row > rows.last)) return { signalled: 0 };
    if (!control.running) {
      const { executionId } = await deps.starter.start({
        event,
        kind,
        args: { event, stepUrl: deps.stepUrl },
      });
      await appendJournal(workbook, snapshot, now, control.zone, [controlLines.execution(executionId)]);
      return { started: executionId, signalled: 0 };
    }
    // A new « Affecter » before the go: the organizer changed the sheet and wants a new placement.
    if (kind === "seminar" && control.action === "Affecter" && !control.go) {
      await matchWorkbook(workbook, now, deps.solver);
      return { signalled: 0, rematched: true };
    }
    const signalled = await signal(["go", "resume", "registrations"]);
    if (signalled === 0 && control.callbacks.size > 0) {
      // Every callback answered that nobody waits on it: the execution ended (completed, or failed
      // on an error). A new one picks up where the Journal says things are; sending is exactly once.
      const { executionId } = await deps.starter.start({
        event,
        kind,
        args: { event, stepUrl: deps.stepUrl },
      });
      await appendJournal(workbook, snapshot, now, control.zone, [controlLines.execution(executionId)]);
      return { started: executionId, signalled: 0 };
    }
    return { signalled };
  }
  if (!control.running) return { signalled: 0 };
  if (kind === "lunch" && tabIs(tab, TABS.registrations.name))
    return { signalled: await signal(["registrations"]) };
  const changes =
    tabIs(tab, TABS.placements.name) ||
    tabIs(tab, TABS.programme.name) ||
    tabIs(tab, TABS.tutors.name) ||
    tabIs(tab, TABS.participants.name);
  if (kind === "seminar" && changes && control.go && !control.suspended) {
    const kinds: MessageKind[] = ["changement", "annulation", "demande-tuteur", "alerte"];
    const report = await sendDueMessages(workbook, deps.mailer, deps.clock, { ...deps.send, event, kinds });
    return { signalled: 0, sent: report.sent };
  }
  return { signalled: 0 };
}
