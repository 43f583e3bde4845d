/**
 * Plays an example event end to end on one machine (functions on the functions framework, the
 * local workflow runner on a simulated clock, the local SES server, locally signed SNS), with or
 * without killing and restarting the host at the scenario's checkpoints.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateTime } from "luxon";
import { XlsxWorkbook } from "../../functions/adapters/xlsx-workbook.js";
import type { LedgerEntry } from "../../functions/core/ledger/entry.js";
import { readLedger } from "../../functions/core/ledger/journal.js";
import { ledgerKeys } from "../../functions/core/ledger/keys.js";
import { TABS } from "../../functions/core/sheet/schemas.js";
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
  readonly journal: readonly LedgerEntry[];
  /** The address a recipient id of a key stands for (every address the workbook names). */
  readonly emailOf: (id: string) => string;
  readonly tabs: ReadonlyMap<string, TabValues>;
  readonly restarts: string[];
  readonly steps: { step: string; fields: Record<string, unknown> }[];
  /** The tabs as the file holds them (a reverse immersion's own tabs, not the seminar's view of them). */
  readonly file: ReadonlyMap<string, TabValues>;
}

/** Another example played by the seminar's script: its workbook, its event id and its first day. */
export interface Example {
  readonly template: string;
  readonly event: string;
  readonly start: string;
  readonly tabs: readonly string[];
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
  options: { interrupt: boolean; onLog?: LocalHostOptions["onLog"]; example?: Example },
): Promise<Played> {
  const dir = mkdtempSync(join(tmpdir(), "passerelle-e2e-"));
  const example = options.example;
  const event = example?.event ?? (kind === "seminar" ? "seminaire-exemple" : "rencontre-exemple");
  copyFileSync(
    join(TEMPLATES, example?.template ?? (kind === "seminar" ? "seminaire.xlsx" : "rencontre.xlsx")),
    join(dir, `${event}.xlsx`),
  );
  const start = DateTime.fromISO(
    example?.start ?? (kind === "seminar" ? "2027-02-15T09:00" : "2027-04-01T09:00"),
    {
      zone: ZONE,
    },
  ).toJSDate();
  const clock = new SimulatedClock(start);
  const ses = await startLocalSes();
  // The server's store is shared by the servers of one process: start from an empty one.
  await ses.clear();
  const steps: Played["steps"] = [];
  const hostOptions: LocalHostOptions = {
    dir,
    clock,
    sesEndpoint: ses.endpoint,
    deliveries: ses.deliveries,
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
    const secrets = JSON.parse(readFileSync(join(dir, "secrets.json"), "utf8")) as { reply: string };
    const keys = ledgerKeys(secrets.reply, event);
    const addresses = new Map<string, string>();
    for (const tab of tabs.values())
      for (const row of tab.rows)
        for (const cell of row)
          if (typeof cell === "string" && /^[^\s@]+@[^\s@]+$/.test(cell.trim()))
            addresses.set(keys.recipientId(cell), cell.trim().toLowerCase());
    return {
      emailOf: (id) => addresses.get(id) ?? id,
      end,
      emails: await ses.emails(),
      journal: readLedger(tabs.get(TABS.journal.name)).entries,
      tabs,
      restarts,
      steps,
      file: await new XlsxWorkbook(join(dir, `${event}.xlsx`)).read(example?.tabs ?? []),
    };
  } finally {
    await host.stop();
    await ses.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The keys of the messages recorded as sent, with how many times each. */
export function sentKeys(journal: readonly LedgerEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { key, data } of journal)
    if (data.kind === "sent" || (data.kind === "reconciled" && data.outcome === "sent"))
      counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/**
 * The keys of the messages sent, each recipient id replaced by the address it stands for (two runs
 * have two secrets, hence two ids for one person), with how many times each was sent.
 */
export function readableKeys(played: Played): Map<string, number> {
  const readable = new Map<string, number>();
  for (const [key, count] of sentKeys(played.journal)) {
    const parts = key.split(":");
    if (parts[0] === "message" && parts.length >= 5) parts[2] = played.emailOf(parts[2] ?? "");
    // An alert's version digests keys, whose ids differ between two runs: its kind is what counts.
    if (parts.at(-2) === "alerte")
      parts[parts.length - 1] = (parts.at(-1) ?? "").replace(/-[0-9a-f]{12}$/, "");
    const name = parts.join(":");
    readable.set(name, (readable.get(name) ?? 0) + count);
  }
  return readable;
}

/** A tab's rows as text, for comparing two runs. */
export function rowsOf(tab: TabValues | undefined): string[][] {
  return (tab?.rows ?? []).map((row) => row.map((cell) => (cell === null ? "" : String(cell))));
}
