import { describe, expect, it } from "vitest";
import { parseArgs } from "../../functions/local/main.js";

describe("npm start's options", () => {
  it("keeps each example in its own folder, so simulating the lunch talk leaves the seminar's files alone", () => {
    const folders = [
      ["--simulate"],
      ["--simulate", "--lunch"],
      [],
      ["--lunch"],
      ["--simulate", "--cycle"],
      ["--simulate", "--inversee"],
    ].map((argv) => {
      const options = parseArgs(argv);
      if (typeof options === "string") throw new Error(options);
      return options.dir;
    });
    expect(new Set(folders).size).toBe(6);
    for (const folder of folders.slice(1)) expect(folder.startsWith(`${folders[0]}/`)).toBe(false);
  });

  it("answers an unknown flag with the French usage", () => {
    expect(parseArgs(["--lunc"])).toContain("Usage : npm start");
  });
});
