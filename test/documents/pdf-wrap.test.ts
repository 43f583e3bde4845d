import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, type PDFFont } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { wrap } from "../../functions/adapters/pdf.js";
import * as example from "../../sheets-templates/example-data.js";

async function dejaVu(): Promise<PDFFont[]> {
  const folder = join(
    dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")),
    "ttf",
  );
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  return Promise.all(
    ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map(async (file) =>
      pdf.embedFont(await readFile(join(folder, file)), { subset: true }),
    ),
  );
}

/** The breaks found by measuring every candidate line whole, as the drawing did at first. */
function wrapMeasuringEachLine(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter((w) => w !== "")) {
      const candidate = line === "" ? word : `${line} ${word}`;
      if (font.widthOfTextAtSize(candidate, size) <= width) {
        line = candidate;
        continue;
      }
      if (line !== "") lines.push(line);
      line = "";
      let rest = word;
      while (font.widthOfTextAtSize(rest, size) > width) {
        let cut = rest.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(rest.slice(0, cut), size) > width) cut--;
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}

describe("breaking a document's text into lines", () => {
  it("breaks where measuring every candidate line whole breaks, for French texts, both fonts and several sizes and widths", async () => {
    const texts = [
      ...example.participants.slice(0, 8).map((row) => Object.values(row).join(" ")),
      ...example.structures.slice(0, 4).map((row) => Object.values(row).join(" ")),
      "Je soussignée, Madame la directrice, atteste que « Mme Œdipe-Lefèvre d'Aubigné » a participé au séminaire d'immersion du 15 au 19 février 2027 : trente-cinq heures, dont l'accueil, l'immersion et le retour d'expérience.",
      "Unmotbeaucouptroplongpourtenirsuruneseulelignequoiquonfasseetquilfautcouper en morceaux\net un second paragraphe.",
    ];
    let lines = 0;
    for (const font of await dejaVu())
      for (const size of [9, 11, 17])
        for (const width of [80, 301, 495.28])
          for (const text of texts) {
            const expected = wrapMeasuringEachLine(text, font, size, width);
            expect(wrap(text, font, size, width)).toEqual(expected);
            lines += expected.length;
          }
    expect(lines).toBeGreaterThan(300);
  });
});
