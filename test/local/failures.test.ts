import { describe, expect, test } from "vitest";
import { failureMessage } from "../../functions/local/main.js";

describe("the local mode's failures", () => {
  test("says in French that another instance is running when a port is taken, without a stack trace", () => {
    const error = Object.assign(new Error("listen EADDRINUSE: address already in use 127.0.0.1:8089"), {
      code: "EADDRINUSE",
      port: 8089,
    });
    const message = failureMessage(error);
    expect(message).toBe(
      "Passerelle tourne déjà sur cette machine (le port 8089 est occupé). Utilisez la fenêtre où elle tourne, ou arrêtez-la (Ctrl-C) avant de relancer npm start.",
    );
    expect(message).not.toMatch(/EADDRINUSE|at /);
  });

  test("points to the detailed log for any other error", () => {
    expect(failureMessage(new Error("boom"))).toContain("PASSERELLE_DEBUG=1");
  });
});
