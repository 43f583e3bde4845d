/**
 * Draws a `PrintedDocument` (core/documents/layout.ts) as an A4 PDF with pdf-lib. The DejaVu Sans
 * fonts of the `dejavu-fonts-ttf` package are embedded (subset, through @pdf-lib/fontkit) so that
 * accents, `œ` and typographic quotes print: the standard PDF fonts only know WinAnsi.
 * The output depends only on the document and `createdAt`: the same roster gives the same bytes.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, type PDFFont, type PDFPage, rgb } from "pdf-lib";
import type { Block, PrintedDocument, TableColumn } from "../core/documents/layout.js";

const PAGE = { width: 595.28, height: 841.89 } as const;
const MARGIN = 50;
const CONTENT_WIDTH = PAGE.width - 2 * MARGIN;
const TEXT = rgb(0.12, 0.12, 0.12);
const GREY = rgb(0.4, 0.4, 0.4);
const RULE = rgb(0.55, 0.55, 0.6);
const HEADER_FILL = rgb(0.92, 0.93, 0.98);
const CELL_SIZE = 9;
const CELL_PAD = 4;
const FOOTER_SPACE = 36;

interface Fonts {
  readonly regular: Uint8Array;
  readonly bold: Uint8Array;
}

let fontFiles: Promise<Fonts> | undefined;

/** The DejaVu Sans files of the `dejavu-fonts-ttf` package, read once. */
function loadFonts(): Promise<Fonts> {
  fontFiles ??= (async () => {
    const folder = join(
      dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")),
      "ttf",
    );
    const [regular, bold] = await Promise.all([
      readFile(join(folder, "DejaVuSans.ttf")),
      readFile(join(folder, "DejaVuSans-Bold.ttf")),
    ]);
    return { regular, bold };
  })();
  return fontFiles;
}

/**
 * fontkit parses a font each time pdf-lib embeds it (about 0.2 s for DejaVu Sans); the parsed font
 * is kept instead, by its bytes (each subset is still made afresh from it).
 */
const parsed = new WeakMap<Uint8Array, ReturnType<typeof fontkit.create>>();
const cachedFontkit: typeof fontkit = {
  create(data: Uint8Array, postscriptName?: string) {
    const known = parsed.get(data);
    if (known) return known;
    const font = fontkit.create(data, postscriptName);
    parsed.set(data, font);
    return font;
  },
};

/**
 * Text widths already measured, by font file, size (points) and text. Measuring lays the text out
 * with fontkit (substitutions, kerning): most of the drawing's time when a step draws a thousand
 * certificates of the same wording. A width depends only on the font file, the size and the text,
 * so a cached width is the one pdf-lib would answer. Emptied when it grows past `WIDTHS_KEPT`.
 */
const widths = new Map<string, number>();
const WIDTHS_KEPT = 50_000;
/** Which font file each embedded font is drawn from (`regular`, `bold`); fonts not named here are measured each time. */
const fontFileOf = new WeakMap<PDFFont, string>();

/** The width of `text` in `font` at `size` points, as `PDFFont.widthOfTextAtSize` answers it. */
function widthOf(font: PDFFont, text: string, size: number): number {
  const file = fontFileOf.get(font);
  if (file === undefined) return font.widthOfTextAtSize(text, size);
  const key = `${file}\u0000${size}\u0000${text}`;
  const known = widths.get(key);
  if (known !== undefined) return known;
  const width = font.widthOfTextAtSize(text, size);
  if (widths.size >= WIDTHS_KEPT) widths.clear();
  widths.set(key, width);
  return width;
}

/** Draws the document; answers the PDF's bytes. `createdAt` is written as its creation date. */
export async function renderPdf(document: PrintedDocument, createdAt: Date): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(cachedFontkit);
  const files = await loadFonts();
  const regular = await pdf.embedFont(files.regular, { subset: true });
  const bold = await pdf.embedFont(files.bold, { subset: true });
  fontFileOf.set(regular, "regular");
  fontFileOf.set(bold, "bold");
  pdf.setTitle(document.title);
  pdf.setSubject(document.subtitle);
  pdf.setProducer("Passerelle");
  pdf.setCreator("Passerelle");
  pdf.setLanguage("fr-FR");
  pdf.setCreationDate(createdAt);
  pdf.setModificationDate(createdAt);
  const writer = new Writer(pdf, regular, bold);
  writer.title(document.title, document.subtitle);
  for (const block of document.blocks) writer.block(block);
  writer.footers(document.footer);
  return pdf.save({ useObjectStreams: false });
}

/**
 * Breaks a text into lines that fit `width` (a word longer than a line is cut). A line's width is
 * the sum of its glyphs' advances (`widthOfTextAtSize`), so it is taken as the width of the line so
 * far, a space and the word, each measured once and kept; a candidate within a hundredth of a point
 * of the limit is measured whole, so the breaks are those of measuring every candidate.
 */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  const space = widthOf(font, " ", size);
  for (const paragraph of text.split("\n")) {
    let line = "";
    let lineWidth = 0;
    for (const word of paragraph.split(/\s+/).filter((w) => w !== "")) {
      const candidate = line === "" ? word : `${line} ${word}`;
      const wordWidth = widthOf(font, word, size);
      const sum = line === "" ? wordWidth : lineWidth + space + wordWidth;
      if (Math.abs(sum - width) < 0.01 ? widthOf(font, candidate, size) <= width : sum <= width) {
        line = candidate;
        lineWidth = sum;
        continue;
      }
      if (line !== "") lines.push(line);
      line = "";
      let rest = word;
      while (widthOf(font, rest, size) > width) {
        let cut = rest.length - 1;
        while (cut > 1 && widthOf(font, rest.slice(0, cut), size) > width) cut--;
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
      lineWidth = widthOf(font, rest, size);
    }
    lines.push(line);
  }
  return lines;
}

class Writer {
  private page: PDFPage;
  private y: number;
  private readonly pages: PDFPage[] = [];

  constructor(
    private readonly pdf: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.page = this.newPage();
    this.y = PAGE.height - MARGIN;
  }

  private newPage(): PDFPage {
    const page = this.pdf.addPage([PAGE.width, PAGE.height]);
    this.pages.push(page);
    this.page = page;
    this.y = PAGE.height - MARGIN;
    return page;
  }

  /** Starts a new page when `height` points do not fit on this one. */
  private room(height: number): boolean {
    if (this.y - height >= MARGIN + FOOTER_SPACE) return false;
    this.newPage();
    return true;
  }

  private lines(
    text: string,
    font: PDFFont,
    size: number,
    color = TEXT,
    x = MARGIN,
    width = CONTENT_WIDTH,
  ): void {
    const leading = size * 1.35;
    for (const line of wrap(text, font, size, width)) {
      this.room(leading);
      this.y -= leading;
      this.page.drawText(line, { x, y: this.y + size * 0.3, size, font, color });
    }
  }

  title(title: string, subtitle: string): void {
    this.lines(title, this.bold, 17);
    this.y -= 2;
    this.lines(subtitle, this.regular, 10, GREY);
    this.y -= 6;
    this.page.drawLine({
      start: { x: MARGIN, y: this.y },
      end: { x: PAGE.width - MARGIN, y: this.y },
      thickness: 0.8,
      color: RULE,
    });
    this.y -= 10;
  }

  block(block: Block): void {
    switch (block.kind) {
      case "heading":
        this.room(40);
        this.y -= 8;
        this.lines(block.text, this.bold, 12);
        this.y -= 4;
        return;
      case "paragraph":
        this.y -= 4;
        this.lines(block.text, block.strong ? this.bold : this.regular, 11);
        this.y -= 6;
        return;
      case "facts":
        for (const [label, value] of block.lines) this.fact(label, value);
        this.y -= 6;
        return;
      case "table":
        this.table(block.columns, block.rows, block.rowHeight ?? 0, block.empty);
        this.y -= 8;
        return;
      case "signature":
        this.signature(block.place, block.signatory);
        return;
    }
  }

  private fact(label: string, value: string): void {
    const size = 10.5;
    const labelText = `${label} : `;
    const labelWidth = Math.min(150, widthOf(this.bold, labelText, size));
    const leading = size * 1.4;
    const lines = wrap(value, this.regular, size, CONTENT_WIDTH - labelWidth);
    this.room(leading * lines.length);
    lines.forEach((line, index) => {
      this.y -= leading;
      if (index === 0)
        this.page.drawText(labelText, { x: MARGIN, y: this.y + 3, size, font: this.bold, color: TEXT });
      this.page.drawText(line, {
        x: MARGIN + labelWidth,
        y: this.y + 3,
        size,
        font: this.regular,
        color: TEXT,
      });
    });
  }

  private table(
    columns: readonly TableColumn[],
    rows: readonly (readonly string[])[],
    least: number,
    empty: string,
  ): void {
    const total = columns.reduce((sum, column) => sum + column.width, 0);
    const widths = columns.map((column) => (column.width / total) * CONTENT_WIDTH);
    const leading = CELL_SIZE * 1.3;
    const measure = (cells: readonly string[], font: PDFFont) => {
      const wrapped = cells.map((cell, index) => wrap(cell, font, CELL_SIZE, widths[index]! - 2 * CELL_PAD));
      const height = Math.max(...wrapped.map((lines) => lines.length)) * leading + 2 * CELL_PAD;
      return { wrapped, height };
    };
    const header = measure(
      columns.map((column) => column.label),
      this.bold,
    );
    const drawRow = (wrapped: string[][], height: number, font: PDFFont, fill?: typeof HEADER_FILL) => {
      let x = MARGIN;
      wrapped.forEach((lines, index) => {
        const width = widths[index]!;
        this.page.drawRectangle({
          x,
          y: this.y - height,
          width,
          height,
          borderColor: RULE,
          borderWidth: 0.6,
          ...(fill ? { color: fill } : {}),
        });
        lines.forEach((line, n) => {
          this.page.drawText(line, {
            x: x + CELL_PAD,
            y: this.y - CELL_PAD - (n + 1) * leading + CELL_SIZE * 0.3,
            size: CELL_SIZE,
            font,
            color: TEXT,
          });
        });
        x += width;
      });
      this.y -= height;
    };
    const drawHeader = () => drawRow(header.wrapped, header.height, this.bold, HEADER_FILL);
    this.room(header.height + Math.max(least, leading + 2 * CELL_PAD));
    drawHeader();
    if (rows.length === 0 && empty !== "") {
      this.y -= 4;
      this.lines(empty, this.regular, 10, GREY);
      return;
    }
    for (const row of rows) {
      const { wrapped, height } = measure(row, this.regular);
      const rowHeight = Math.max(least, height);
      if (this.room(rowHeight)) drawHeader();
      drawRow(wrapped, rowHeight, this.regular);
    }
  }

  private signature(place: string, signatory: string): void {
    this.room(110);
    this.y -= 16;
    this.lines(place, this.regular, 11);
    this.y -= 50;
    const x = PAGE.width - MARGIN - 220;
    this.page.drawLine({
      start: { x, y: this.y },
      end: { x: x + 220, y: this.y },
      thickness: 0.8,
      color: TEXT,
    });
    this.y -= 4;
    this.lines(signatory, this.regular, 10, TEXT, x, 220);
  }

  footers(text: string): void {
    const size = 8;
    this.pages.forEach((page, index) => {
      const label = `${text} — page ${index + 1} sur ${this.pages.length}`;
      const line = wrap(label, this.regular, size, CONTENT_WIDTH)[0] ?? "";
      page.drawText(line, { x: MARGIN, y: MARGIN - 16, size, font: this.regular, color: GREY });
    });
  }
}
