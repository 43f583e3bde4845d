/**
 * Benchmark of the Google Sheets adapter against the local fake of the Sheets API: requests per
 * read and per write (counted by the fake) at 30 and 3,000 rows, the same per edit and per full
 * check through `checkWorkbook`, and the cold start of the `sheetEdit` module in a fresh process.
 * Runnable alone: `npx tsx test/bench/sheets.ts`.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { GoogleSheetsWorkbook, SheetTitleCache } from "../../functions/adapters/google-sheets-workbook.js";
import { checkWorkbook } from "../../functions/app/check-workbook.js";
import type { Cell, CellWrite } from "../../functions/ports.js";
import * as example from "../../sheets-templates/example-data.js";
import { FakeSheetsServer, type RecordedRequest } from "../fakes/sheets-server.js";
import { seminarSnapshot } from "../support/workbooks.js";

const NOW = new Date("2026-11-23T10:00:00Z");
const SIZES = [30, 3_000] as const;

function participantRows(count: number): Cell[][] {
  const header = [
    "Nom",
    "Prénom",
    "Email",
    "Téléphone",
    "Organisme",
    "Fonction",
    "Public",
    "Vœu 1",
    "Statut",
  ];
  const rows = Array.from({ length: count }, (_, index): Cell[] => [
    `Nom ${index}`,
    "Camille",
    `personne${index}@example.org`,
    "06 12 34 56 78",
    "CAF d'Ille-et-Vilaine",
    "Directrice",
    "Sécurité sociale",
    "CAF",
    null,
  ]);
  return [header, ...rows];
}

function describe(requests: readonly RecordedRequest[]): string {
  const counts = new Map<string, number>();
  for (const request of requests) counts.set(request.endpoint, (counts.get(request.endpoint) ?? 0) + 1);
  const parts = [...counts].map(([endpoint, count]) => `${count} ${endpoint}`).join(" + ");
  return `${requests.length} requête${requests.length > 1 ? "s" : ""} (${parts || "aucune"})`;
}

function bytes(requests: readonly RecordedRequest[]): string {
  const size = requests.reduce(
    (sum, request) => sum + (request.body ? JSON.stringify(request.body).length : 0),
    0,
  );
  return size > 1024 ? `${(size / 1024).toFixed(1)} Ko envoyés` : `${size} o envoyés`;
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await run();
  return { value, ms: performance.now() - start };
}

async function adapterFigures(): Promise<void> {
  for (const size of SIZES) {
    const fake = await FakeSheetsServer.start();
    try {
      fake.addTab("Participants", participantRows(size)).addTab("Séminaire", [["Paramètre", "Valeur"]]);
      const cache = new SheetTitleCache();
      const workbook = new GoogleSheetsWorkbook(fake.spreadsheetId, {
        rootUrl: fake.rootUrl,
        titleCache: cache,
      });
      const label = `${String(size).padStart(5)} lignes`;

      const read = await timed(() => workbook.read(["Participants", "Séminaire"]));
      console.log(
        `${label} · lecture, onglets présents : ${describe(fake.requests)}, ${read.ms.toFixed(0)} ms`,
      );
      fake.clearRequests();

      const cold = await timed(() =>
        new GoogleSheetsWorkbook(fake.spreadsheetId, { rootUrl: fake.rootUrl, titleCache: cache }).read([
          "participants",
          "Seminaire",
          "Journal",
        ]),
      );
      console.log(
        `${label} · lecture, un onglet absent et des titres différents, titres inconnus : ${describe(fake.requests)}, ${cold.ms.toFixed(0)} ms`,
      );
      fake.clearRequests();
      await workbook.read(["participants", "Seminaire", "Journal"]);
      console.log(`${label} · la même, titres déjà connus : ${describe(fake.requests)}`);
      fake.clearRequests();

      const verdicts: CellWrite[] = Array.from({ length: size }, (_, index) => ({
        tab: "Participants",
        row: index + 2,
        column: 9,
        value: index % 7 === 0 ? "Email : adresse invalide (corrigez-la)." : "OK",
      }));
      const write = await timed(() => workbook.write({ cells: verdicts }));
      console.log(
        `${label} · écriture de ${size} verdicts : ${describe(fake.requests)}, ${bytes(fake.requests)}, ${write.ms.toFixed(0)} ms`,
      );
      fake.clearRequests();

      const scattered = verdicts.filter((_, index) => index % 2 === 0);
      await workbook.write({ cells: scattered, appends: [{ tab: "Séminaire", rows: [["Note", "x"]] }] });
      console.log(
        `${label} · écriture de ${scattered.length} cellules non contiguës + un ajout de ligne : ${describe(fake.requests)}, ${bytes(fake.requests)}`,
      );
    } finally {
      await fake.close();
    }
  }
}

async function checkFigures(): Promise<void> {
  for (const size of SIZES) {
    const fake = await FakeSheetsServer.start();
    try {
      const participants = Array.from({ length: size }, (_, index) => ({
        ...example.participants[index % example.participants.length]!,
        Email: `personne${index}@example.org`,
      }));
      for (const tab of seminarSnapshot({ participants }).values())
        fake.addTab(
          tab.title,
          tab.rows.map((row) => [...row]),
        );
      const cache = new SheetTitleCache();
      const open = () =>
        new GoogleSheetsWorkbook(fake.spreadsheetId, { rootUrl: fake.rootUrl, titleCache: cache });
      const label = `${String(size).padStart(5)} participants`;

      const full = await timed(() => checkWorkbook(open(), NOW, { kind: "seminar" }));
      console.log(
        `${label} · vérification complète (Statut vide, titres inconnus) : ${describe(fake.requests)}, ${full.value.cellsWritten} cellules écrites, ${full.ms.toFixed(0)} ms`,
      );
      fake.clearRequests();

      const again = await timed(() => checkWorkbook(open(), NOW, { kind: "seminar" }));
      console.log(
        `${label} · vérification complète, rien n'a changé (titres connus) : ${describe(fake.requests)}, ${again.ms.toFixed(0)} ms`,
      );
      fake.clearRequests();

      // An organizer breaks one email: the next edit rewrites that row's verdict only.
      const email = fake.rows("Participants")[0]!.indexOf("Email") + 1;
      await open().write({
        cells: [{ tab: "Participants", row: 3, column: email, value: "pas-une-adresse" }],
      });
      fake.clearRequests();
      const edit = await timed(() => checkWorkbook(open(), NOW, { kind: "seminar" }));
      console.log(
        `${label} · par modification (une cellule changée, titres connus) : ${describe(fake.requests)}, ${edit.value.cellsWritten} cellule(s) écrite(s), ${edit.ms.toFixed(0)} ms`,
      );
    } finally {
      await fake.close();
    }
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function coldStart(label: string, script: string, args: string[], runs = 3): void {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const out = execFileSync(process.execPath, [...args, "--input-type=module", "-e", script], {
      cwd: root,
    }).toString();
    samples.push(Number(out.trim().split("\n").at(-1)));
  }
  console.log(`${label} : ${median(samples)} ms (médiane de ${runs})`);
}

function timing(imports: string[]): string {
  return `const t=performance.now();${imports.map((path) => `await import(${JSON.stringify(path)});`).join("")}console.log((performance.now()-t).toFixed(0))`;
}

export async function benchSheets(): Promise<void> {
  console.log("\n## Google Sheets (contre le faux serveur local de l'API)");
  await adapterFigures();
  console.log("\n## Requêtes Sheets par modification et par vérification complète (checkWorkbook)");
  await checkFigures();
  console.log("\n## Démarrage à froid du module sheetEdit");
  coldStart(
    "import de functions/sheet-edit.ts + l'adaptateur Google Sheets (node + tsx)",
    timing(["./functions/sheet-edit.ts", "./functions/adapters/google-sheets-workbook.ts"]),
    ["--import", "tsx"],
  );
  coldStart("dont @googleapis/sheets seul (node, sans tsx)", timing(["@googleapis/sheets"]), []);
  coldStart("pour comparaison, googleapis complet (node, sans tsx)", timing(["googleapis"]), [], 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchSheets();
