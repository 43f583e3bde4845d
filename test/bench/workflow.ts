/**
 * Workflow benchmark: the whole seminar played in simulated time on one machine (the functions on
 * the functions framework, the local runner, the local SES server), with the spreadsheet behind
 * the Google Sheets adapter on the fake Sheets server, for 30 and 1,000 participants. Prints the
 * wall time, the Sheets requests of each step per call (they must not grow with the number of
 * participants), and the workflow steps an execution is billed for.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateTime } from "luxon";
import { GoogleSheetsWorkbook, SheetTitleCache } from "../../functions/adapters/google-sheets-workbook.js";
import { sharedSolver } from "../../functions/adapters/highs-solver.js";
import { LocalHost, requestContext } from "../../functions/local/host.js";
import { playLunchTalk, playSeminar } from "../../functions/local/scenario.js";
import type { Workbook, WorkbookChanges } from "../../functions/ports.js";
import * as example from "../../sheets-templates/example-data.js";
import { SimulatedClock } from "../../workflows/runner/clock.js";
import { lunchSnapshot, seminarSnapshot } from "../support/workbooks.js";
import { startStandIns } from "./stand-ins.js";

type Row = Record<string, string | number | boolean | null>;
const ZONE = "Europe/Paris";

/** The example seminar grown to `count` participants: its host structures and tutors repeated. */
function scaledSeminar(count: number) {
  const sites = Math.max(1, Math.ceil(count / 26));
  const structures: Row[] = [];
  const tutors: Row[] = [];
  for (let site = 0; site < sites; site++) {
    const suffix = site === 0 ? "" : ` — site ${site + 1}`;
    for (const structure of example.structures)
      structures.push({ ...structure, Structure: `${structure.Structure}${suffix}` });
    for (const tutor of example.tutors.slice(0, 11))
      tutors.push({
        ...tutor,
        Structure: `${tutor.Structure}${suffix}`,
        Email: String(tutor.Email).replace("@", site === 0 ? "@" : `.${site + 1}@`),
      });
  }
  const valid = example.participants.filter(
    (_, index) => !example.EXAMPLE_MISTAKES.some((m) => m.tab === "Participants" && m.row === index + 2),
  );
  const participants: Row[] = Array.from({ length: count }, (_, index) => {
    const person = valid[index % valid.length] ?? {};
    return { ...person, Email: `participant${index + 1}@administration.example.org` };
  });
  return seminarSnapshot({ structures, tutors, participants });
}

/** What one request did to the spreadsheet: reads (claim read-backs apart) and writes. */
interface RequestCount {
  /** When its first read or write was made (`performance.now()`). */
  startedAt?: number;
  reads: number;
  readBacks: number;
  writes: number;
}

/**
 * Counts each read and write (one Sheets request each) by the request it serves: the functions'
 * requests each run in their own `requestContext`, whose store object names the request.
 */
class CountingWorkbook implements Workbook {
  readonly byRequest = new WeakMap<object, RequestCount>();
  readonly outside: RequestCount = { reads: 0, readBacks: 0, writes: 0 };
  /** The counts of the request being served (the scenario's own reads when none). */
  current(): RequestCount {
    const context = requestContext.getStore();
    if (!context) return this.outside;
    let count = this.byRequest.get(context);
    if (!count) {
      count = { startedAt: performance.now(), reads: 0, readBacks: 0, writes: 0 };
      this.byRequest.set(context, count);
    }
    return count;
  }
  constructor(private readonly inner: Workbook) {}
  read(tabs: readonly string[], options?: { readonly fresh?: boolean }) {
    const count = this.current();
    if (options?.fresh) count.readBacks++;
    else count.reads++;
    return this.inner.read(tabs, options);
  }
  write(changes: WorkbookChanges) {
    this.current().writes++;
    return this.inner.write(changes);
  }
}

/** The figures of every request of one kind (a step, a decline, an edit). */
class PerEntryPoint {
  private readonly rows = new Map<
    string,
    { count: number; max: RequestCount; total: RequestCount; ms: number[] }
  >();
  add(name: string, count: RequestCount, ms: number): void {
    const row = this.rows.get(name) ?? {
      count: 0,
      max: { reads: 0, readBacks: 0, writes: 0 },
      total: { reads: 0, readBacks: 0, writes: 0 },
      ms: [],
    };
    row.count++;
    for (const key of ["reads", "readBacks", "writes"] as const) {
      row.max[key] = Math.max(row.max[key], count[key]);
      row.total[key] += count[key];
    }
    row.ms.push(ms);
    this.rows.set(name, row);
  }
  print(): void {
    console.log(
      "  requête                        appels  lectures (max)  relectures de réservation (max)  écritures (max)  durée médiane / max",
    );
    for (const [name, row] of [...this.rows].sort(([a], [b]) => a.localeCompare(b))) {
      const mean = (key: "reads" | "readBacks" | "writes") =>
        `${(row.total[key] / row.count).toFixed(1)} (${row.max[key]})`.padStart(
          key === "readBacks" ? 31 : 14,
        );
      console.log(
        `  ${name.padEnd(30)} ${String(row.count).padStart(6)}  ${mean("reads")}  ${mean("readBacks")}  ${mean("writes").padStart(15)}  ${median(row.ms).toFixed(0)} / ${Math.max(...row.ms).toFixed(0)} ms`,
      );
    }
  }
}

async function playScaled(kind: "seminar" | "lunch", count: number): Promise<void> {
  const snapshot = kind === "seminar" ? scaledSeminar(count) : lunchSnapshot();
  // The stand-ins of Google Sheets and SES run in a thread of their own (BENCH_STAND_INS=inline:
  // in this one): the time measured is the functions' and the runner's, as deployed.
  const inline = process.env.BENCH_STAND_INS === "inline";
  const standIns = await startStandIns(
    `${kind}-${count}`,
    [...snapshot.values()].map((tab) => ({
      title: tab.title,
      rows: tab.rows.map((row) => row.map((cell) => (cell === null ? null : cell))),
    })),
    inline,
  );
  const workbook = new CountingWorkbook(
    new GoogleSheetsWorkbook(standIns.spreadsheetId, {
      rootUrl: standIns.rootUrl,
      titleCache: new SheetTitleCache(),
    }),
  );
  const start = DateTime.fromISO(kind === "seminar" ? "2027-02-15T09:00" : "2027-04-01T09:00", {
    zone: ZONE,
  }).toJSDate();
  const clock = new SimulatedClock(start);
  const ses = standIns.ses;
  await ses.clear();
  const dir = mkdtempSync(join(tmpdir(), "passerelle-bench-"));
  let steps = 0;
  let sendFailures = 0;
  const perEntryPoint = new PerEntryPoint();
  const host = await LocalHost.start({
    dir,
    clock,
    sesEndpoint: ses.endpoint,
    deliveries: ses.deliveries,
    sendRate: 200,
    workbookFor: () => workbook,
    // A send that fails is printed (the first ten), with how long it waited: the step retries or
    // reconciles it, and the figures are only worth what the sends were.
    wrapMailer: (mailer) => ({
      async send(message) {
        const sentAt = performance.now();
        try {
          return await mailer.send(message);
        } catch (error) {
          if (sendFailures++ < 10)
            console.log(
              `  envoi en échec après ${(performance.now() - sentAt).toFixed(0)} ms (${message.attachments?.length ?? 0} pièces jointes) : ${error instanceof Error ? `${error.name} ${error.message}` : String(error)}`,
            );
          throw error;
        }
      },
    }),
    onRunnerEvent: (event) => {
      if (event.type === "step") steps++;
    },
    onLog: (level, name, fields) => {
      // A failed request is printed: a step that fails again and again ends the run.
      if (level !== "info") console.log(`  ${level} ${name} ${JSON.stringify(fields)}`);
      // Logged at the end of each request, in its context: its counts are complete. The time runs
      // from its first Sheets request (the simulated clock stands still during a request).
      const started = requestContext.getStore() ? workbook.current().startedAt : undefined;
      const ms = started === undefined ? 0 : performance.now() - started;
      if (name === "workflow-step.done") {
        perEntryPoint.add(`workflowStep ${fields.step}`, workbook.current(), ms);
        // A sending step that leaves messages for a later call says why (the workflow calls it again).
        const left = ["failed", "deferred", "uncertain", "remaining", "leftToOthers"].filter(
          (key) => typeof fields[key] === "number" && (fields[key] as number) > 0,
        );
        if (left.length > 0)
          console.log(`  ${fields.step} : ${left.map((key) => `${key} ${fields[key]}`).join(", ")}`);
      }
      if (name === "inbound-mail.applied")
        perEntryPoint.add(
          `inboundMail ${fields.outcome} ${fields.decision ?? ""}`.trim(),
          workbook.current(),
          ms,
        );
      if (name === "sheet-edit.checked") perEntryPoint.add("sheetEdit", workbook.current(), ms);
    },
  });
  const started = performance.now();
  const busy = performance.eventLoopUtilization();
  const standInsBusy = standIns.activeMs() ?? 0;
  try {
    const context = { host: () => host, clock, ses, event: standIns.spreadsheetId, zone: ZONE };
    const end = kind === "seminar" ? await playSeminar(context, start) : await playLunchTalk(context, start);
    const wall = (performance.now() - started) / 1000;
    const ownBusy = performance.eventLoopUtilization(busy).active / 1000;
    const standInsActive = standIns.activeMs();
    const emails = (await ses.emails()).length;
    const requests = await standIns.sheetsRequests();
    console.log(
      `\n${kind === "seminar" ? "Séminaire" : "Rencontre méridienne"}, ${count} ${kind === "seminar" ? "participants" : "inscriptions"} : ${end.state}, ${wall.toFixed(1)} s de temps réel (envois à 200/s vers le serveur local), ${emails} messages, ${steps} étapes de workflow facturées, ${requests} requêtes Sheets au total`,
    );
    console.log(
      standInsActive === undefined
        ? `  Serveurs Sheets et SES simulés dans le même fil : fil occupé ${ownBusy.toFixed(1)} s en tout (fonctions, exécuteur, serveurs simulés)`
        : `  Fil des fonctions et de l'exécuteur occupé ${ownBusy.toFixed(1)} s ; fil des serveurs Sheets et SES simulés occupé ${((standInsActive - standInsBusy) / 1000).toFixed(1)} s (à part, comme dans le nuage)`,
    );
    if (end.state === "FAILED") console.log(`  échec : ${JSON.stringify(end.error)}`);
    console.log("  Requêtes Sheets par requête reçue (moyenne et maximum), durée de la requête :");
    perEntryPoint.print();
  } finally {
    await host.stop();
    await standIns.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Cold start of each function on the compiled JavaScript the cloud runs: the entry module, then its own modules. */
function benchColdStart(): void {
  const root = join(import.meta.dirname, "../..");
  const out = mkdtempSync(join(tmpdir(), "passerelle-dist-"));
  try {
    execFileSync(
      join(root, "node_modules/.bin/tsc"),
      ["-p", join(root, "tsconfig.build.json"), "--outDir", out],
      {
        stdio: "ignore",
      },
    );
    symlinkSync(join(root, "node_modules"), join(out, "node_modules"));
    const modules: Record<string, string[]> = {
      sheetEdit: ["sheet-edit.js", "app/check-workbook.js", "app/workflow-control.js"],
      workflowStep: ["workflow-step.js", "adapters/ses-mailer.js"],
      inboundMail: ["inbound-mail.js", "app/reply-follow-ups.js", "app/tutor-lifecycle.js"],
    };
    console.log(
      "\nDémarrage à froid (JavaScript compilé, node seul) : module d'entrée + modules de la fonction, médiane de 3",
    );
    for (const [name, files] of Object.entries(modules)) {
      const script = `const t=performance.now();await import(${JSON.stringify(join(out, "functions/index.js"))});const t1=performance.now();await Promise.all(${JSON.stringify(files.map((file) => join(out, "functions", file)))}.map((m)=>import(m)));console.log(JSON.stringify([t1-t,performance.now()-t1]));`;
      const runs = Array.from({ length: 3 }, () => {
        const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
          stdio: ["ignore", "pipe", "ignore"],
        });
        return JSON.parse(output.toString().trim().split("\n").pop() ?? "[0,0]") as [number, number];
      });
      const entry = median(runs.map((run) => run[0]));
      const own = median(runs.map((run) => run[1]));
      console.log(
        `  ${name.padEnd(13)} ${entry.toFixed(0)} ms + ${own.toFixed(0)} ms = ${(entry + own).toFixed(0)} ms`,
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export async function benchWorkflow(): Promise<void> {
  // BENCH_COLD_START=0 leaves out the compilation and cold starts (the request figures alone).
  if (process.env.BENCH_COLD_START !== "0") benchColdStart();
  console.log("\n## Séminaire complet en temps simulé");
  const sizes = (process.env.BENCH_WORKFLOW_SIZES ?? "30,1000").split(",").map(Number);
  for (const count of sizes) await playScaled("seminar", count);
  if (process.env.BENCH_WORKFLOW_LUNCH !== "0") await playScaled("lunch", 45);
  await sharedSolver().close?.();
}
