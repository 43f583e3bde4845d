import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../../functions/cli/passerelle.js";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/replies/${name}`, import.meta.url));

async function replyJson(name: string): Promise<Record<string, string>> {
  const { code, out } = await main(["reply", fixture(name), "--json"]);
  expect(code).toBe(0);
  return JSON.parse(out) as Record<string, string>;
}

describe("passerelle reply", () => {
  it("prints exactly decision, reason and the answer without the quote", async () => {
    const json = await replyJson("gmail-fr-oui.eml");
    expect(Object.keys(json)).toEqual(["decision", "reason", "text"]);
    expect(json).toMatchObject({ decision: "confirm", text: "Oui" });
    expect(json.text).not.toContain("Pouvez-vous nous confirmer");
  });

  it.each([
    ["gmail-fr-non-desolee.eml", "decline"],
    ["outlook-fr-pas-de-probleme.eml", "confirm"],
    ["gmail-fr-matin-non-apres-midi-oui.eml", "unclear"],
  ])("reads %s as %s", async (file, decision) => {
    expect((await replyJson(file)).decision).toBe(decision);
  });

  it.each(["auto-exchange-oof-fr.eml", "auto-gmail-vacation-en.eml", "bounce-postfix-undelivered.eml"])(
    "never takes %s, a machine's message, for an answer",
    async (file) => {
      const json = await replyJson(file);
      expect(json.decision).toBe("unclear");
      expect(json.reason).toMatch(/automatique|non remis|échec|rebond|remis/i);
    },
  );

  it("prints the decision in French, changing nothing", async () => {
    const path = fixture("auto-exchange-oof-fr.eml");
    const before = await readFile(path);
    const { code, out } = await main(["reply", path]);
    expect(code).toBe(0);
    expect(out).toMatch(/^Décision : à lire, /);
    expect(out).toContain("Raison : réponse automatique");
    expect(out).toContain("  | Je suis absente du bureau jusqu'au 20 mars inclus");
    expect(out).toMatch(/Rien n'a été modifié\.$/);
    expect(Buffer.compare(await readFile(path), before)).toBe(0);
  });

  it("exits with status 1 when the message is missing, as the README says", async () => {
    const { code, err } = await main(["reply", fixture("absent.eml")]);
    expect(code).toBe(1);
    expect(err).toContain("Fichier introuvable");
  });
});
