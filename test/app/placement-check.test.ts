/** Placements an organizer typed into `Affectations` are checked against the hard rules on every edit. */
import { describe, expect, it } from "vitest";
import { checkWorkbook } from "../../functions/app/check-workbook.js";
import { TABS } from "../../functions/core/sheet/schemas.js";
import { participant, people, placement, seminar } from "../messages/fixtures.js";
import { MemoryWorkbook } from "../support/workbooks.js";

const NOW = new Date("2027-03-01T10:00:00Z");

function statusOf(book: MemoryWorkbook, email: string): string {
  const [header = [], ...rows] = book.tabs.get(TABS.participants.name) ?? [];
  const row = rows.find((candidate) => candidate[header.indexOf("Email")] === email) ?? [];
  return String(row[header.indexOf("Statut")] ?? "");
}

describe("placements edited by hand", () => {
  it("leaves valid placements alone", async () => {
    const book = new MemoryWorkbook(seminar());
    await checkWorkbook(book, NOW);
    expect(statusOf(book, people.claire.Email)).toBe("OK");
  });

  it("tells the organizer, on the participant's row, which rule a placement breaks", async () => {
    const claire = people.claire.Email;
    const hugo = people.hugo.Email;
    const book = new MemoryWorkbook(
      seminar({
        participants: [
          participant(people.claire),
          participant({ ...people.hugo, Organisme: "CAF d'Ille-et-Vilaine" }),
        ],
        placements: [
          placement(claire, "Matin"),
          // The same structure twice for Claire.
          placement(claire, "Après-midi", {
            Structure: "CAF — Accueil de Rennes",
            "Email tuteur": "sophie.le-gall@caf.example.org",
          }),
          // Hugo works for the CAF: placing him there is a conflict of interest.
          placement(hugo, "Matin"),
          placement(hugo, "Après-midi"),
        ],
      }),
    );
    await checkWorkbook(book, NOW);
    expect(statusOf(book, claire)).toContain("Affectation « Après-midi » : Deux fois la même structure.");
    expect(statusOf(book, hugo)).toContain(
      "Affectation « Matin » : La structure relève de l'organisme employeur du participant.",
    );
    expect(statusOf(book, hugo)).not.toContain("Après-midi");
  });
});
