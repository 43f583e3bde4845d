/**
 * A service user without an address: every message about them goes to whoever registered them,
 * and is written to that person — greeted neutrally, told whom it is about and what to pass on —
 * while the certificate itself stays in the user's name.
 */
import { describe, expect, it } from "vitest";
import { sharedSolver } from "../../functions/adapters/highs-solver.js";
import { matchWorkbook } from "../../functions/app/match-workbook.js";
import { ReverseAwareWorkbook } from "../../functions/app/reverse-workbook.js";
import { MESSAGE_TABS, seminarModel } from "../../functions/core/event/model.js";
import { seminarView } from "../../functions/core/inversee/view.js";
import { solvePlacements } from "../../functions/core/matching/index.js";
import { renderCertificateMessage } from "../../functions/core/messages/document-messages.js";
import { planMessages } from "../../functions/core/messages/plan.js";
import { renderCancellation } from "../../functions/core/messages/seminar.js";
import { testKeys } from "../support/ledger.js";
import { MemoryWorkbook } from "../support/workbooks.js";
import { reverseSnapshot } from "./fixtures.js";

const NOW = new Date("2027-04-19T07:00:00Z");
const REGISTRAR = "accueil@entraide-lyon8.example.org";
const solver = sharedSolver();

/** Written to the registrar about `person`: never greeting the person, saying whom it is about. */
function expectToRegistrar(text: string, person: string): void {
  expect(text).toMatch(/^Bonjour,$/m);
  expect(text).not.toContain(`Bonjour ${person}`);
  expect(text).toMatch(new RegExp(`Vous avez inscrit ${person}|${person}, que vous avez inscrit\\(e\\)`));
}

describe("messages about a service user, to whoever registered them", () => {
  it("greets the registrar and says whom the convocation, reminder and survey are about", async () => {
    const memory = new MemoryWorkbook(reverseSnapshot(), "inversee-inscripteur");
    const workbook = new ReverseAwareWorkbook(memory);
    await matchWorkbook(workbook, NOW, (problem, options) =>
      solvePlacements(problem, { ...options, timeLimitSeconds: 20 }, solver),
    );
    const model = seminarModel(await workbook.read(MESSAGE_TABS), testKeys("inversee-inscripteur"), NOW);
    const plan = planMessages(model, NOW, {});
    const toRegistrar = plan.messages.filter((message) => message.to.address === REGISTRAR);
    expect(new Set(toRegistrar.map((message) => message.kind))).toEqual(
      new Set(["convocation", "rappel", "questionnaire"]),
    );
    for (const message of toRegistrar) {
      const person = message.to.name;
      const rendered = message.render(NOW);
      const { subject, text } = rendered;
      expectToRegistrar(text, person);
      // The address is the registrar's: no display name of the person on it; every subject names them,
      // so that a registrar of several people tells their messages apart.
      expect(rendered.to).toBe(REGISTRAR);
      expect(subject.split(person).length - 1).toBe(1);
      expect(text).toMatch(/lui transmettre|lui rappeler/);
      expect(text).not.toMatch(/Votre hôte|vous suivez votre hôte|vos réponses/);
    }
    const reminder = toRegistrar.find((message) => message.kind === "rappel")!.render(NOW).text;
    expect(reminder).toMatch(/que vous avez inscrit\(e\), est attendu\(e\) à l'immersion/);
    expect(reminder).toContain("Son hôte :");
  });

  it("tells the registrar of a cancellation, and hands them the certificate in the user's name", () => {
    const view = seminarView(reverseSnapshot()).snapshot;
    const info = seminarModel(view, testKeys("inversee-inscripteur"), NOW).info;
    const cancelled = renderCancellation({
      info,
      participant: {
        row: 9,
        email: "usager-0123456789@sans-adresse.invalid",
        firstName: "Farid",
        lastName: "Benyamina",
        announced: [],
        careOf: REGISTRAR,
      },
      sequence: 1,
      stamp: NOW,
    });
    expectToRegistrar(cancelled.text, "Farid Benyamina");
    expect(cancelled.text).toContain(
      "La participation de Farid Benyamina, que vous avez inscrit(e), à l'immersion",
    );
    const certificate = renderCertificateMessage({
      info: { title: info.title, organizerEmail: info.organizerEmail },
      recipient: "Farid Benyamina",
      link: "https://questionnaire.example.org/x",
      careOf: true,
    });
    expectToRegistrar(certificate.text, "Farid Benyamina");
    expect(certificate.subject).toBe(`Attestation de présence de Farid Benyamina — ${info.title}`);
    expect(certificate.text).toContain("son attestation de présence (PDF), à son nom");
  });
});
