import { describe, expect, it } from "vitest";
import {
  isErrorValue,
  isoDateToSerial,
  normalizeKey,
  parseDate,
  parseDateTime,
  parseEmail,
  parseList,
  parseTime,
} from "../../functions/core/sheet/cells.js";

describe("reading what organizers type", () => {
  it.each([
    ["Vœu 1", "voeu 1"],
    ["  E-mail ", "e mail"],
    ["Prénom", "prenom"],
    ["LIEU D'ACCUEIL", "lieu d accueil"],
    ["Lieu\u00a0d’accueil", "lieu d accueil"],
  ])("folds the header %j to %j", (input, expected) => {
    expect(normalizeKey(input)).toBe(expected);
  });

  it.each([
    ["2027-03-17", "2027-03-17"],
    ["17/03/2027", "2027-03-17"],
    ["17/03/27", "2027-03-17"],
    ["17.03.2027", "2027-03-17"],
    [46463, "2027-03-17"],
    ["46463", "2027-03-17"],
    ["2027-03-17T00:00:00Z", "2027-03-17"],
    ["2027-03-17T00:00:00.000", "2027-03-17"],
  ])("reads the date %j", (input, expected) => {
    expect(parseDate(input)).toBe(expected);
  });

  it.each([
    "31/02/2027",
    "demain",
    "2027-13-01",
    "",
    -5,
    "2027-03-17T10:00:00Z",
    "2027-03-17 15:00",
    46463.5,
  ])("refuses %j as a date", (input) => {
    expect(parseDate(input)).toBeNull();
  });

  it("turns an ISO date into the serial a spreadsheet shows and back", () => {
    expect(isoDateToSerial("2027-03-17")).toBe(46463);
    expect(parseDate(isoDateToSerial("1999-12-31"))).toBe("1999-12-31");
  });

  it.each([
    ["18:35", "18:35"],
    ["8h30", "08:30"],
    ["8h", "08:30".replace("30", "00")],
    ["08:30:00", "08:30"],
    [0.5, "12:00"],
    [0.7743055555555556, "18:35"],
  ])("reads the time %j", (input, expected) => {
    expect(parseTime(input)).toBe(expected);
  });

  it.each(["25:00", "8", "midi", "12:75", "", "08:30:15", 46463.354166666664, 0.50001])(
    "refuses %j as a time",
    (input) => {
      expect(parseTime(input)).toBeNull();
    },
  );

  it("reads a date and a time in one cell", () => {
    expect(parseDateTime("06/04/2027 12h00")).toEqual({ date: "2027-04-06", time: "12:00" });
    expect(parseDateTime("2027-04-06")).toEqual({ date: "2027-04-06", time: null });
    expect(parseDateTime(46463.5)).toEqual({ date: "2027-03-17", time: "12:00" });
  });

  it.each([
    ["Claire.Martin@Example.org", "claire.martin@example.org"],
    [" claire.martin@example.org\u00a0", "claire.martin@example.org"],
    ["mailto:claire@example.org", "claire@example.org"],
    ["<claire@example.org>", "claire@example.org"],
    ["o'connor@example.ie", "o'connor@example.ie"],
  ])("accepts the address %j as %j", (input, expected) => {
    expect(parseEmail(input)).toBe(expected);
  });

  it.each([
    "claire.martin.example.org",
    "claire@example",
    "claire martin@example.org",
    "claire@example.org\r\nBcc: x@evil.example",
    "claire..martin@example.org",
    "",
    42,
  ])("refuses the address %j", (input) => {
    expect(parseEmail(input)).toBeNull();
  });

  it("recognizes spreadsheet error values", () => {
    expect(isErrorValue("#REF!")).toBe(true);
    expect(isErrorValue("#N/A")).toBe(true);
    expect(isErrorValue("#hashtag")).toBe(false);
  });

  it("splits comma and semicolon lists", () => {
    expect(parseList("Accueil physique, Accueil téléphonique;Contrôle sur place,")).toEqual([
      "Accueil physique",
      "Accueil téléphonique",
      "Contrôle sur place",
    ]);
  });
});
