/**
 * The committed reverse-immersion template: its tabs and headers are the schemas', and
 * `passerelle check` and `passerelle match` accept it (in-process, on a copy of the file).
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, describe, expect, it } from "vitest";
import { toCell } from "../../functions/adapters/xlsx-workbook.js";
import { runCheck } from "../../functions/cli/check.js";
import { runMatch } from "../../functions/cli/match.js";
import { PLACEMENT_HEADERS, REVERSE_WORKBOOK } from "../../functions/core/inversee/schemas.js";
import { SETTINGS_HEADERS } from "../../functions/core/sheet/schemas.js";
import { headersOf } from "../../functions/core/sheet/table.js";
import { REVERSE_MISTAKES } from "../../sheets-templates/example-inversee.js";
import { TEMPLATE_FILES } from "../../sheets-templates/generate.js";

const TEMPLATE = join(import.meta.dirname, "../../sheets-templates", TEMPLATE_FILES.reverse);
const folder = mkdtempSync(join(tmpdir(), "passerelle-inversee-"));
const NOW = new Date("2027-04-19T07:00:00Z");

afterAll(() => rmSync(folder, { recursive: true, force: true }));

function copy(name: string): string {
  const path = join(folder, name);
  copyFileSync(TEMPLATE, path);
  return path;
}

describe("the reverse immersion template", () => {
  it("has exactly the tabs and headers of the schemas, Affectations under the hosts' words", async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(TEMPLATE);
    const visible = workbook.worksheets.filter((sheet) => sheet.state !== "hidden");
    expect(visible.map((sheet) => sheet.name)).toEqual(REVERSE_WORKBOOK.map((spec) => spec.name));
    for (const spec of REVERSE_WORKBOOK) {
      const sheet = workbook.getWorksheet(spec.name)!;
      if (spec.kind === "settings") {
        expect(sheet.getCell(1, 1).value).toBe(SETTINGS_HEADERS.name);
        const names: unknown[] = [];
        sheet.eachRow((row, index) => {
          if (index > 1) names.push(row.getCell(1).value);
        });
        expect(names).toEqual(headersOf(spec.schema));
        continue;
      }
      const header = (sheet.getRow(1).values as ExcelJS.CellValue[]).slice(1).map(toCell);
      const expected = headersOf(spec.schema).map((name) =>
        spec.name === "Affectations" ? (PLACEMENT_HEADERS[name] ?? name) : name,
      );
      expect(header, spec.name).toEqual(expected);
    }
  });

  it("is accepted by passerelle check, which reports exactly the example's mistakes", async () => {
    const json = JSON.parse(await runCheck(copy("check.xlsx"), true, NOW)) as {
      kind: string;
      rows: { tab: string; row: number; ok: boolean; problems: string[] }[];
    };
    expect(json.kind).toBe("seminar");
    const wrong = json.rows.filter((row) => !row.ok);
    expect(wrong.map(({ tab, row }) => ({ tab, row }))).toEqual(
      REVERSE_MISTAKES.map(({ tab, row }) => ({ tab, row })),
    );
    for (const mistake of REVERSE_MISTAKES) {
      const found = wrong.find((row) => row.tab === mistake.tab && row.row === mistake.row);
      expect(found?.problems.join(" ")).toContain(mistake.about);
    }
  });

  it("is accepted by passerelle match, which places every visitor who can be placed", async () => {
    const json = JSON.parse(await runMatch(copy("match.xlsx"), true, NOW)) as {
      placements: { participant: string; slot: string; structure: string }[];
      unplaced: { participant: string; reason: string }[];
    };
    const participants = new Set(json.placements.map((placement) => placement.participant));
    // Twelve registrations, two to correct (no consent; a user nobody can be written to for).
    expect(participants.size).toBe(10);
    expect(json.placements).toHaveLength(20);
  });
});
