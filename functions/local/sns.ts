/**
 * The local stand-in for "SES receiving → SNS topic → HTTPS": a signing key and a self-signed
 * certificate made at start by `openssl` (nothing is kept on disk), SNS notifications signed as
 * Amazon signs them (signature version 2), and a verifier that trusts that certificate for the
 * usual SNS certificate URL. `inboundMail` runs unchanged: it verifies every signature.
 */
import { execFileSync } from "node:child_process";
import { createHash, createSign, generateKeyPairSync, type KeyObject, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type SnsMessage, SnsVerifier, stringToSign } from "../adapters/sns-verifier.js";

export const LOCAL_TOPIC_ARN = "arn:aws:sns:eu-west-3:000000000000:passerelle-reponses";
export const LOCAL_CERT_URL =
  "https://sns.eu-west-3.amazonaws.com/SimpleNotificationService-passerelle-local.pem";

export type UnsignedSnsMessage = Omit<SnsMessage, "Signature" | "SignatureVersion" | "SigningCertURL">;

export class LocalSns {
  private constructor(
    private readonly privateKey: KeyObject,
    readonly certificatePem: string,
    readonly topicArn: string,
  ) {}

  /** Makes a key and a certificate valid ten years (needs `openssl` on the PATH). */
  static create(topicArn = LOCAL_TOPIC_ARN): LocalSns {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const directory = mkdtempSync(join(tmpdir(), "passerelle-sns-"));
    try {
      writeFileSync(join(directory, "key.pem"), privateKey.export({ type: "pkcs8", format: "pem" }));
      execFileSync(
        "openssl",
        [
          "req",
          "-new",
          "-x509",
          "-key",
          "key.pem",
          "-out",
          "cert.pem",
          "-days",
          "3650",
          "-subj",
          "/CN=sns.amazonaws.com",
        ],
        { cwd: directory, stdio: "ignore" },
      );
      return new LocalSns(privateKey, readFileSync(join(directory, "cert.pem"), "utf8"), topicArn);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }

  /** A verifier that fetches nothing: the local certificate answers for the local URL only. */
  verifier(): SnsVerifier {
    return new SnsVerifier({
      fetchCertificate: async (url) => {
        if (url !== LOCAL_CERT_URL) throw new Error("Unknown certificate URL");
        return this.certificatePem;
      },
    });
  }

  sign(message: UnsignedSnsMessage, version: "1" | "2" = "2"): SnsMessage {
    const unsigned = { ...message, SignatureVersion: version, SigningCertURL: LOCAL_CERT_URL } as SnsMessage;
    const signer = createSign(version === "1" ? "RSA-SHA1" : "RSA-SHA256");
    signer.update(stringToSign(unsigned) ?? "", "utf8");
    return { ...unsigned, Signature: signer.sign(this.privateKey, "base64") };
  }

  /**
   * The notification SES publishes when it receives a message for `to` (content in base64).
   * `id` names the notification (SNS gives each a unique id); random when absent.
   */
  received(raw: string | Buffer, to: string, at: Date, id: string = randomUUID()): SnsMessage {
    const messageId = createHash("sha256").update(`ses:${id}`).digest("hex").slice(0, 32);
    return this.sign({
      Type: "Notification",
      MessageId: id,
      TopicArn: this.topicArn,
      Subject: "Amazon SES Email Receipt Notification",
      Timestamp: at.toISOString(),
      Message: JSON.stringify({
        notificationType: "Received",
        mail: { messageId, timestamp: at.toISOString(), destination: [to] },
        receipt: {
          recipients: [to],
          action: { type: "SNS", encoding: "BASE64", topicArn: this.topicArn },
        },
        content: Buffer.from(raw).toString("base64"),
      }),
    });
  }

  /** Posts a notification to `inboundMail` as SNS does; answers the HTTP status. */
  async deliver(url: string, message: SnsMessage): Promise<number> {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "text/plain; charset=UTF-8", "x-amz-sns-message-type": message.Type },
      body: JSON.stringify(message),
    });
    await response.arrayBuffer();
    return response.status;
  }
}
