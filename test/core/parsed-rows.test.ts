import { describe, expect, it } from "vitest";
import { TABS } from "../../functions/core/sheet/schemas.js";
import { type ParsedTable, parseTable } from "../../functions/core/sheet/table.js";
import * as example from "../../sheets-templates/example-data.js";
import { tableTab } from "../support/workbooks.js";

type Participant = { readonly email?: string; readonly status?: string; readonly employer?: string };

/** The example's first participant, with the given changes, read as a fresh tab (a new request). */
function read(changes: Record<string, string | null> = {}): ParsedTable<Participant> {
  const row = { ...example.participants[0]!, ...changes };
  return parseTable<Participant>(TABS.participants, tableTab(TABS.participants, [row]));
}

describe("a row read again in a later request", () => {
  it("gives the same values, the Statut as it now stands, and values no reader can change", () => {
    const first = read({ Statut: "OK" }).rows[0]!;
    const again = read({ Statut: "Relancé le 3 décembre" }).rows[0]!;
    expect(first.partial.status).toBe("OK");
    expect(again.partial.status).toBe("Relancé le 3 décembre");
    expect({ ...again.partial, status: "OK" }).toEqual(first.partial);
    expect(() => {
      (again.partial as { employer?: string }).employer = "Autre";
    }).toThrow(TypeError);
    expect(read().rows[0]!.partial.employer).toBe(first.partial.employer);
  });

  it("is read anew when the organizer changed what they typed, problems included", () => {
    const before = read().rows[0]!;
    const changed = read({ Organisme: "Mairie de Brest" }).rows[0]!;
    expect(changed.partial.employer).toBe("Mairie de Brest");
    expect(before.partial.employer).not.toBe("Mairie de Brest");
    const wrong = read({ Email: "pas-une-adresse" }).rows[0]!;
    expect(wrong.problems.join(" ")).toMatch(/Email/);
    expect(read({ Email: "pas-une-adresse" }).rows[0]!.problems).toEqual(wrong.problems);
  });
});
