/**
 * Plays an example event end to end on one machine (functions on the functions framework, the
 * local workflow runner on a simulated clock, the local SES server, locally signed SNS), with or
 * without killing and restarting the host at the scenario's checkpoints.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateTime } from "luxon";
import { type JournalEntry, journalEntries } from "../../functions/core/journal.js";
import { TABS } from "../../functions/core/schemas.js";
import { LocalHost, type LocalHostOptions } from "../../functions/local/host.js";
import { playLunchTalk, playSeminar, type ScenarioContext } from "../../functions/local/scenario.js";
import { type StoredEmail, startLocalSes } from "../../functions/local/ses.js";
import type { TabValues } from "../../functions/ports.js";
import { SimulatedClock } from "../../workflows/runner/clock.js";
import type { ExecutionInfo } from "../../workflows/runner/runner.js";

const TEMPLATES = join(import.meta.dirname, "../../sheets-templates");
export const ZONE = "Europe/Paris";

export interface Played {
  readonly end: ExecutionInfo;
  readonly emails: StoredEmail[];
  readonly journal: JournalEntry[];
  readonly tabs: ReadonlyMap<string, TabValues>;
  readonly restarts: string[];
  readonly steps: { step: string; fields: Record<string, unknown> }[];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function play(
  kind: "seminar" | "lunch",
  options: { interrupt: boolean; onLog?: LocalHostOptions["onLog"] },
): Promise<Played> {
  const dir = mkdtempSync(join(tmpdir(), "passerelle-e2e-"));
  const event = kind === "seminar" ? "seminaire-exemple" : "rencontre-exemple";
  copyFileSync(
    join(TEMPLATES, kind === "seminar" ? "seminaire.xlsx" : "rencontre.xlsx"),
    join(dir, `${event}.xlsx`),
  );
  const start = DateTime.fromISO(kind === "seminar" ? "2027-02-15T09:00" : "2027-04-01T09:00", {
    zone: ZONE,
  }).toJSDate();
  const clock = new SimulatedClock(start);
  const ses = await startLocalSes();
  // The server's store is shared by the servers of one process: start from an empty one.
  await ses.clear();
  const steps: Played["steps"] = [];
  const hostOptions: LocalHostOptions = {
    dir,
    clock,
    sesEndpoint: ses.endpoint,
    sendRate: 500,
    ports: {
      runner: await freePort(),
      sheetEdit: await freePort(),
      workflowStep: await freePort(),
      inboundMail: await freePort(),
    },
    onLog: (level, name, fields) => {
      options.onLog?.(level, name, fields);
      if (name === "workflow-step.done") steps.push({ step: String(fields.step), fields });
    },
  };
  let host = await LocalHost.start(hostOptions);
  const restarts: string[] = [];
  const context: ScenarioContext = {
    host: () => host,
    clock,
    ses,
    event,
    zone: ZONE,
    checkpoint: async (name) => {
      if (!options.interrupt) return;
      // Mid-way through sending the convocations: the step in flight is cut off.
      if (name === "convocations") await new Promise((done) => setTimeout(done, 150));
      await host.stop();
      host = await LocalHost.start(hostOptions);
      host.runner.resumeAll();
      restarts.push(name);
    },
  };
  try {
    const end = kind === "seminar" ? await playSeminar(context, start) : await playLunchTalk(context, start);
    // Let any step cut off by a restart finish before reading the results.
    await new Promise((done) => setTimeout(done, 200));
    const tabs = await host.workbook(event).read(Object.values(TABS).map((tab) => tab.name));
    return {
      end,
      emails: await ses.emails(),
      journal: journalEntries(tabs.get(TABS.journal.name)),
      tabs,
      restarts,
      steps,
    };
  } finally {
    await host.stop();
    await ses.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The keys of the messages recorded as sent, with how many times each. */
export function sentKeys(journal: readonly JournalEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of journal)
    if (entry.event === "Message envoyé") counts.set(entry.key, (counts.get(entry.key) ?? 0) + 1);
  return counts;
}

/** A tab's rows as text, for comparing two runs. */
export function rowsOf(tab: TabValues | undefined): string[][] {
  return (tab?.rows ?? []).map((row) => row.map((cell) => (cell === null ? "" : String(cell))));
}
