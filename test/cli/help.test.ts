import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { main } from "../../functions/cli/passerelle.js";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "../../bin/passerelle.js");

describe("passerelle help", () => {
  it("lists every command with a one-line French description, and the JSON formats", async () => {
    const { code, out } = await main(["help"]);
    expect(code).toBe(0);
    for (const command of ["check", "match", "preview", "reply", "purge", "help"])
      expect(out).toMatch(new RegExp(`^  passerelle ${command}\\b.*\\n?.* [a-zé]+ .+$`, "m"));
    expect(out).toContain("Formats JSON :");
    expect(out).toContain('rencontre : {"kind":"lunch"');
    expect(out).toContain('{"decision":"confirm|decline|unclear","reason","text"}');
  });

  it("says the four kinds of workbook every command recognises, and the cycle's JSON", async () => {
    const { out } = await main(["help"]);
    for (const kind of [
      "séminaire d'immersion",
      "rencontre méridienne",
      "cycle de rencontres",
      "immersion inversée",
    ])
      expect(out).toContain(kind);
    for (const template of [
      "seminaire.xlsx",
      "rencontre.xlsx",
      "cycle-rencontres.xlsx",
      "immersion-inversee.xlsx",
    ])
      expect(out).toContain(template);
    expect(out).toContain('cycle : {"kind":"cycle","talks"');
  });

  it("answers an unknown command with the usage and exit status 2, from the real executable", async () => {
    const failure = await run(process.execPath, [BIN, "affecter"]).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 2, stdout: "" });
    expect((failure as { stderr: string }).stderr).toContain("Commande inconnue : affecter\nUtilisation :");
  });

  it("answers no command, an unknown option or a missing path with exit status 2", async () => {
    expect(await main([])).toMatchObject({ code: 2, err: expect.stringContaining("Utilisation :") });
    expect(await main(["check", "x.xlsx", "--vite"])).toMatchObject({
      code: 2,
      err: expect.stringContaining("Option inconnue : --vite"),
    });
    expect(await main(["reply"])).toMatchObject({
      code: 2,
      err: expect.stringContaining("Il manque le chemin du fichier."),
    });
  });

  it("answers --help on every command with its synopsis, its options and exit status 0", async () => {
    for (const command of ["check", "match", "preview", "reply", "purge"]) {
      const result = await main([command, "--help"]);
      expect(result.code, command).toBe(0);
      expect(result.out).toMatch(new RegExp(`^Utilisation : passerelle ${command} <`));
      expect(result.out).toContain("--help");
      expect(result.out).toContain("Codes de sortie");
    }
    expect((await main(["preview", "-h"])).out).toContain("--at <instant>");
  });

  it("refuses a workbook that is not a .xlsx with exit status 1 and says how to convert it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cli-"));
    const ods = join(dir, "seminaire.ods");
    await writeFile(ods, "pas un classeur");
    const result = await main(["check", ods]);
    expect(result.code).toBe(1);
    expect(result.err).toContain("n'est pas un classeur .xlsx (extension .ods)");
    expect(result.err).toContain("soffice --headless --convert-to xlsx");
  });

  it("exits with status 1 when the file is missing", async () => {
    expect(await main(["match", "/nulle-part/absent.xlsx"])).toMatchObject({
      code: 1,
      err: "Fichier introuvable : /nulle-part/absent.xlsx",
    });
  });
});
