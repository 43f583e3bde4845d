// Builds the command line's package in this folder: the compiled sources (dist/), the `passerelle`
// launcher, the workbook templates and the README, all copied from the repository above.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
for (const generated of ["dist", "bin", "sheets-templates", "README.md"]) {
  rmSync(join(here, generated), { recursive: true, force: true });
}
execFileSync(
  process.execPath,
  [
    join(root, "node_modules/typescript/bin/tsc"),
    "-p",
    join(root, "tsconfig.build.json"),
    "--outDir",
    join(here, "dist"),
  ],
  { stdio: "inherit" },
);
mkdirSync(join(here, "bin"));
cpSync(join(root, "bin/passerelle.js"), join(here, "bin/passerelle.js"));
mkdirSync(join(here, "sheets-templates"));
for (const name of readdirSync(join(root, "sheets-templates")).filter((n) => n.endsWith(".xlsx"))) {
  cpSync(join(root, "sheets-templates", name), join(here, "sheets-templates", name));
}
cpSync(join(root, "README.md"), join(here, "README.md"));
