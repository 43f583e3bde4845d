import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { NOTHING_LEAVES } from "../../functions/app/preview.js";
import { main } from "../../functions/cli/passerelle.js";
import { exampleFiles } from "../support/workbooks.js";

/** Two weeks before the example seminar (17 March 2027). */
const NOW = new Date("2027-03-01T09:00:00Z");

interface PreviewJson {
  at: string;
  zone: string;
  out: string;
  index: string;
  messages: {
    sendAt: string;
    kind: string;
    label: string;
    to: string;
    subject: string;
    eml: string;
    html: string;
  }[];
  warnings: string[];
  skipped: string[];
}

describe("passerelle preview", () => {
  it("writes every planned message as .eml and .html next to the workbook, and leaves the workbook's bytes alone", async () => {
    const { seminar, folder } = await exampleFiles();
    expect((await main(["match", seminar], NOW)).code).toBe(0);
    const before = await readFile(seminar);
    const { code, out } = await main(["preview", seminar, "--json"], NOW);
    expect(code).toBe(0);
    const json = JSON.parse(out) as PreviewJson;
    expect(json.out).toBe(join(folder, "apercu"));
    expect(json.at).toBe(NOW.toISOString());
    expect(json.messages.filter((message) => message.kind === "convocation")).toHaveLength(26);
    expect(json.messages.filter((message) => message.kind === "demande-tuteur").length).toBeGreaterThan(5);
    const files = await readdir(json.out);
    expect(files.filter((file) => file.endsWith(".eml"))).toHaveLength(json.messages.length);
    expect(files.filter((file) => file.endsWith(".html"))).toHaveLength(json.messages.length + 1);
    expect(files).toContain("index.html");
    const convocation = json.messages.find((message) => message.kind === "convocation")!;
    const mail = await simpleParser(await readFile(convocation.eml));
    expect(mail.subject).toBe(convocation.subject);
    expect(mail.to).toMatchObject({ value: [expect.objectContaining({ address: convocation.to })] });
    expect(await readFile(convocation.html, "utf8")).toContain("<");
    expect(Buffer.compare(await readFile(seminar), before)).toBe(0);
  });

  it("prints a French list of when, to whom, what and the subject", async () => {
    const { lunch } = await exampleFiles();
    const before = await readFile(lunch);
    const { code, out } = await main(["preview", lunch, "--at", "2027-03-20T10:00"], NOW);
    expect(code).toBe(0);
    expect(out).toMatch(
      /^Aperçu des envois au samedi 20 mars 2027 à 10 h \(heure de l'événement, Europe\/Paris\) : \d+ messages prévus\./,
    );
    expect(out).toContain("Rien n'a été envoyé et le classeur n'a pas été modifié.");
    expect(out).toMatch(
      /Inscription confirmée\s+\S+@action-sociale\.example\.org\s+« Inscription confirmée — /,
    );
    expect(out).toMatch(
      /Liste d'attente\s+\S+@action-sociale\.example\.org\s+« Liste d'attente \(1re position\)/,
    );
    expect(out).toContain("ouvrez index.html");
    expect(Buffer.compare(await readFile(lunch), before)).toBe(0);
  });

  it("reads an instant without offset in the event's zone, writes where --out says, and replaces an earlier preview", async () => {
    const { seminar, folder } = await exampleFiles();
    const target = join(folder, "ailleurs");
    await mkdir(target);
    await writeFile(join(target, "999-convocation.eml"), "ancien");
    await writeFile(join(target, "notes.txt"), "à garder");
    const { code, out } = await main(
      ["preview", seminar, "--out", target, "--at", "2027-03-18T12:00", "--json"],
      NOW,
    );
    expect(code).toBe(0);
    const json = JSON.parse(out) as PreviewJson;
    // Paris is at UTC+1 in March.
    expect(json.at).toBe("2027-03-18T11:00:00.000Z");
    expect(json.messages.every((message) => message.eml.startsWith(target))).toBe(true);
    const files = await readdir(target);
    expect(files).not.toContain("999-convocation.eml");
    expect(files).toContain("notes.txt");
    expect(files.filter((file) => file.endsWith(".eml"))).toHaveLength(json.messages.length);
  });

  it("plans nothing for an event the workflow's check would stop, and says why", async () => {
    const { seminar } = await exampleFiles();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(seminar);
    workbook.removeWorksheet(workbook.getWorksheet("Participants")!.id);
    await workbook.xlsx.writeFile(seminar);

    const { code, out } = await main(["preview", seminar, "--json"], NOW);

    expect(code).toBe(0);
    const json = JSON.parse(out) as PreviewJson;
    expect(json.messages).toEqual([]);
    expect(json.warnings).toEqual([
      "Onglet « Participants » introuvable : ajoutez-le (voir le modèle).",
      NOTHING_LEAVES,
    ]);
  });

  it("refuses an instant it cannot read, with exit status 2", async () => {
    const { seminar } = await exampleFiles();
    const wrong = await main(["preview", seminar, "--at", "demain matin"], NOW);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain("n'est pas un instant ISO");
    const missing = await main(["preview", seminar, "--at"], NOW);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("L'option --at attend une valeur.");
  });

  it("lists each warning once with its count, names with addresses, and the key in a details line", async () => {
    const { seminar } = await exampleFiles();
    expect((await main(["match", seminar], NOW)).code).toBe(0);
    const json = JSON.parse((await main(["preview", seminar, "--json"], NOW)).out) as PreviewJson;
    const index = await readFile(json.index, "utf8");
    const items = [...index.matchAll(/<li>(.*?)<\/li>/g)].map((match) =>
      match[1]!.replace(/ <strong>.*$/, ""),
    );
    expect(new Set(items).size).toBe(items.length);
    const repeated = json.warnings.find((warning, at) => json.warnings.indexOf(warning) !== at);
    if (repeated) expect(index).toMatch(/\(\d+ fois\)/);
    expect(index).toContain("Claire");
    expect(index).toMatch(/<br><span class="addr">[^<]+@[^<]+<\/span>/);
    expect(index).toContain("<details><summary>Clé d'envoi</summary><code>message:");
    expect(index).not.toContain("<th>Clé</th>");
  });
});
