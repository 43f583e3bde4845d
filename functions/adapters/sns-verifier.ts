/**
 * Verifying Amazon SNS message signatures, as AWS documents it ("Verifying the signatures of Amazon
 * SNS messages"): the string to sign is `Name\nValue\n` for a fixed list of fields in byte order,
 * which depends on the message type; `SignatureVersion` 1 signs it with SHA1withRSA, 2 with
 * SHA256withRSA; the public key is in the X.509 certificate at `SigningCertURL`, which must be an
 * HTTPS URL on an `sns.<region>.amazonaws.com` host (anything else is refused before any fetch).
 * Certificates are fetched through an injected fetcher and kept in a small cache.
 */
import { type KeyObject, verify, X509Certificate } from "node:crypto";
import { z } from "zod";

/** The JSON document SNS posts (HTTP/S subscription). Unknown fields are kept out. */
export const snsMessage = z.object({
  Type: z.enum(["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"]),
  MessageId: z.string().min(1).max(200),
  TopicArn: z.string().min(1).max(400),
  Message: z.string(),
  Timestamp: z.string().min(1).max(64),
  Subject: z.string().optional(),
  SubscribeURL: z.string().optional(),
  Token: z.string().optional(),
  UnsubscribeURL: z.string().optional(),
  SignatureVersion: z.string().optional(),
  Signature: z.string().optional(),
  SigningCertURL: z.string().optional(),
});
export type SnsMessage = z.infer<typeof snsMessage>;

export type SnsRefusal =
  /** No signature, or no certificate URL. */
  | "unsigned"
  /** A signature version other than 1 and 2. */
  | "unknown-version"
  /** The certificate URL is not on an SNS host over HTTPS. */
  | "untrusted-certificate-url"
  /** The certificate could not be fetched or read (worth retrying later). */
  | "certificate-unavailable"
  /** A field the string to sign needs is missing. */
  | "incomplete"
  | "bad-signature";

export type SnsVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: SnsRefusal };

/** Answers the PEM text at an URL already checked to be an SNS certificate URL; throws otherwise. */
export type CertificateFetcher = (url: string) => Promise<string>;

export interface SnsVerifierPort {
  verify(message: SnsMessage): Promise<SnsVerdict>;
}

const FIELDS: Readonly<Record<SnsMessage["Type"], readonly (keyof SnsMessage)[]>> = {
  Notification: ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"],
  SubscriptionConfirmation: [
    "Message",
    "MessageId",
    "SubscribeURL",
    "Timestamp",
    "Token",
    "TopicArn",
    "Type",
  ],
  UnsubscribeConfirmation: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
};

/** AWS's hosts: `sns.eu-west-3.amazonaws.com`, and `.amazonaws.com.cn` in China. */
const SNS_HOST = /^sns\.[a-z]{2}(-gov)?-[a-z]+-\d\.amazonaws\.com(\.cn)?$/;

/** The string SNS signed. `null` when a field it needs is missing (`Subject` is the only optional one). */
export function stringToSign(message: SnsMessage): string | null {
  let out = "";
  for (const field of FIELDS[message.Type]) {
    const value = message[field];
    if (value === undefined) {
      if (field === "Subject") continue;
      return null;
    }
    out += `${field}\n${value}\n`;
  }
  return out;
}

/** Whether an URL is one SNS would use for its certificate or a subscription (HTTPS, an SNS host, no port). */
export function isSnsUrl(url: string, options: { pem?: boolean } = {}): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== "https:" || parsed.port !== "" || parsed.username !== "" || parsed.password !== "")
    return false;
  if (!SNS_HOST.test(parsed.hostname)) return false;
  return options.pem ? parsed.pathname.endsWith(".pem") : true;
}

export interface SnsVerifierOptions {
  readonly fetchCertificate: CertificateFetcher;
  /** Certificates kept (SNS uses one per region at a time; the oldest goes first). */
  readonly cacheSize?: number;
  /** Checks the certificate's validity period at this time (the handler's clock). */
  readonly now?: () => Date;
}

export class SnsVerifier implements SnsVerifierPort {
  private readonly cache = new Map<string, Promise<KeyObject>>();
  private readonly cacheSize: number;

  constructor(private readonly options: SnsVerifierOptions) {
    this.cacheSize = options.cacheSize ?? 16;
  }

  async verify(message: SnsMessage): Promise<SnsVerdict> {
    const { Signature: signature, SigningCertURL: certificateUrl, SignatureVersion: version } = message;
    if (!signature || !certificateUrl) return { ok: false, reason: "unsigned" };
    const algorithm = version === "1" ? "sha1" : version === "2" ? "sha256" : null;
    if (algorithm === null) return { ok: false, reason: "unknown-version" };
    if (!isSnsUrl(certificateUrl, { pem: true })) return { ok: false, reason: "untrusted-certificate-url" };
    const signed = stringToSign(message);
    if (signed === null) return { ok: false, reason: "incomplete" };
    let key: KeyObject;
    try {
      key = await this.publicKey(certificateUrl);
    } catch {
      return { ok: false, reason: "certificate-unavailable" };
    }
    const bytes = Buffer.from(signature, "base64");
    if (bytes.length === 0) return { ok: false, reason: "bad-signature" };
    let valid = false;
    try {
      valid = verify(algorithm, Buffer.from(signed, "utf8"), key, bytes);
    } catch {
      valid = false;
    }
    return valid ? { ok: true } : { ok: false, reason: "bad-signature" };
  }

  private publicKey(url: string): Promise<KeyObject> {
    const cached = this.cache.get(url);
    if (cached) return cached;
    const loading = this.load(url);
    this.cache.set(url, loading);
    // A failed fetch is not remembered: the next message tries again.
    loading.catch(() => this.cache.delete(url));
    while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    return loading;
  }

  private async load(url: string): Promise<KeyObject> {
    const pem = await this.options.fetchCertificate(url);
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(pem);
    } catch (error) {
      throw new Error("The SNS signing certificate could not be read.", { cause: error });
    }
    const now = this.options.now?.() ?? new Date();
    if (now < new Date(certificate.validFrom) || now > new Date(certificate.validTo))
      throw new Error("The SNS signing certificate is not valid at this time.");
    return certificate.publicKey;
  }
}

/** Fetches a certificate over HTTPS with `fetch`, refusing other hosts, slow answers and big bodies. */
export function httpsCertificateFetcher(
  fetchImpl: typeof fetch = fetch,
  options: { timeoutMs?: number; maxBytes?: number } = {},
): CertificateFetcher {
  const maxBytes = options.maxBytes ?? 64 * 1024;
  return async (url) => {
    if (!isSnsUrl(url, { pem: true })) throw new Error("Refused: not an SNS certificate URL.");
    const response = await fetchImpl(url, {
      redirect: "error",
      signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
    });
    if (!response.ok) throw new Error(`The SNS certificate answered HTTP ${response.status}.`);
    const text = await response.text();
    if (text.length > maxBytes) throw new Error("The SNS certificate is too large.");
    return text;
  };
}
