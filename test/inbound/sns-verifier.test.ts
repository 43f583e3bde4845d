import { beforeAll, describe, expect, it } from "vitest";
import {
  isSnsUrl,
  type SnsMessage,
  SnsVerifier,
  stringToSign,
} from "../../functions/adapters/sns-verifier.js";
import { CERT_URL, createTestSigner, type TestSigner } from "./sns-signer.js";

const TOPIC = "arn:aws:sns:eu-west-3:123456789012:passerelle-reponses";
let signer: TestSigner;

/** Answers the test certificate and counts what it was asked. */
function recordingFetcher() {
  const calls: string[] = [];
  return {
    calls,
    fetchCertificate: async (url: string) => {
      calls.push(url);
      return signer.certificatePem;
    },
  };
}

const notification = {
  Type: "Notification",
  MessageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
  TopicArn: TOPIC,
  Subject: "Amazon SES Email Receipt Notification",
  Message: '{"notificationType":"Received","content":"é\\n"}',
  Timestamp: "2027-03-02T08:41:07.655Z",
} as const;

const confirmation = {
  Type: "SubscriptionConfirmation",
  MessageId: "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
  Token:
    "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
  TopicArn: TOPIC,
  Message:
    "You have chosen to subscribe to the topic.\nTo confirm the subscription, visit the SubscribeURL included in this message.",
  SubscribeURL: `https://sns.eu-west-3.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=2336412f`,
  Timestamp: "2027-03-01T08:00:00.000Z",
} as const;

beforeAll(() => {
  signer = createTestSigner();
});

describe("the string SNS signs", () => {
  it("lists a notification's fields in byte order, each as name and value on their own lines", () => {
    expect(stringToSign({ ...notification, Subject: "S" } as SnsMessage)).toBe(
      `Message\n${notification.Message}\nMessageId\n${notification.MessageId}\nSubject\nS\nTimestamp\n${notification.Timestamp}\nTopicArn\n${TOPIC}\nType\nNotification\n`,
    );
  });

  it("leaves out a notification's subject when it has none", () => {
    const { Subject: _subject, ...withoutSubject } = notification;
    expect(stringToSign(withoutSubject as SnsMessage)).not.toContain("Subject");
  });

  it("signs SubscribeURL and Token for a subscription, and needs them", () => {
    expect(stringToSign(confirmation as SnsMessage)).toContain(
      `SubscribeURL\n${confirmation.SubscribeURL}\nTimestamp\n`,
    );
    expect(stringToSign({ ...confirmation, Token: undefined } as SnsMessage)).toBeNull();
  });
});

describe("verifying SNS signatures", () => {
  it.each(["1", "2"] as const)("accepts a notification signed with signature version %s", async (version) => {
    const verifier = new SnsVerifier(recordingFetcher());
    expect(await verifier.verify(signer.sign(notification, version))).toEqual({ ok: true });
  });

  it.each(["SubscriptionConfirmation", "UnsubscribeConfirmation"] as const)(
    "accepts a signed %s",
    async (type) => {
      const verifier = new SnsVerifier(recordingFetcher());
      expect(await verifier.verify(signer.sign({ ...confirmation, Type: type }))).toEqual({ ok: true });
    },
  );

  it("refuses a message changed after signing, or signed with one version and labelled with the other", async () => {
    const verifier = new SnsVerifier(recordingFetcher());
    const signed = signer.sign(notification);
    expect(await verifier.verify({ ...signed, Message: `${signed.Message} ` })).toEqual({
      ok: false,
      reason: "bad-signature",
    });
    expect(await verifier.verify({ ...signed, TopicArn: `${TOPIC}-autre` })).toEqual({
      ok: false,
      reason: "bad-signature",
    });
    expect(await verifier.verify({ ...signed, SignatureVersion: "1" })).toEqual({
      ok: false,
      reason: "bad-signature",
    });
  });

  it("refuses an unsigned message or an unknown signature version without fetching anything", async () => {
    const fetcher = recordingFetcher();
    const verifier = new SnsVerifier(fetcher);
    const signed = signer.sign(notification);
    expect(await verifier.verify({ ...signed, Signature: undefined })).toEqual({
      ok: false,
      reason: "unsigned",
    });
    expect(await verifier.verify({ ...signed, SignatureVersion: "3" })).toEqual({
      ok: false,
      reason: "unknown-version",
    });
    expect(fetcher.calls).toEqual([]);
  });

  it.each([
    "http://sns.eu-west-3.amazonaws.com/cert.pem",
    "https://sns.eu-west-3.amazonaws.com.evil.example/cert.pem",
    "https://evil.example/sns.eu-west-3.amazonaws.com/cert.pem",
    "https://sns.eu-west-3.amazonaws.com:8443/cert.pem",
    "https://user@sns.eu-west-3.amazonaws.com/cert.pem",
    "https://s3.eu-west-3.amazonaws.com/cert.pem",
    "https://sns.eu-west-3.amazonaws.com/cert.txt",
  ])("never fetches a certificate from %s", async (url) => {
    const fetcher = recordingFetcher();
    const verifier = new SnsVerifier(fetcher);
    expect(await verifier.verify({ ...signer.sign(notification), SigningCertURL: url })).toEqual({
      ok: false,
      reason: "untrusted-certificate-url",
    });
    expect(fetcher.calls).toEqual([]);
  });

  it("accepts the hosts of every region, China's included", () => {
    expect(isSnsUrl("https://sns.us-gov-west-1.amazonaws.com/x.pem", { pem: true })).toBe(true);
    expect(isSnsUrl("https://sns.cn-north-1.amazonaws.com.cn/x.pem", { pem: true })).toBe(true);
  });

  it("fetches a certificate once for many messages, and again after a failed fetch", async () => {
    const calls: string[] = [];
    let fail = true;
    const verifier = new SnsVerifier({
      fetchCertificate: async (url) => {
        calls.push(url);
        if (fail) throw new Error("réseau indisponible");
        return signer.certificatePem;
      },
    });
    expect(await verifier.verify(signer.sign(notification))).toEqual({
      ok: false,
      reason: "certificate-unavailable",
    });
    fail = false;
    await Promise.all([1, 2, 3].map(() => verifier.verify(signer.sign(notification))));
    expect(await verifier.verify(signer.sign(notification, "1"))).toEqual({ ok: true });
    expect(calls).toEqual([CERT_URL, CERT_URL]);
  });

  it("refuses a certificate that is not one, or not valid at the time", async () => {
    const garbage = new SnsVerifier({ fetchCertificate: async () => "<html>not a certificate</html>" });
    expect(await garbage.verify(signer.sign(notification))).toEqual({
      ok: false,
      reason: "certificate-unavailable",
    });
    const later = new SnsVerifier({
      fetchCertificate: async () => signer.certificatePem,
      now: () => new Date("2099-01-01"),
    });
    expect(await later.verify(signer.sign(notification))).toEqual({
      ok: false,
      reason: "certificate-unavailable",
    });
  });
});
