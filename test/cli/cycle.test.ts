import { describe, expect, it } from "vitest";
import { XlsxWorkbook } from "../../functions/adapters/xlsx-workbook.js";
import { main } from "../../functions/cli/passerelle.js";
import { exampleFiles } from "../support/workbooks.js";

/** Before the first talk's closing of registrations (6 April 2027, 12:15 in Paris). */
const NOW = new Date("2027-03-20T10:00:00Z");

describe("passerelle check and match, on a cycle of lunch talks", () => {
  it("checks the example cycle and writes each talk's Statut and each registration's seat", async () => {
    const { cycle } = await exampleFiles();
    const { code, out } = await main(["check", cycle, "--json"], NOW);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.kind).toBe("cycle");
    expect(json.event).toEqual({ tab: "Cycle", problems: [] });
    expect(json.rows.filter((row: { ok: boolean }) => !row.ok)).toEqual([]);
    const snapshot = await new XlsxWorkbook(cycle).read(["Rencontres", "Cycle"]);
    const talks = snapshot.get("Rencontres")!.rows;
    const status = talks[0]!.indexOf("Statut");
    expect(String(talks[1]![status])).toMatch(/^20 inscrits sur 20 places, 8 en liste d'attente\./);
    expect(String(talks[1]![status])).toContain("Décloisonnement : 20 inscrits venant de 5 directions");
    const settings = snapshot.get("Cycle")!.rows.find((row) => row[0] === "Statut");
    expect(String(settings?.[1])).toContain("Sur le cycle : aucune rencontre n'a encore eu lieu");
    expect(String(settings?.[1])).toContain("choisissez « Confirmer les inscriptions » dans Action");
  });

  it("prints each talk's seats, waiting list and figures with match", async () => {
    const { cycle } = await exampleFiles();
    const text = await main(["match", cycle], NOW);
    expect(text.code).toBe(0);
    expect(text.out).toContain("=== Participation des usagers");
    expect(text.out).toContain("=== Données et territoires");
    expect(text.out).toContain("Liste d'attente, dans l'ordre :");
    const { out } = await main(["match", cycle, "--json"], NOW);
    const json = JSON.parse(out);
    expect(json.kind).toBe("cycle");
    expect(json.talks.map((talk: { talk: string }) => talk.talk)).toEqual([
      "Participation des usagers",
      "Accueil inconditionnel",
      "Données et territoires",
    ]);
    expect(json.talks[1]).toMatchObject({ capacity: 20, quotaPerService: 4, closed: false });
    expect(json.talks[1].seated).toHaveLength(20);
    expect(json.talks[1].waiting).toHaveLength(13);
    expect(json.talks[0].mix).toMatchObject({ seated: 20, directions: 5 });
    expect(json.reach).toEqual({ managers: 0, perDirection: [] });
  });
});
