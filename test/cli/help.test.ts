import { execFile } from "node:child_process";
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
});
