/**
 * Each message kind, rendered by a real browser engine with and without its `<style>` element (as
 * webmails that strip it show it): every piece the plain-text twin holds stays a piece of its own.
 */
import { describe, expect, test } from "vitest";
import { findChromium, renderedTexts } from "../support/chromium.js";
import { messageGallery, withoutStyle } from "./gallery.js";

const chromium = findChromium();
if ("reason" in chromium) console.warn(`Rendu des messages dans Chromium non vérifié : ${chromium.reason}`);
const browser = "path" in chromium ? chromium.path : null;

/** The pieces a reader must see apart: lines of the rendering split at line breaks and table cells. */
function segments(text: string): string[] {
  return text
    .replace(/\u00a0/g, " ")
    .split(/[\n\t]+/)
    .map((piece) => piece.replace(/\s+/g, " ").trim().toLowerCase())
    .filter((piece) => piece.length > 0);
}

interface Row {
  readonly time: string;
  readonly title: string;
  readonly details: string[];
}

/** The agenda rows of the plain-text part (`- 8 h 30 – 11 h 30 : title` then indented details). */
function agendaRows(text: string): Row[] {
  const rows: Row[] = [];
  for (const line of text.split("\n")) {
    const row = /^- (\d{1,2} h(?: \d{2})?(?: – \d{1,2} h(?: \d{2})?)?(?: \(lendemain\))?) : (.+)$/.exec(line);
    if (row) rows.push({ time: row[1]!, title: row[2]!, details: [] });
    else if (line.startsWith("    ") && rows.length > 0) rows.at(-1)!.details.push(line.trim());
  }
  return rows;
}

/** Every other line of the plain-text part, as the reader should find it on its own in the HTML. */
function textLines(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => line.trim() && !/^- \d{1,2} h/.test(line) && !line.startsWith("    "))
    .filter((line) => !/ : https?:\/\//.test(line))
    .map((line) => line.replace(/^- /, "").trim());
}

const norm = (value: string) => value.replace(/\s+/g, " ").trim().toLowerCase();

describe.runIf(browser)("every message kind in a browser engine", () => {
  const gallery = messageGallery();
  const rendered = browser
    ? renderedTexts(browser, [
        ...gallery.map((entry) => entry.content.html),
        ...gallery.map((entry) => withoutStyle(entry.content.html)),
      ]).map((page) => segments(page.text))
    : [];

  test("the gallery holds every kind, and the convocation has an agenda with places and tutors", () => {
    expect(gallery.map((entry) => entry.name)).toHaveLength(16);
    const rows = agendaRows(gallery[0]!.content.text);
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.some((row) => row.details.some((line) => line.startsWith("Votre tuteur ou tutrice")))).toBe(
      true,
    );
  });

  for (const styled of [true, false]) {
    test.each(gallery.map((entry, index) => [entry.name, entry, index] as const))(
      `%s keeps every agenda row's time, title, place and tutor apart ${styled ? "with" : "without"} its <style> element`,
      (_name, entry, index) => {
        const seen = rendered[styled ? index : gallery.length + index]!;
        for (const row of agendaRows(entry.content.text)) {
          const at = seen.indexOf(norm(row.time));
          expect(at, `time « ${row.time} » alone`).toBeGreaterThanOrEqual(0);
          const expected = [row.title, ...row.details].map(norm);
          expect(seen.slice(at + 1, at + 1 + expected.length)).toEqual(expected);
        }
        for (const line of textLines(entry.content.text)) expect(seen, line).toContain(norm(line));
      },
    );
  }

  test("names the event and its organizer above the heading, never the software", () => {
    gallery.forEach((entry, index) => {
      if (entry.name === "alerte") return;
      const seen = rendered[index]!;
      expect(seen[0], entry.name).toMatch(/ · /);
      expect(seen.join(" ")).not.toContain("passerelle");
    });
  });
});
