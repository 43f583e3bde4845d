/**
 * Kinds: the event's Statut tells the truth and what comes next; no field silently ignored (the
 * signed Reply-To shown by the preview, each warning once); tutors and participants told what
 * matters (needs for hosting; old → new in a change notice).
 */

import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { checkSnapshot } from "../../functions/app/check-workbook.js";
import { runPreview } from "../../functions/cli/preview.js";
import { eventModel, planMessages, type SeminarModel } from "../../functions/core/messages/index.js";
import { hostingNeeds } from "../../functions/core/messages/seminar.js";
import { readReplyAddress, tutorTag } from "../../functions/core/security/reply-token.js";
import { TABS } from "../../functions/core/sheet/schemas.js";
import type { TabValues } from "../../functions/ports.js";
import * as example from "../../sheets-templates/example-data.js";
import { testKeys } from "../support/ledger.js";
import { exampleFiles, lunchSnapshot } from "../support/workbooks.js";
import { EVENT, participant, people, placement, seminar } from "./fixtures.js";

const NOW = new Date("2027-03-01T10:00:00Z");

function convoked(snapshot: Map<string, TabValues>, tab: string): Map<string, TabValues> {
  const values = snapshot.get(tab)!;
  const column = values.rows[0]!.indexOf("Convocation");
  const next = new Map(snapshot);
  next.set(tab, {
    title: values.title,
    rows: values.rows.map((row, index) => {
      if (index === 0) return row;
      const copy = [...row];
      while (copy.length <= column) copy.push(null);
      copy[column] = "2027-03-01 11:00";
      return copy;
    }),
  });
  return next;
}

const summaryOf = (snapshot: Map<string, TabValues>, now: Date) =>
  checkSnapshot(snapshot, now).report.summary;

describe("the event's Statut tells where things stand", () => {
  it("asks for « Affecter » before the go", () => {
    expect(summaryOf(seminar(), NOW)).toContain("Prochaine étape : choisissez « Affecter » dans Action.");
  });

  it("after the go, says how many convocations left and when the reminders go", () => {
    const summary = summaryOf(convoked(seminar(), TABS.participants.name), NOW);
    expect(summary).toContain("Convocations envoyées : 3.");
    expect(summary).toContain("les rappels partent le 15 mars 2027 à 09h00");
    expect(summary).not.toContain("choisissez");
  });

  it("after the seminar, says it is over and when the survey left, never to send the convocations", () => {
    const summary = summaryOf(convoked(seminar(), TABS.participants.name), new Date("2027-03-25T10:00:00Z"));
    expect(summary).toContain("Le séminaire est terminé");
    expect(summary).toContain("Le questionnaire de satisfaction est parti le 19 mars 2027");
    expect(summary).not.toMatch(/choisissez|Envoyer les convocations/);
  });

  it("after the go of a lunch talk, says how many are confirmed and when the reminder goes", () => {
    const summary = summaryOf(convoked(lunchSnapshot(), TABS.registrations.name), NOW);
    expect(summary).toMatch(
      /Inscriptions confirmées : 45\. Prochaine étape : le rappel part le 7 avril 2027/,
    );
  });

  it("after the lunch talk, says it is over and reports no « date déjà passée » problem", () => {
    const summary = summaryOf(
      convoked(lunchSnapshot(), TABS.registrations.name),
      new Date("2027-04-20T12:00:00Z"),
    );
    expect(summary).toContain("La rencontre a eu lieu le 8 avril 2027");
    expect(summary).not.toContain("déjà passée");
    expect(summary).not.toContain("Confirmer les inscriptions");
  });
});

describe("no field silently ignored: the reply address", () => {
  it("no longer reads « Adresse de réponse » from the sheet: replies go where the configuration says", () => {
    expect(TABS.seminar.schema.shape).not.toHaveProperty("replyDomain");
    expect(JSON.stringify(example.seminarSettings)).not.toContain("Adresse de réponse");
  });

  it("accepts an older workbook that still has an « Adresse de réponse » line, without using it", () => {
    const old = seminar({ settings: { "Adresse de réponse": "ailleurs.example.org" } });
    const plan = planMessages(eventModel(old, testKeys(EVENT), NOW)!, NOW, {
      replyAddress: () => "r+signed@reponses.example.org",
    });
    const request = plan.messages.find((m) => m.kind === "demande-tuteur")!.render(NOW);
    expect(request.replyTo).toBe("r+signed@reponses.example.org");
    expect(JSON.stringify(request)).not.toContain("ailleurs.example.org");
  });

  it("sends the tutors' replies to the organizer when nothing is configured, and says so", () => {
    const plan = planMessages(eventModel(seminar(), testKeys(EVENT), NOW)!, NOW);
    const request = plan.messages.find((m) => m.kind === "demande-tuteur")!.render(NOW);
    expect(request.replyTo).toBe("organisation@seminaire.example.org");
    expect(plan.warnings).toContain(
      "Adresse de réponse signée non configurée : les réponses des tuteurs iront à l'organisateur.",
    );
  });

  it("warns once, not once per tutor, when no signed reply address is configured", () => {
    const plan = planMessages(eventModel(seminar(), testKeys(EVENT), NOW)!, NOW);
    const unsigned = plan.warnings.filter((warning) => warning.startsWith("Adresse de réponse signée"));
    expect(plan.messages.filter((m) => m.kind === "demande-tuteur").length).toBeGreaterThan(1);
    expect(unsigned).toHaveLength(1);
  });

  it("shows in the preview the signed Reply-To production sends each tutor when the configuration is given", async () => {
    const { seminar: path } = await exampleFiles();
    const { main } = await import("../../functions/cli/passerelle.js");
    await main(["match", path], NOW);
    const out = await mkdtemp(join(tmpdir(), "apercu-"));
    const secret = "un-secret-de-reponse-assez-long";
    const json = JSON.parse(
      await runPreview(path, {
        json: true,
        now: NOW,
        out,
        reply: { secret, domain: "reponses.example.org" },
      }),
    ) as { messages: { kind: string; to: string; eml: string }[]; warnings: string[] };
    const request = json.messages.find((m) => m.kind === "demande-tuteur")!;
    const mail = await simpleParser(await readFile(request.eml));
    const replyTo = mail.replyTo!.value[0]!.address!;
    expect(replyTo.endsWith("@reponses.example.org")).toBe(true);
    const read = readReplyAddress(replyTo, secret);
    expect(read.ok).toBe(true);
    if (read.ok) expect(read.claims.tutor).toBe(tutorTag(read.claims.event, request.to, secret));
    expect(json.warnings.filter((w) => w.startsWith("Adresse de réponse signée"))).toEqual([]);
    expect(new Set(json.warnings).size).toBe(json.warnings.length);
    // The preview draws every PDF the messages carry (certificates, rosters, the organizer's papers).
  }, 90_000);
});

describe("tutors and participants told what matters", () => {
  const withNeeds = (needs: string | null) =>
    seminar({
      participants: [participant({ ...people.claire, Besoins: needs }), participant(people.hugo)],
      placements: [people.claire.Email, people.hugo.Email].flatMap((email) => [
        placement(email, "Matin"),
        placement(email, "Après-midi"),
      ]),
    });
  const requestText = (snapshot: Map<string, TabValues>) =>
    planMessages(eventModel(snapshot, testKeys(EVENT), NOW)!, NOW)
      .messages.filter((m) => m.kind === "demande-tuteur")
      .map((m) => m.render(NOW).text)
      .join("\n");

  it("lists a participant's step-free access need in the tutor's request", () => {
    expect(requestText(withNeeds("PMR"))).toContain(
      "Besoins pour l'accueil : accès de plain-pied nécessaire (PMR)",
    );
  });

  it("keeps every other need as typed, next to the person it concerns", () => {
    const text = requestText(withNeeds("Malentendante : boucle magnétique ; régime sans gluten"));
    expect(text).toMatch(
      /Claire Martin[^\n]*\n[^\n]*Besoins pour l'accueil : Malentendante : boucle magnétique ; régime sans gluten/,
    );
  });

  it("adds no Besoins line for a participant without needs", () => {
    expect(requestText(withNeeds(null))).not.toContain("Besoins pour l'accueil");
  });

  it.each([
    ["wheelchair", "accès de plain-pied nécessaire (PMR)"],
    ["fauteuil roulant", "accès de plain-pied nécessaire (PMR)"],
    ["pmr\nchien guide", "accès de plain-pied nécessaire (PMR) ; chien guide"],
  ])("spells out the need %j for a tutor", (needs, expected) => {
    expect(hostingNeeds(needs)).toBe(expected);
  });

  it("sends the tutor a new request when a hosted participant's needs change", () => {
    const tutorKeys = (snapshot: Map<string, TabValues>) =>
      (eventModel(snapshot, testKeys(EVENT), NOW) as SeminarModel).tutors.map((tutor) => tutor.fingerprint);
    expect(tutorKeys(withNeeds("PMR"))).not.toEqual(tutorKeys(withNeeds(null)));
  });
});
