/**
 * One rule per value: the survey link the check accepts is the link the feedback message writes,
 * and the check refuses, on the row, what the renderer would refuse.
 */
import { describe, expect, it } from "vitest";
import { checkLunch } from "../../functions/core/checks/check-lunch.js";
import { checkSeminar } from "../../functions/core/checks/check-seminar.js";
import { renderFeedbackRequest } from "../../functions/core/messages/seminar.js";
import { webLink } from "../../functions/core/text/safe-text.js";
import * as example from "../../sheets-templates/example-data.js";
import { lunchSnapshot, seminarSnapshot } from "../support/workbooks.js";

const NOW = new Date("2027-02-01T09:00:00Z");
const LINKS = [
  "https://questionnaire.example.org/mon questionnaire",
  'https://questionnaire.example.org/"x"',
  "https://questionnaire.example.org/<script>",
  "mailto:organisation@seminaire.example.org",
  "javascript:alert(1)",
  "ftp://questionnaire.example.org/avis",
  "https://",
  "questionnaire.example.org/avis",
  "https://questionnaire.example.org/avis?session=mars%202027",
  "http://questionnaire.example.org/avis",
];

function seminarAccepts(link: string): boolean {
  const result = checkSeminar(
    seminarSnapshot({ settings: { ...example.seminarSettings, "Lien questionnaire": link } }),
    NOW,
  );
  return !result.seminarProblems.join("\n").includes("Lien questionnaire");
}

function lunchAccepts(link: string): boolean {
  const result = checkLunch(lunchSnapshot({ ...example.lunchSettings, "Lien questionnaire": link }), NOW);
  return !JSON.stringify(result).includes("n'est pas un lien web");
}

function renders(link: string): boolean {
  try {
    renderFeedbackRequest({
      info: { title: "Vivez ma vie d'usager", organizerEmail: "organisation@seminaire.example.org" },
      recipient: "Claire",
      link,
    });
    return true;
  } catch {
    return false;
  }
}

describe("the survey link", () => {
  it.each(LINKS)("is accepted by the checks exactly when the feedback message can be written: %s", (link) => {
    const writable = renders(link);
    expect(webLink(link) !== null).toBe(writable);
    expect(seminarAccepts(link)).toBe(writable);
    expect(lunchAccepts(link)).toBe(writable);
  });

  it("tells the organizer, on the parameters tab, what to fix in a link with a space", () => {
    const result = checkSeminar(
      seminarSnapshot({ settings: { ...example.seminarSettings, "Lien questionnaire": LINKS[0]! } }),
      NOW,
    );
    expect(result.seminarProblems.join("\n")).toContain("sans espace ni guillemet (une espace s'écrit %20)");
  });
});
