/**
 * `npm start`: Passerelle on one machine, on the embedded example.
 *
 *   npm start                     the example seminar in real time: the workbook in .local/, the
 *                                 mail server's page, the functions and the workflow runner; edit
 *                                 and save the workbook, Passerelle reacts as it does to a Google Sheet
 *   npm start -- --simulate       the whole seminar played in simulated time, tutors' replies included
 *   npm start -- --simulate --lunch   the same for the example lunch talk
 *   npm start -- --simulate --cycle   the example cycle of lunch talks: checks, speakers invited and answering, absences, figures
 *   npm start -- --simulate --inversee   the same for the example reverse immersion
 *   npm start -- --reset          start again from the example (the previous run is erased)
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, watchFile } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DateTime } from "luxon";
import { RealClock, type SchedulerClock, SimulatedClock } from "../../workflows/runner/clock.js";
import { sharedSolver } from "../adapters/highs-solver.js";
import { readWorkflowControl } from "../app/workflow-control.js";
import { DEFAULT_ZONE } from "../core/settings/event-settings.js";
import { inCycleWords, playCycle } from "./cycle-scenario.js";
import { LocalHost } from "./host.js";
import { inHostWords } from "./host-words.js";
import { Outbox } from "./outbox.js";
import { readReplyFolder } from "./replies.js";
import { chooseAction, playLunchTalk, playSeminar, type ScenarioContext } from "./scenario.js";
import { type LocalSes, startLocalSes } from "./ses.js";
import { Timeline } from "./timeline.js";
import { watchedTabs } from "./watch.js";

const ROOT = resolve(import.meta.dirname, "../..");
const TEMPLATES = join(ROOT, "sheets-templates");

interface Options {
  readonly simulate: boolean;
  readonly lunch: boolean;
  readonly cycle: boolean;
  readonly inversee: boolean;
  readonly reset: boolean;
  readonly dir: string;
}

/** The options of `npm start`, or the usage text (French) when the flags are unknown or `--help`. */
export function parseArgs(argv: readonly string[]): Options | string {
  const flags = new Set(argv.filter((arg) => arg.startsWith("--")));
  const unknown = [...flags].filter(
    (flag) => !["--simulate", "--lunch", "--cycle", "--inversee", "--reset", "--help"].includes(flag),
  );
  if (unknown.length > 0 || flags.has("--help"))
    return "Usage : npm start [-- --simulate] [--lunch | --cycle | --inversee] [--reset]\n  --simulate  joue tout l'événement en temps simulé (réponses des tuteurs comprises)\n  --lunch     la rencontre méridienne d'exemple plutôt que le séminaire\n  --cycle     le cycle de rencontres méridiennes d'exemple (avec --simulate)\n  --inversee  l'immersion inversée d'exemple (des décideurs accueillent agents et usagers)\n  --reset     repart du classeur d'exemple";
  return {
    simulate: flags.has("--simulate"),
    lunch: flags.has("--lunch"),
    cycle: flags.has("--cycle"),
    inversee: flags.has("--inversee"),
    reset: flags.has("--reset") || flags.has("--simulate"),
    // One folder per example, so playing the lunch talk leaves the seminar's files alone.
    dir: join(
      ROOT,
      ".local",
      `${flags.has("--simulate") ? "simulation" : "passerelle"}${flags.has("--cycle") ? "-cycle" : flags.has("--inversee") ? "-inversee" : flags.has("--lunch") ? "-rencontre" : ""}`,
    ),
  };
}

async function startSes(dir: string): Promise<LocalSes> {
  const recordFile = join(dir, "ses-acceptes.jsonl");
  try {
    return await startLocalSes({ port: 8005, recordFile });
  } catch {
    return startLocalSes({ recordFile });
  }
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** The example an option plays: its event id, its template, and when its simulation starts. */
function exampleOf(options: Options): { event: string; template: string; start: Date } {
  const zone = DEFAULT_ZONE;
  const [event, template, at] = options.cycle
    ? ["cycle-exemple", "cycle-rencontres.xlsx", "2027-03-20T09:00"]
    : options.inversee
      ? ["immersion-inversee-exemple", "immersion-inversee.xlsx", "2027-04-19T09:00"]
      : options.lunch
        ? ["rencontre-exemple", "rencontre.xlsx", "2027-04-01T09:00"]
        : ["seminaire-exemple", "seminaire.xlsx", "2027-02-15T09:00"];
  return { event, template: join(TEMPLATES, template), start: DateTime.fromISO(at, { zone }).toJSDate() };
}

/** What runs on the machine: the functions and the runner (`host`), the mail server, the outbox. */
interface Running {
  readonly host: LocalHost;
  readonly clock: SchedulerClock;
  readonly ses: LocalSes;
  readonly outbox: Outbox;
  readonly timeline: Timeline;
  /** Told after each of Passerelle's own writes (so they are not taken for an organizer's edit). */
  readonly ownWrites: { afterOwnWrite: () => void };
  stop(): Promise<void>;
}

export async function main(argv: readonly string[]): Promise<number> {
  const options = parseArgs(argv);
  if (typeof options === "string") {
    say(options);
    return 2;
  }
  const { event, template, start } = exampleOf(options);
  if (options.reset) rmSync(options.dir, { recursive: true, force: true });
  mkdirSync(options.dir, { recursive: true });
  const workbookPath = join(options.dir, `${event}.xlsx`);
  if (!existsSync(workbookPath)) copyFileSync(template, workbookPath);
  const clock: SchedulerClock = options.simulate ? new SimulatedClock(start) : new RealClock();
  const running = await startRunning(options, clock);
  const page = options.simulate ? null : await serveOutbox(running.outbox);
  const stop = async () => {
    await running.stop();
    await page?.stop();
  };
  say("Passerelle en local");
  say(`  Classeur : ${workbookPath}`);
  say(`  Courrier envoyé : ${page ? page.url : pathToFileURL(running.outbox.indexPath).href}`);
  say("");
  if (options.simulate && clock instanceof SimulatedClock) {
    const code = await simulate(options, running, { clock, event, start, workbookPath });
    await stop();
    return code;
  }
  await followInRealTime(options, running, { event, workbookPath });
  await stop();
  return 0;
}

async function startRunning(options: Options, clock: SchedulerClock): Promise<Running> {
  const zone = DEFAULT_ZONE;
  const timeline = new Timeline(
    () => new Date(clock.now()),
    zone,
    options.inversee
      ? (line) => say(inHostWords(line))
      : options.cycle
        ? (line) => say(inCycleWords(line))
        : say,
  );
  const ownWrites = { afterOwnWrite: () => {} };
  const ses = await startSes(options.dir);
  const outbox = new Outbox(join(options.dir, "courrier"), zone, options.inversee ? inHostWords : undefined);
  const host = await LocalHost.start({
    dir: options.dir,
    clock,
    sesEndpoint: ses.endpoint,
    deliveries: ses.deliveries,
    wrapMailer: (mailer) => outbox.wrap(mailer, () => new Date(clock.now())),
    ...(options.simulate
      ? {}
      : { ports: { runner: 8089, sheetEdit: 8090, workflowStep: 8091, inboundMail: 8092 } }),
    sendRate: options.simulate ? 50 : 14,
    onLog: (level, name, fields) => {
      if (process.env.PASSERELLE_DEBUG)
        process.stderr.write(`${JSON.stringify({ level, name, ...fields })}\n`);
      timeline.log(level, name, fields);
      // Passerelle's own writes (placements, confirmations) are not an organizer's edit.
      if (name === "workflow-step.done" || name === "inbound-mail.applied") ownWrites.afterOwnWrite();
    },
    onRunnerEvent: (runnerEvent) => timeline.runner(runnerEvent),
  });
  return {
    host,
    clock,
    ses,
    outbox,
    timeline,
    ownWrites,
    stop: async () => {
      await host.stop();
      await ses.stop();
      await sharedSolver().close?.();
    },
  };
}

/** Plays the whole example in simulated time; answers the exit code. */
async function simulate(
  options: Options,
  running: Running,
  example: { clock: SimulatedClock; event: string; start: Date; workbookPath: string },
): Promise<number> {
  const { host, ses, outbox, timeline } = running;
  const { clock, event, start, workbookPath } = example;
  say(
    options.cycle
      ? "Simulation du cycle de rencontres méridiennes d'exemple (trois rencontres, soixante cadres de cinq directions)."
      : options.inversee
        ? "Simulation de l'immersion inversée d'exemple : 8 décideurs accueillent agents et usagers, de « Affecter » au questionnaire."
        : options.lunch
          ? "Simulation de la rencontre méridienne d'exemple (45 inscriptions pour 30 places)."
          : "Simulation du séminaire d'exemple, de « Affecter » au questionnaire de satisfaction.",
  );
  const context: ScenarioContext = {
    host: () => host,
    clock,
    ses,
    event,
    zone: DEFAULT_ZONE,
    say: (line) => timeline.line(line),
    replyFrom: (name) => timeline.replyFrom(name),
  };
  const started = Date.now();
  if (options.cycle) {
    await playCycle(context, start);
    say("");
    say(`Fin de la simulation du cycle en ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    say(`  Le classeur final (Rencontres, Inscriptions, Cycle) : ${workbookPath}`);
    return 0;
  }
  const end = options.lunch ? await playLunchTalk(context, start) : await playSeminar(context, start);
  say("");
  say(
    `Fin de la simulation en ${((Date.now() - started) / 1000).toFixed(1)} s : ${end.state === "SUCCEEDED" ? "déroulé complet" : "déroulé en échec"}.`,
  );
  say(
    `  ${outbox.count} messages envoyés, à lire (même après la fin) sur ${pathToFileURL(outbox.indexPath).href}`,
  );
  say(
    `  Le classeur final (${options.lunch ? "Inscriptions" : options.inversee ? "Affectations, Hôtes, Participants" : "Affectations, Tuteurs, Participants"} et Journal) : ${workbookPath}`,
  );
  return end.state === "SUCCEEDED" ? 0 : 1;
}

/**
 * Real time: resumes what a previous run left, starts the example's workflow once, then follows the
 * organizer's edits of the file and the replies dropped into the reply folder, until Ctrl-C.
 */
async function followInRealTime(
  options: Options,
  running: Running,
  example: { event: string; workbookPath: string },
): Promise<void> {
  const { host, timeline } = running;
  const { event } = example;
  const resumed = host.runner.resumeAll();
  if (resumed.length > 0)
    timeline.line(
      `Reprise ${resumed.length >= 2 ? `des ${resumed.length} déroulés` : "du déroulé"} en cours.`,
    );
  const workbook = host.workbook(event);
  const { control } = await readWorkflowControl(workbook);
  if (!control.execution) {
    const action = options.lunch ? "Confirmer les inscriptions" : "Affecter";
    const { tab, row } = await chooseAction(workbook, action);
    timeline.line(`Action « ${action} » choisie dans l'onglet ${tab}.`);
    await host.edit(event, tab, { firstRow: row, firstColumn: 2 });
  }
  const replies = join(options.dir, "reponses");
  mkdirSync(join(replies, "traitees"), { recursive: true });
  say("");
  say(
    `Ouvrez le classeur, modifiez-le et enregistrez : chaque enregistrement est vérifié comme une modification de la feuille Google.`,
  );
  say(`Une réponse de tuteur (fichier .eml) déposée dans ${replies} est lue comme un courriel reçu.`);
  say("Ctrl-C pour arrêter ; npm start reprend où vous en étiez.");
  await watchWorkbook(running, example);
  const poll = pollReplies(running, replies);
  await new Promise<void>((done) => process.once("SIGINT", () => done()));
  clearInterval(poll);
}

/** Each save of the workbook: every tab whose content changed is posted to `sheetEdit` as edited. */
async function watchWorkbook(running: Running, example: { event: string; workbookPath: string }) {
  const { host, timeline } = running;
  const workbook = host.workbook(example.event);
  let known = await watchedTabs(workbook);
  running.ownWrites.afterOwnWrite = () => {
    void watchedTabs(workbook).then(
      (digests) => {
        known = digests;
      },
      () => {},
    );
  };
  let busy = false;
  watchFile(example.workbookPath, { interval: 1000 }, async () => {
    if (busy) return;
    busy = true;
    try {
      const now = await watchedTabs(workbook);
      // A save may change anything: the whole tab counts as edited.
      const whole = { firstRow: 1, lastRow: 100_000, firstColumn: 1, lastColumn: 100 };
      for (const [tab, digest] of now)
        if (known.get(tab) !== digest)
          await timeline.organizerEdit(() => host.edit(example.event, tab, whole));
      known = now;
    } catch {
      timeline.line(
        "Classeur illisible pour l'instant (sans doute en cours d'enregistrement) : il sera relu au prochain enregistrement.",
      );
    } finally {
      busy = false;
    }
  });
}

/** Every two seconds, the replies dropped into the folder are received as SES would deliver them. */
function pollReplies(running: Running, replies: string): ReturnType<typeof setInterval> {
  const { host, timeline } = running;
  const retrying = new Set<string>();
  let reading = false;
  return setInterval(async () => {
    if (reading) return;
    reading = true;
    try {
      const outcomes = await readReplyFolder(replies, (raw, to, from) => {
        timeline.replyFrom(from);
        return host.receive(raw, to);
      });
      for (const { file, from, outcome } of outcomes) {
        if (outcome === "ignored")
          timeline.line(
            `Le message de ${from} (${file}) n'est adressé à aucune adresse de réponse des demandes : il est ignoré.`,
          );
        else if (outcome === "accepted") {
          retrying.delete(file);
          timeline.line(`Réponse de ${from} lue.`);
        } else if (!retrying.has(file)) {
          retrying.add(file);
          timeline.line(
            `La réponse de ${from} (${file}) n'a pas pu être lue pour l'instant : elle reste dans ${replies} et sera relue.`,
          );
        }
      }
    } catch {
      // An unreadable file (being copied): read again at the next look.
    } finally {
      reading = false;
    }
  }, 2000);
}

/** The outbox page on its usual port, or on a free one when that port is taken. */
async function serveOutbox(outbox: Outbox) {
  try {
    return await outbox.serve(8006);
  } catch {
    return outbox.serve();
  }
}

/** What to tell a person when the local mode cannot start or stops on an error. */
export function failureMessage(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  if (code === "EADDRINUSE") {
    const port = (error as { port?: number }).port;
    return `Passerelle tourne déjà sur cette machine (le port ${port ?? "local"} est occupé). Utilisez la fenêtre où elle tourne, ou arrêtez-la (Ctrl-C) avant de relancer npm start.`;
  }
  return `Passerelle s'est arrêtée sur une erreur inattendue : ${error instanceof Error ? error.message : String(error)}. Relancez avec PASSERELLE_DEBUG=1 pour le détail.`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${failureMessage(error)}\n`);
      if (process.env.PASSERELLE_DEBUG) console.error(error);
      process.exit(1);
    },
  );
}
