import { describe, expect, test } from "vitest";
import { DEFAULT_ZONE, eventZone, inZone } from "../../functions/core/settings/event-settings.js";
import {
  frenchDateTime,
  frenchTime,
  ofName,
  plural,
  pluralSuffix,
} from "../../functions/core/text/french.js";

describe("the event's zone", () => {
  test("is Europe/Paris when Fuseau horaire is empty or the settings could not be read", () => {
    expect(eventZone({})).toBe(DEFAULT_ZONE);
    expect(eventZone(undefined)).toBe("Europe/Paris");
    expect(eventZone({ timeZone: "America/Cayenne" })).toBe("America/Cayenne");
  });

  test("places an instant on the event's wall clock whatever the process's zone", () => {
    const instant = new Date("2027-03-28T00:30:00Z");
    expect(inZone(instant, "Europe/Paris").toISO()).toBe("2027-03-28T01:30:00.000+01:00");
    expect(inZone(instant.getTime() + 3_600_000, "Europe/Paris").toISO()).toBe(
      "2027-03-28T03:30:00.000+02:00",
    );
    expect(inZone(instant, "Pacific/Auckland").toFormat("HH:mm")).toBe("13:30");
  });
});

describe("French wording", () => {
  test("keeps the singular for 0 and 1 and agrees from 2 on", () => {
    expect(plural(0, "ligne")).toBe("0 ligne");
    expect(plural(1, "ligne")).toBe("1 ligne");
    expect(plural(2, "ligne")).toBe("2 lignes");
    expect(plural(3, "tuteur relancé")).toBe("3 tuteurs relancés");
    expect(plural(2, "travail", "travaux")).toBe("2 travaux");
    expect(`mise${pluralSuffix(1)}, mise${pluralSuffix(4)}`).toBe("mise, mises");
  });

  test("elides de before a vowel or a mute h, not before a consonant y", () => {
    expect(ofName("Isabelle")).toBe("d'Isabelle");
    expect(ofName("Hugo")).toBe("d'Hugo");
    expect(ofName("Œdipe")).toBe("d'Œdipe");
    expect(ofName("Sophie")).toBe("de Sophie");
    expect(ofName("Yannick")).toBe("de Yannick");
  });

  test("writes times the typographic way, in the event's zone", () => {
    const instant = new Date("2027-03-16T15:30:00Z");
    expect(frenchTime(instant, "Europe/Paris")).toBe("16 h 30");
    expect(frenchTime(new Date("2027-03-16T15:00:00Z"), "Europe/Paris")).toBe("16 h");
    expect(frenchDateTime(instant, "Europe/Paris")).toBe("mardi 16 mars 2027 à 16 h 30");
  });
});
