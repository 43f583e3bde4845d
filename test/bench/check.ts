/**
 * Benchmark of the checks: time to check 10,000 registrations (the pure core, on values already
 * read) and the same through a local .xlsx file, and the cold start of the checking module.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type ExcelJS from "exceljs";
import { XlsxWorkbook } from "../../functions/adapters/xlsx-workbook.js";
import { checkSnapshot, checkWorkbook } from "../../functions/app/check-workbook.js";
import * as example from "../../sheets-templates/example-data.js";
import { seminarWorkbook } from "../../sheets-templates/generate.js";
import { seminarSnapshot } from "../support/workbooks.js";

const NOW = new Date("2026-11-23T10:00:00Z");

function registrations(count: number) {
  return Array.from({ length: count }, (_, index) => ({
    ...example.participants[index % 28]!,
    Email: `personne${index}@example.org`,
  }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function benchCheck(): Promise<void> {
  console.log("\n## Vérification des inscriptions");
  for (const count of [30, 3_000, 10_000]) {
    const snapshot = seminarSnapshot({ participants: registrations(count) });
    const times: number[] = [];
    for (let run = 0; run < 5; run++) {
      const start = performance.now();
      checkSnapshot(snapshot, NOW);
      times.push(performance.now() - start);
    }
    console.log(
      `check (cœur, valeurs déjà lues) ${String(count).padStart(6)} inscriptions : ${median(times).toFixed(1)} ms (médiane de 5)`,
    );
  }

  const folder = await mkdtemp(join(tmpdir(), "passerelle-bench-"));
  const workbook = seminarWorkbook();
  const sheet = workbook.getWorksheet("Participants")!;
  const template = (sheet.getRow(2).values as ExcelJS.CellValue[]).slice(1);
  for (let index = 0; index < 10_000; index++)
    sheet.addRow(template.map((value, column) => (column === 2 ? `p${index}@example.org` : value)));
  const path = join(folder, "seminaire-10000.xlsx");
  await workbook.xlsx.writeFile(path);
  const start = performance.now();
  const report = await checkWorkbook(new XlsxWorkbook(path), NOW);
  console.log(
    `check (fichier .xlsx lu, vérifié, réécrit) 10 030 inscriptions : ${((performance.now() - start) / 1000).toFixed(2)} s, ${report.cellsWritten} cellules écrites`,
  );

  const root = fileURLToPath(new URL("../..", import.meta.url));
  const script = `const t=performance.now();await import("./functions/app/check-workbook.ts");console.log((performance.now()-t).toFixed(0))`;
  const samples: number[] = [];
  for (let run = 0; run < 3; run++) {
    const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: root,
    }).toString();
    samples.push(Number(out.trim()));
  }
  console.log(
    `import du module de vérification (node + tsx, à froid) : ${median(samples)} ms (médiane de 3)`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchCheck();
