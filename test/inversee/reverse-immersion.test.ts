/**
 * The reverse immersion read as a seminar: hosts become structures with one tutor (themself),
 * participants stay participants, and the seminar's checks, matching and messages run on it; what
 * they write lands on the reverse workbook's own tabs.
 */
import { describe, expect, it } from "vitest";
import { sharedSolver } from "../../functions/adapters/highs-solver.js";
import { checkWorkbook } from "../../functions/app/check-workbook.js";
import { matchWorkbook } from "../../functions/app/match-workbook.js";
import { ReverseAwareWorkbook } from "../../functions/app/reverse-workbook.js";
import { seminarModel } from "../../functions/core/event/model.js";
import type { HostRow } from "../../functions/core/inversee/schemas.js";
import {
  hostName,
  NO_ADDRESS_DOMAIN,
  reverseMotif,
  seminarView,
  wishHosts,
  wishResolver,
} from "../../functions/core/inversee/view.js";
import { solvePlacements } from "../../functions/core/matching/index.js";
import { planMessages } from "../../functions/core/messages/plan.js";
import { cellText } from "../../functions/core/sheet/cells.js";
import type { Cell } from "../../functions/ports.js";
import * as example from "../../sheets-templates/example-inversee.js";
import { testKeys } from "../support/ledger.js";
import { MemoryWorkbook, seminarSnapshot } from "../support/workbooks.js";
import { reverseSnapshot } from "./fixtures.js";

const NOW = new Date("2027-04-19T07:00:00Z");
const solver = sharedSolver();
const solve: Parameters<typeof matchWorkbook>[2] = (problem, options) =>
  solvePlacements(problem, { ...options, timeLimitSeconds: 20 }, solver);

/** A tab's rows as records by header. */
function records(memory: MemoryWorkbook, tab: string): Record<string, Cell>[] {
  const [header = [], ...rows] = memory.tabs.get(tab) ?? [];
  return rows.map((row) =>
    Object.fromEntries(header.map((name, index) => [cellText(name), row[index] ?? null])),
  );
}

describe("the seminar view of a reverse immersion", () => {
  it("reads each host as a structure whose one tutor is the host, with their slots and capacity", () => {
    const view = seminarView(reverseSnapshot());
    const structures = view.snapshot.get("Structures")!.rows;
    const tutors = view.snapshot.get("Tuteurs")!.rows;
    expect(structures[1]).toEqual([
      "Sylvie Aubert",
      "Autre",
      "Préfecture du Rhône",
      "18 rue de Bonnel, 69003 Lyon",
      "Accueil physique",
      "Oui",
      expect.stringContaining("Préfète déléguée"),
      "",
    ]);
    expect(tutors[2]?.slice(0, 7)).toEqual([
      "Rochette",
      "Marc",
      "marc.rochette@prefecture.example.org",
      "Marc Rochette",
      "Accueil physique",
      "Matin",
      1,
    ]);
    expect(view.snapshot.get("Séminaire")?.title).toBe("Immersion");
  });

  it("counts a wish naming an organisme or a type of institution for each of its hosts, in the order of Hôtes", () => {
    const hosts = example.hosts.map((row) => ({
      lastName: row.Nom,
      firstName: row.Prénom,
      employer: row.Organisme,
      institution: row["Type d'institution"],
    })) as unknown as HostRow[];
    const resolve = wishResolver(hosts);
    // A type of institution is one wish too: its hosts, any of which meets it.
    expect(resolve(["Préfecture", "Anne Delorme"])).toEqual([
      "Sylvie Aubert | Marc Rochette",
      "Anne Delorme",
    ]);
    // An organisme is one wish, whichever of its hosts meets it; a type of institution, its hosts.
    expect(resolve(["CAF du Rhône", "Mairie", "Lune"])).toEqual(["CAF du Rhône", "Hélène Giraud", "Lune"]);
    expect(resolve(["Préfecture du Rhône", "Anne Delorme"])).toEqual(["Préfecture du Rhône", "Anne Delorme"]);
    expect(hosts.map(hostName)).toContain("Louis Chabert");
  });

  it("gives a service user without an address an identity that receives nothing, and their registrar's address", () => {
    const view = seminarView(reverseSnapshot());
    const [header = [], ...rows] = view.snapshot.get("Participants")!.rows;
    const email = header.indexOf("Email");
    const careOf = header.indexOf("Convocation à");
    const benyamina = rows.find((row) => row[0] === "Benyamina")!;
    const collin = rows.find((row) => row[0] === "Collin")!;
    expect(cellText(benyamina[email] ?? null)).toMatch(
      new RegExp(`@${NO_ADDRESS_DOMAIN.replace(".", "\\.")}$`),
    );
    expect(benyamina[email]).not.toBe(collin[email]);
    expect(benyamina[careOf]).toBe("accueil@entraide-lyon8.example.org");
    const dupuis = rows.find((row) => row[0] === "Dupuis")!;
    expect(dupuis[email]).toBe("gerard.dupuis@usagers.example.org");
    expect(dupuis[careOf]).toBeNull();
  });
});

describe("checking a reverse immersion", () => {
  it("writes every problem in French on the row of Hôtes or Participants where it is, and OK elsewhere", async () => {
    const hosts = example.hosts.map((row, index) => (index === 1 ? { ...row, Capacité: 3 } : row));
    const visitors = [
      ...example.visitors,
      {
        ...example.visitors[0],
        Nom: "Sans",
        Prénom: "Organisme",
        Email: "so@agents.example.org",
        Organisme: null,
      },
    ];
    const memory = new MemoryWorkbook(reverseSnapshot({ hosts, visitors }), "inversee-test");
    await checkWorkbook(new ReverseAwareWorkbook(memory), NOW);
    const hostStatus = records(memory, "Hôtes").map((row) => cellText(row.Statut ?? null));
    expect(hostStatus[1]).toMatch(/^bloquant : Capacité/);
    expect(hostStatus.filter((status) => status === "OK")).toHaveLength(example.hosts.length - 1);
    const status = new Map(
      records(memory, "Participants").map((row) => [row.Nom, cellText(row.Statut ?? null)]),
    );
    expect(status.get("Haddad")).toMatch(/bloquant : Consentement/);
    expect(status.get("Leroy")).toContain("Usager sans adresse et sans « Email de l'inscripteur »");
    // A service user has no address of their own: only the lack of both is said, once.
    expect(status.get("Leroy")).not.toMatch(/^(bloquant : )?Email : /m);
    expect(status.get("Sans")).toContain("un agent n'est jamais accueilli par son propre organisme");
    for (const name of ["Lambert", "Benyamina", "Collin", "Dupuis"]) expect(status.get(name)).toBe("OK");
    // The seminar's tabs are a view: nothing is written under their names.
    expect([...memory.tabs.keys()].sort()).toEqual([
      "Hôtes",
      "Immersion",
      "Journal",
      "Participants",
      "Programme",
    ]);
    expect(
      cellText(records(memory, "Immersion").find((row) => row.Paramètre === "Statut")?.Valeur ?? null),
    ).toMatch(/^Vérifié le/);
  });
});

describe("placing the visitors of a reverse immersion", () => {
  it("never places anyone with a host of their own organisme, nor without consent, within each host's slots and capacity", async () => {
    const memory = new MemoryWorkbook(reverseSnapshot(), "inversee-test");
    const report = await matchWorkbook(new ReverseAwareWorkbook(memory), NOW, solve);
    expect(report.ok).toBe(true);
    const placements = records(memory, "Affectations");
    const [header] = memory.tabs.get("Affectations") ?? [];
    expect(header).toEqual(expect.arrayContaining(["Hôte", "À voir", "Email hôte", "Nom de l'hôte"]));
    const hosts = new Map(example.hosts.map((row) => [`${row.Prénom} ${row.Nom}`, row]));
    const visitors = new Map(example.visitors.map((row) => [`${row.Prénom} ${row.Nom}`, row]));
    expect(placements.length).toBeGreaterThan(0);
    const load = new Map<string, number>();
    for (const placement of placements) {
      const host = hosts.get(cellText(placement.Hôte ?? null))!;
      const visitor = visitors.get(cellText(placement.Participant ?? null))!;
      expect(visitor.Organisme).not.toBe(host.Organisme);
      expect(placement["À voir"]).toBe(host["À voir"]);
      const slots = cellText(host.Créneaux ?? null);
      if (slots !== "Tous") expect(slots).toBe(placement.Créneau);
      const key = `${placement.Hôte}|${placement.Créneau}`;
      load.set(key, (load.get(key) ?? 0) + 1);
      expect(load.get(key)).toBeLessThanOrEqual(Number(host.Capacité));
    }
    const placed = new Set(placements.map((placement) => placement.Participant));
    expect(placed.has("Nora Haddad")).toBe(false);
    expect(placed.has("Patrick Leroy")).toBe(false);
    expect(placed.has("Farid Benyamina")).toBe(true);
    // The infirmière of the Hospices civils wished for their director: her own organisme, refused.
    expect(placements.some((p) => p.Participant === "Amina Roux" && p.Hôte === "Louis Chabert")).toBe(false);
  });

  it("addresses a service user's convocation to whoever registered them, and nothing to an address that cannot receive", async () => {
    const memory = new MemoryWorkbook(reverseSnapshot(), "inversee-test");
    const workbook = new ReverseAwareWorkbook(memory);
    await matchWorkbook(workbook, NOW, solve);
    const snapshot = await workbook.read([
      "Séminaire",
      "Programme",
      "Structures",
      "Tuteurs",
      "Participants",
      "Affectations",
      "Journal",
    ]);
    const model = seminarModel(snapshot, testKeys("inversee-test"), NOW);
    const plan = planMessages(model, NOW);
    const convocations = plan.messages.filter((message) => message.kind === "convocation");
    const toAssociation = convocations.filter(
      (message) => message.to.address === "accueil@entraide-lyon8.example.org",
    );
    expect(toAssociation.map((message) => message.to.name).sort()).toEqual([
      "Farid Benyamina",
      "Maryse Collin",
    ]);
    expect(new Set(toAssociation.map((message) => message.key)).size).toBe(2);
    expect(plan.messages.every((message) => !message.to.address.endsWith(NO_ADDRESS_DOMAIN))).toBe(true);
    const tutorRequest = plan.messages.find((message) => message.kind === "demande-tuteur");
    const request = tutorRequest?.render(NOW).text ?? "";
    expect(request).toContain("journée de décideur");
    expect(request).toMatch(/Rendez-vous : .*Lyon|Rendez-vous : .*Villeurbanne/);
    expect(request).toContain("Vous suivra :");
    expect(request).toContain("un autre hôte");
    const letter = toAssociation[0]!.render(NOW).text;
    expect(letter).toContain("Vous avez inscrit");
    expect(letter).toContain("Son hôte :");
    expect(letter).not.toMatch(/tuteur|Train de retour/i);
  });
});

describe("numbering the wishes of a reverse immersion", () => {
  it("numbers a placement by the visitor's own wish, a wish naming an organisme counting once", async () => {
    const visitor = {
      ...example.visitors[0],
      Nom: "Vœux",
      Prénom: "Trois",
      Email: "trois.voeux@agents.example.org",
      "Vœu 1": "Préfecture",
      "Vœu 2": "Anne Delorme",
      "Vœu 3": null,
    };
    const view = seminarView(reverseSnapshot({ visitors: [...example.visitors, visitor] }));
    const numbers = view.wishNumbers.get("trois.voeux@agents.example.org");
    expect([...(numbers ?? [])]).toEqual([
      ["sylvie aubert", 1],
      ["marc rochette", 1],
      ["anne delorme", 2],
    ]);
    // The matching ranks Anne Delorme third, after the two hosts of the Préfecture.
    expect(reverseMotif(view, "Trois.Voeux@agents.example.org", "Anne Delorme", "Vœu 3")).toBe("Vœu 2");
    expect(reverseMotif(view, "trois.voeux@agents.example.org", "Marc Rochette", "Vœu 2")).toBe("Vœu 1");
    expect(reverseMotif(view, "trois.voeux@agents.example.org", "Louis Chabert", "Verrouillé")).toBe(
      "Verrouillé",
    );

    const memory = new MemoryWorkbook(reverseSnapshot(), "inversee-test");
    await matchWorkbook(new ReverseAwareWorkbook(memory), NOW, solve);
    const hosts = example.hosts.map((row) => ({
      lastName: row.Nom,
      firstName: row.Prénom,
      employer: row.Organisme,
      institution: row["Type d'institution"],
    })) as unknown as HostRow[];
    const hostsOf = wishHosts(hosts);
    const wishesOf = new Map(
      example.visitors.map((row) => [`${row.Prénom} ${row.Nom}`, [row["Vœu 1"], row["Vœu 2"], row["Vœu 3"]]]),
    );
    const numbered = records(memory, "Affectations").filter((row) =>
      /^Vœu \d$/.test(cellText(row.Motif ?? null)),
    );
    expect(numbered.length).toBeGreaterThan(10);
    for (const row of numbered) {
      const own = wishesOf.get(cellText(row.Participant ?? null)) ?? [];
      const expected =
        own.findIndex((wish) =>
          hostsOf(wish ? String(wish) : undefined).includes(cellText(row.Hôte ?? null)),
        ) + 1;
      expect(`${row.Participant} → ${row.Hôte} : ${row.Motif}`).toBe(
        `${row.Participant} → ${row.Hôte} : Vœu ${expected}`,
      );
    }
  });
});

describe("the workbook that holds a reverse immersion", () => {
  it("maps a use case's writes with the view it read, even after a read of the Journal alone", async () => {
    const memory = new MemoryWorkbook(reverseSnapshot(), "inversee-test");
    const workbook = new ReverseAwareWorkbook(memory);
    const snapshot = await workbook.read(["Séminaire", "Participants", "Tuteurs", "Structures"]);
    await workbook.read(["Journal"]);
    const [header = []] = snapshot.get("Participants")!.rows;
    const status = header.indexOf("Statut") + 1;
    const leroy = snapshot.get("Participants")!.rows.findIndex((row) => row[0] === "Leroy") + 1;
    await workbook.write({ cells: [{ tab: "Participants", row: leroy, column: status, value: "OK" }] });
    const written = records(memory, "Participants").find((row) => row.Nom === "Leroy");
    expect(written?.Statut).toContain("Usager sans adresse");
  });

  it("leaves a seminar's reads and writes as they are", async () => {
    const memory = new MemoryWorkbook(seminarSnapshot(), "seminaire-test");
    const workbook = new ReverseAwareWorkbook(memory);
    const snapshot = await workbook.read(["Séminaire", "Tuteurs"]);
    expect([...snapshot.keys()]).toEqual(["Séminaire", "Tuteurs"]);
    await workbook.write({ cells: [{ tab: "Tuteurs", row: 2, column: 1, value: "Nouveau" }] });
    expect(memory.cell("Tuteurs", 2, 1)).toBe("Nouveau");
  });
});
