import { describe, expect, it } from "vitest";
import { XlsxWorkbook } from "../../functions/adapters/xlsx-workbook.js";
import { recordFeedback } from "../../functions/app/feedback.js";
import { main } from "../../functions/cli/passerelle.js";
import type { SurveyReply } from "../../functions/core/feedback/retours.js";
import type { InboundMessage } from "../../functions/core/replies/message.js";
import { cellText } from "../../functions/core/sheet/cells.js";
import { TABS } from "../../functions/core/sheet/schemas.js";
import { exampleFiles, lunchSnapshot, MemoryWorkbook, seminarSnapshot } from "../support/workbooks.js";

const RECEIVED = new Date("2027-03-19T10:15:00Z");
const CLAIRE = "claire.martin@prefecture-ille-vilaine.example.org";

function reply(
  text: string,
  options: { id?: string; email?: string; headers?: [string, string][]; subject?: string } = {},
): SurveyReply {
  const message: InboundMessage = {
    headers: new Map(options.headers ?? []),
    subject: options.subject ?? "Re: Votre avis sur le séminaire",
    from: "someone@example.org",
    recipients: ["reponse+token@reponses.seminaire.example.org"],
    contentType: "text/plain",
    text,
    truncated: false,
  };
  return {
    messageId: options.id ?? "<a1@mail.example.org>",
    participantEmail: options.email ?? CLAIRE,
    message,
    receivedAt: RECEIVED,
  };
}

function retours(workbook: MemoryWorkbook): string[][] {
  return (workbook.tabs.get(TABS.feedback.name) ?? []).map((row) =>
    row.map((cell) => cellText(cell ?? null)),
  );
}

function status(workbook: MemoryWorkbook, tab: string): string {
  const rows = workbook.tabs.get(tab) ?? [];
  return cellText(rows.find((row) => row[0] === "Statut")?.[1] ?? null);
}

describe("recording a reply to the survey", () => {
  it("writes the participant, the mark, the comment and the date to Retours, creating the tab", async () => {
    const workbook = new MemoryWorkbook(seminarSnapshot());
    const outcome = await recordFeedback(workbook, reply("4/5 Très riche.\n\n> Le questionnaire cité"));
    expect(outcome).toEqual({
      outcome: "recorded",
      mark: 4,
      summary: "Retours : 1 réponse, note moyenne 4,0 sur 5 (1 note).",
    });
    const rows = retours(workbook);
    expect(rows[0]).toEqual(["Participant", "Email", "Note", "Commentaire", "Date", "À vérifier", "Clé"]);
    expect(rows[1]?.slice(0, 6)).toEqual([
      "Claire Martin",
      CLAIRE,
      "4",
      "Très riche.",
      "2027-03-19 11:15",
      "",
    ]);
    expect(rows[1]?.[6]).toMatch(/^retour:[0-9a-f]{24}$/);
    expect(status(workbook, TABS.seminar.name)).toBe("Retours : 1 réponse, note moyenne 4,0 sur 5 (1 note).");
  });

  it("applies a reply delivered twice only once", async () => {
    const workbook = new MemoryWorkbook(seminarSnapshot());
    await recordFeedback(workbook, reply("5"));
    expect(await recordFeedback(workbook, reply("5"))).toEqual({ outcome: "duplicate" });
    expect(retours(workbook)).toHaveLength(2);
    expect(workbook.writes).toHaveLength(1);
  });

  it("ignores an automatic reply and writes nothing", async () => {
    const workbook = new MemoryWorkbook(seminarSnapshot());
    const outcome = await recordFeedback(
      workbook,
      reply("Je suis absente jusqu'au 25 mars. 5 jours de congés.", {
        headers: [["auto-submitted", "auto-replied"]],
        subject: "Réponse automatique : Votre avis",
      }),
    );
    expect(outcome.outcome).toBe("ignored");
    expect(workbook.writes).toHaveLength(0);
  });

  it("keeps the comment of an ambiguous « 4,5 », leaves the mark empty and counts it to check", async () => {
    const workbook = new MemoryWorkbook(seminarSnapshot());
    await recordFeedback(workbook, reply("quatre, merci", { id: "<1@x>" }));
    const outcome = await recordFeedback(
      workbook,
      reply("4,5 très bien", {
        id: "<2@x>",
        email: "hugo.bernard@conseil-departemental-morbihan.example.org",
      }),
    );
    expect(outcome).toMatchObject({
      outcome: "recorded",
      flag: "note « 4,5 » ambiguë (demi-point ou deux notes ?)",
    });
    await recordFeedback(
      workbook,
      reply("Rien à redire, bravo.", { id: "<3@x>", email: "elodie.dubois@cpam-finistere.example.org" }),
    );
    const rows = retours(workbook);
    expect(rows[2]?.slice(0, 4)).toEqual(["Hugo Bernard", expect.any(String), "", "4,5 très bien"]);
    expect(rows[3]?.slice(2, 6)).toEqual(["", "Rien à redire, bravo.", expect.any(String), ""]);
    expect(status(workbook, TABS.seminar.name)).toBe(
      "Retours : 3 réponses, note moyenne 4,0 sur 5 (1 note) ; 1 note à vérifier dans Retours.",
    );
  });

  it("keeps the other lines of the event's Statut", async () => {
    const snapshot = seminarSnapshot();
    const settings = snapshot.get(TABS.seminar.name)!;
    const rows = settings.rows.map((row) =>
      row[0] === "Statut"
        ? ["Statut", "Vérifié le 10/03/2027 à 09:00.\nEffectifs : dîner du 17/03 : 26."]
        : row,
    );
    snapshot.set(TABS.seminar.name, { ...settings, rows });
    const workbook = new MemoryWorkbook(snapshot);
    await recordFeedback(workbook, reply("5"));
    expect(status(workbook, TABS.seminar.name)).toBe(
      "Vérifié le 10/03/2027 à 09:00.\nEffectifs : dîner du 17/03 : 26.\nRetours : 1 réponse, note moyenne 5,0 sur 5 (1 note).",
    );
  });

  it("records a lunch talk's feedback the same way, named from Inscriptions", async () => {
    const workbook = new MemoryWorkbook(lunchSnapshot());
    const first = cellText(workbook.tabs.get(TABS.registrations.name)![1]![2] ?? null);
    await recordFeedback(workbook, reply("3 — trop court", { email: first }));
    expect(retours(workbook)[1]?.[2]).toBe("3");
    expect(retours(workbook)[1]?.[3]).toBe("trop court");
    expect(status(workbook, TABS.lunch.name)).toBe("Retours : 1 réponse, note moyenne 3,0 sur 5 (1 note).");
  });
});

describe("passerelle retours", () => {
  it("prints how many replies, the average and the marks to check", async () => {
    const { seminar } = await exampleFiles();
    const workbook = new XlsxWorkbook(seminar);
    await recordFeedback(workbook, reply("5 — remarquable", { id: "<1@x>" }));
    await recordFeedback(
      workbook,
      reply("4/5", { id: "<2@x>", email: "hugo.bernard@conseil-departemental-morbihan.example.org" }),
    );
    await recordFeedback(
      workbook,
      reply("4,5", { id: "<3@x>", email: "elodie.dubois@cpam-finistere.example.org" }),
    );
    const { code, out } = await main(["retours", seminar]);
    expect(code).toBe(0);
    expect(out.split("\n")[0]).toBe(
      "Retours : 3 réponses, note moyenne 4,5 sur 5 (2 notes) ; 1 note à vérifier dans Retours.",
    );
    expect(out).toContain("5  Claire Martin : « remarquable »");
    expect(out).toContain("à vérifier : note « 4,5 » ambiguë");
    const json = JSON.parse((await main(["retours", seminar, "--json"])).out) as {
      count: number;
      average: number;
    };
    expect(json).toMatchObject({ count: 3, marks: 2, average: 4.5, flagged: 1 });
  });

  it("says there is nothing yet on a workbook without replies", async () => {
    const { lunch } = await exampleFiles();
    expect((await main(["retours", lunch])).out).toBe(
      "Retours : aucune réponse au questionnaire pour l'instant.",
    );
  });
});
