import { existsSync } from "node:fs";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { readReplyFolder } from "../../functions/local/replies.js";

const REPLY = [
  "From: Marc Le Goff <marc.le-goff@mairie.example.org>",
  "To: reponse+jeton@reponses.passerelle.localhost",
  "Subject: Re: Accueil",
  "Message-ID: <r1@mairie.example.org>",
  "",
  "Je confirme.",
  "",
].join("\r\n");

async function folderWith(files: Record<string, string>): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "passerelle-reponses-"));
  await mkdir(join(folder, "traitees"));
  for (const [name, text] of Object.entries(files)) await writeFile(join(folder, name), text);
  return folder;
}

describe("the local reply folder", () => {
  test("a reply the function answers 500 stays in reponses/ and is read again at the next look", async () => {
    const folder = await folderWith({ "marc.eml": REPLY });
    const statuses = [500, 200];
    const received: string[] = [];
    const first = await readReplyFolder(folder, async (_raw, to) => {
      received.push(to);
      return statuses.shift() ?? 200;
    });
    expect(first).toEqual([{ file: "marc.eml", from: "Marc Le Goff", outcome: "retry", status: 500 }]);
    expect(existsSync(join(folder, "marc.eml"))).toBe(true);
    expect(existsSync(join(folder, "traitees", "marc.eml"))).toBe(false);

    const second = await readReplyFolder(folder, async (_raw, to) => {
      received.push(to);
      return statuses.shift() ?? 200;
    });
    expect(second).toEqual([{ file: "marc.eml", from: "Marc Le Goff", outcome: "accepted", status: 200 }]);
    expect(received).toEqual([
      "reponse+jeton@reponses.passerelle.localhost",
      "reponse+jeton@reponses.passerelle.localhost",
    ]);
    expect(existsSync(join(folder, "marc.eml"))).toBe(false);
    expect(existsSync(join(folder, "traitees", "marc.eml"))).toBe(true);
  });

  test("a reply whose delivery throws stays too", async () => {
    const folder = await folderWith({ "marc.eml": REPLY });
    const outcomes = await readReplyFolder(folder, async () => {
      throw new Error("connexion refusée");
    });
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(["retry"]);
    expect(existsSync(join(folder, "marc.eml"))).toBe(true);
  });

  test("a message addressed to no reply address is set aside, never delivered", async () => {
    const folder = await folderWith({ "autre.eml": REPLY.replace("reponse+jeton@", "contact@") });
    let calls = 0;
    const outcomes = await readReplyFolder(folder, async () => {
      calls++;
      return 200;
    });
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(["ignored"]);
    expect(calls).toBe(0);
    expect(existsSync(join(folder, "traitees", "autre.eml"))).toBe(true);
  });
});
