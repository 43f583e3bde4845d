/**
 * Seeded generator of realistic immersion instances, for tests and the benchmark: six structure
 * types across departments of western France, French employers and publics, wishes skewed towards
 * the popular types (emergency wards, family allowance offices), some step-free needs, and tutor
 * capacity scaled to the number of participants (`tight`: barely enough).
 */
import type { MatchingProblem, Participant, Structure, Tutor } from "./types.js";

export interface InstanceOptions {
  readonly participants: number;
  readonly seed: number;
  /** Capacity per slot only ~3% above the number of participants (default: ~35%). */
  readonly tight?: boolean;
  readonly slots?: readonly string[];
}

const DEPARTMENTS = [
  ["Ille-et-Vilaine", "Rennes", "d'"],
  ["Finistère", "Brest", "du "],
  ["Morbihan", "Vannes", "du "],
  ["Côtes-d'Armor", "Saint-Brieuc", "des "],
  ["Loire-Atlantique", "Nantes", "de "],
  ["Mayenne", "Laval", "de la "],
  ["Sarthe", "Le Mans", "de la "],
  ["Maine-et-Loire", "Angers", "du "],
  ["Vendée", "La Roche-sur-Yon", "de la "],
  ["Manche", "Saint-Lô", "de la "],
  ["Calvados", "Caen", "du "],
  ["Orne", "Alençon", "de l'"],
] as const;

const QUARTERS = [
  "Centre",
  "Nord",
  "Sud",
  "Gare",
  "Est",
  "Ouest",
  "Bourg",
  "Port",
  "Plateau",
  "Saint-Martin",
];
const TYPES = ["CAF", "CPAM", "CCAS", "Urgences", "CHRS", "France Travail"] as const;
/** How often each type is wished: the popular types are oversubscribed. */
const POPULARITY: Record<(typeof TYPES)[number], number> = {
  Urgences: 0.28,
  CAF: 0.22,
  "France Travail": 0.18,
  CCAS: 0.12,
  CHRS: 0.12,
  CPAM: 0.08,
};
const CHRS_OPERATORS = [
  "Association Saint-Benoît-Labre",
  "Fondation de l'Armée du Salut",
  "Emmaüs Solidarité",
  "Coallia",
];
const SITUATIONS = ["Accueil physique", "Accueil téléphonique", "Contrôle sur place"] as const;
const FIRST_NAMES = [
  "Camille",
  "Louis",
  "Léa",
  "Hugo",
  "Manon",
  "Jules",
  "Chloé",
  "Gabriel",
  "Inès",
  "Arthur",
  "Zoé",
  "Nathan",
  "Élodie",
  "Yann",
  "Maëlle",
  "Loïc",
  "Anaïs",
  "Erwan",
  "Soizic",
  "Tanguy",
];
const LAST_NAMES = [
  "Le Gall",
  "Martin",
  "Bernard",
  "Le Goff",
  "Morvan",
  "Dubois",
  "Guillou",
  "Petit",
  "Le Roux",
  "Moreau",
  "Tanguy",
  "Fournier",
  "Kerhervé",
  "Lefèvre",
  "Riou",
  "Garnier",
  "Quéré",
  "Rousseau",
  "Le Bihan",
  "Faure",
];

function employers(dep: (typeof DEPARTMENTS)[number]): [string, string][] {
  const [name, city, of] = dep;
  return [
    [`Préfecture ${of}${name}`, "Fonctionnaire d'État"],
    [`Conseil départemental ${of}${name}`, "Fonctionnaire territorial"],
    [`Conseil départemental ${of}${name}`, "Élu"],
    [`Ville de ${city}`, "Élu"],
    [`Ville de ${city}`, "Fonctionnaire territorial"],
    [`CAF ${of}${name}`, "Sécurité sociale"],
    [`CPAM ${of}${name}`, "Sécurité sociale"],
    [`Centre hospitalier de ${city}`, "Hôpital"],
    ["France Travail", "Fonctionnaire d'État"],
    [`DDETS ${of}${name}`, "Fonctionnaire d'État"],
    ["Ouest-France", "Journaliste"],
    ["Le Télégramme", "Journaliste"],
    ["La Poste", "Entreprise"],
    ["Crédit Mutuel Arkéa", "Entreprise"],
    [`Rectorat de ${city}`, "Enseignant"],
    [`Lycée de ${city}`, "Enseignant"],
  ];
}

export function generateInstance(options: InstanceOptions): MatchingProblem {
  const random = mulberry32(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const slots = options.slots ?? ["Matin", "Après-midi"];
  const n = options.participants;
  const departments = DEPARTMENTS.slice(0, Math.max(1, Math.min(DEPARTMENTS.length, Math.ceil(n / 250))));
  const factor = options.tight ? 1.03 : 1.35;

  const structures: Structure[] = [];
  const tutors: Tutor[] = [];
  const slotCapacity = slots.map(() => 0);
  let k = 0;
  while (Math.min(...slotCapacity) < n * factor || structures.length < TYPES.length) {
    const type = TYPES[k % TYPES.length]!;
    const dep = departments[Math.floor(k / TYPES.length) % departments.length]!;
    const [depName, city, of] = dep;
    const organisme =
      type === "CAF"
        ? `CAF ${of}${depName}`
        : type === "CPAM"
          ? `CPAM ${of}${depName}`
          : type === "CCAS"
            ? `Ville de ${city}`
            : type === "Urgences"
              ? `Centre hospitalier de ${city}`
              : type === "CHRS"
                ? pick(CHRS_OPERATORS)
                : "France Travail";
    const name = `${type} ${city} ${QUARTERS[Math.floor(k / (TYPES.length * departments.length)) % QUARTERS.length]} ${k + 1}`;
    const situations = SITUATIONS.filter((_, i) => random() < [0.9, 0.5, 0.3][i]!);
    if (situations.length === 0) situations.push("Accueil physique");
    structures.push({ name, type, organisme, situations, stepFree: random() < 0.7 });
    const domain = `${type.toLowerCase().replace(/\s+/g, "-")}-${k + 1}.example.fr`;
    for (const situation of situations) {
      const count = 1 + Math.floor(random() * 2);
      for (let t = 0; t < count; t++) {
        const roll = random();
        const tutorSlots = slots.length > 1 && roll > 0.8 ? [slots[roll > 0.9 ? 0 : 1]!] : ("all" as const);
        const capacity = random() < 0.7 ? 2 : random() < 0.5 ? 1 : 3;
        tutors.push({
          id: `tuteur.${tutors.length + 1}@${domain}`,
          structure: name,
          situation,
          slots: tutorSlots,
          capacity,
          declined: false,
        });
        slots.forEach((slot, i) => {
          if (tutorSlots === "all" || tutorSlots.includes(slot)) slotCapacity[i]! += capacity;
        });
      }
    }
    k++;
  }

  const popularity = Object.entries(POPULARITY);
  const wishType = () => {
    let r = random();
    for (const [type, weight] of popularity) {
      r -= weight;
      if (r <= 0) return type;
    }
    return "CAF";
  };
  const participants: Participant[] = [];
  for (let i = 0; i < n; i++) {
    const dep = pick(departments);
    const [organisme, category] = pick(employers(dep));
    const wishCount = random() < 0.05 ? 0 : random() < 0.1 ? 1 + Math.floor(random() * 2) : 3;
    const wishes: string[] = [];
    while (wishes.length < wishCount) {
      const wish = random() < 0.15 ? pick(structures).name : wishType();
      if (!wishes.includes(wish)) wishes.push(wish);
    }
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    const email = `${first}.${last}.${i + 1}@example.org`
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[\s']/g, "-")
      .toLowerCase();
    participants.push({
      id: email,
      organisme,
      public: category,
      wishes,
      needsStepFree: random() < 0.04,
      order: i + 1,
    });
  }
  return { participants, structures, tutors, slots };
}

/** A small, fast, seedable PRNG: the same seed gives the same instance on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
