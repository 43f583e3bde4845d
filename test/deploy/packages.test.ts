import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";

interface Manifest {
  version: string;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
const read = (path: string): Manifest =>
  JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), "utf8")) as Manifest;
const root = read("package.json");
const cli = read("packaging/package.json");

/** What only the command line, the local mode, the workflow runner and the templates load. */
const TOOLING = ["exceljs", "yaml"];

describe("the two packages", () => {
  test("the deployed functions' dependencies hold none of the command line's own packages", () => {
    for (const name of TOOLING) expect(root.dependencies).not.toHaveProperty(name);
  });

  test("the command line's package installs the functions' dependencies and its own, at the repository's versions", () => {
    const expected = { ...root.dependencies };
    for (const name of TOOLING) expected[name] = root.devDependencies?.[name] ?? "missing";
    expect(cli.dependencies).toEqual(expected);
    expect(cli.version).toBe(root.version);
    expect(cli.bin).toEqual(root.bin);
  });
});
