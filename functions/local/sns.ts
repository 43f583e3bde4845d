/**
 * The local stand-in for "SES receiving → SNS topic → HTTPS": a signing key (node:crypto) and a
 * self-signed certificate made at start in-process by `node-forge` (nothing is kept on disk), SNS notifications signed as
 * Amazon signs them (signature version 2), and a verifier that trusts that certificate for the
 * usual SNS certificate URL. `inboundMail` runs unchanged: it verifies every signature.
 */
import {
  createHash,
  createSign,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  randomUUID,
} from "node:crypto";
import forge from "node-forge";
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

  /** Makes a 2048-bit RSA key and a self-signed certificate for it, valid ten years. */
  static create(topicArn = LOCAL_TOPIC_ARN): LocalSns {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    return new LocalSns(privateKey, selfSignedCertificate(privateKey, publicKey), topicArn);
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

/**
 * A self-signed X.509 certificate (PEM) for the key pair, subject and issuer `CN=sns.amazonaws.com`,
 * valid from now for ten years, signed with SHA-256: what `openssl req -new -x509 -days 3650` makes.
 */
function selfSignedCertificate(privateKey: KeyObject, publicKey: KeyObject): string {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(
    publicKey.export({ type: "spki", format: "pem" }).toString(),
  );
  // A positive serial number (RFC 5280 §4.1.2.2): the first byte's high bit cleared.
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  certificate.serialNumber = serial.toString("hex");
  const notBefore = new Date();
  const notAfter = new Date(notBefore);
  notAfter.setFullYear(notBefore.getFullYear() + 10);
  certificate.validity.notBefore = notBefore;
  certificate.validity.notAfter = notAfter;
  const subject = [{ name: "commonName", value: "sns.amazonaws.com" }];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  const signingKey = forge.pki.privateKeyFromPem(
    privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
  );
  certificate.sign(signingKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(certificate);
}
