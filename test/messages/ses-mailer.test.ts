import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SesMailer } from "../../functions/adapters/ses-mailer.js";
import { eventModel, planMessages } from "../../functions/core/messages/index.js";
import {
  type OutgoingMessage,
  PermanentSendError,
  TransientSendError,
  UncertainSendError,
} from "../../functions/ports.js";
import { type Fault, type LocalSes, startFaultySes, startLocalSes } from "../fakes/ses-server.js";
import { testKeys } from "../support/ledger.js";
import { EVENT, people, seminar } from "./fixtures.js";

const credentials = { accessKeyId: "local", secretAccessKey: "local" };
const noWait = { sleep: async () => {}, random: () => 0 };
const NOW = new Date("2027-03-01T10:00:00Z");

const simple: OutgoingMessage = {
  from: { name: "Séminaire", address: "seminaire@seminaire.example.org" },
  to: "claire.martin@prefecture.example.org",
  subject: "Essai",
  text: "Bonjour",
  html: "<p>Bonjour</p>",
};

describe("SesMailer against the local SES server", () => {
  let ses: LocalSes;
  beforeAll(async () => {
    ses = await startLocalSes();
  });
  afterAll(async () => {
    await ses.stop();
  });

  test("delivers every planned message, calendar included, and the store gives them back", async () => {
    const mailer = new SesMailer({ region: "eu-west-3", endpoint: ses.endpoint, credentials });
    const model = eventModel(seminar(), testKeys(EVENT), NOW)!;
    const plan = planMessages(model, NOW, {
      replyAddress: ({ tutorEmail }) => `reponse+${tutorEmail.length}@reponses.example.org`,
    });
    const ids = [];
    for (const message of plan.messages) ids.push((await mailer.send(message.render(NOW))).messageId);
    mailer.destroy();
    const stored = await ses.emails();
    expect(stored.map((email) => email.messageId).sort()).toEqual([...ids].sort());
    const convocation = stored.find(
      (email) =>
        email.destination.to[0]?.includes(people.claire.Email) && email.subject.startsWith("Convocation"),
    )!;
    expect(convocation.destination.to).toHaveLength(1);
    expect(convocation.destination.to[0]).toContain("Claire Martin");
    expect(convocation.body.text).toContain("Immersion (Matin) : CAF — Accueil de Rennes");
    expect(convocation.body.html).toContain("Votre programme");
    expect(convocation.attachments[0]).toMatchObject({
      filename: "programme.ics",
      contentType: "text/calendar",
    });
    expect(Buffer.from(convocation.attachments[0]!.content, "base64").toString("utf8")).toContain(
      "BEGIN:VEVENT",
    );
    const request = stored.find((email) => email.subject.startsWith("Accueil de"))!;
    expect(request.replyTo[0]).toContain("reponse+");
  });
});

describe("SesMailer when SES fails", () => {
  async function withFaults(faults: Fault[], run: (mailer: SesMailer) => Promise<void>, timeoutMs = 10_000) {
    const server = await startFaultySes((call) => faults[call - 1] ?? "ok");
    const mailer = new SesMailer(
      {
        region: "eu-west-3",
        endpoint: server.endpoint,
        credentials,
        attempts: 3,
        requestTimeoutMs: timeoutMs,
      },
      noWait,
    );
    try {
      await run(mailer);
    } finally {
      mailer.destroy();
      await server.stop();
    }
    return server.calls;
  }

  test("retries Throttling, which proves SES took nothing, then succeeds", async () => {
    const calls = await withFaults(["throttle", "throttle"], async (mailer) => {
      expect((await mailer.send(simple)).messageId).toMatch(/[0-9a-f-]{36}/);
    });
    expect(calls).toEqual(["throttle", "throttle", "ok"]);
  });

  test("never retries a 500: SES may have accepted the message, so the send is uncertain", async () => {
    const calls = await withFaults(["error500"], async (mailer) => {
      const error = await mailer.send(simple).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UncertainSendError);
      expect((error as Error).cause).toBeDefined();
    });
    expect(calls).toEqual(["error500"]);
  });

  test("never retries a call that times out: the send is uncertain", async () => {
    const calls = await withFaults(
      ["timeout"],
      async (mailer) => {
        await expect(mailer.send(simple)).rejects.toBeInstanceOf(UncertainSendError);
      },
      300,
    );
    expect(calls).toEqual(["timeout"]);
  });

  test("gives up on throttling after the last attempt with a transient error carrying its cause", async () => {
    await withFaults(["throttle", "throttle", "throttle"], async (mailer) => {
      const error = await mailer.send(simple).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientSendError);
      expect((error as Error).cause).toMatchObject({ name: "Throttling" });
    });
  });

  test("does not retry MessageRejected: a permanent error", async () => {
    const calls = await withFaults(["reject"], async (mailer) => {
      const error = await mailer.send(simple).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermanentSendError);
      expect((error as PermanentSendError).reason).toBe("rejected");
      expect((error as Error).cause).toBeDefined();
    });
    expect(calls).toEqual(["reject"]);
  });

  test("reads an invalid address as a permanent address failure", async () => {
    await withFaults(["invalid-address"], async (mailer) => {
      const error = await mailer.send(simple).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermanentSendError);
      expect((error as PermanentSendError).reason).toBe("invalid-address");
    });
  });
});

test("the raw message SES receives parses back with both parts", async () => {
  const { buildMime } = await import("../../functions/adapters/mime.js");
  const mail = await simpleParser(
    await buildMime({ ...simple, headers: { "Auto-Submitted": "auto-generated", Bcc: "x@example.org" } }),
  );
  expect(mail.text?.trim()).toBe("Bonjour");
  expect(mail.html).toBe("<p>Bonjour</p>");
  expect(mail.headers.get("auto-submitted")).toBe("auto-generated");
  expect(mail.bcc).toBeUndefined();
});
