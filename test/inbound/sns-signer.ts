/**
 * Signs SNS messages as Amazon would, with a key and a self-signed certificate made for the test
 * run by `openssl` (nothing secret is kept in the repository).
 */
import { execFileSync } from "node:child_process";
import { createSign, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type SnsMessage, stringToSign } from "../../functions/adapters/sns-verifier.js";

export const CERT_URL = "https://sns.eu-west-3.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem";

export interface TestSigner {
  readonly certificatePem: string;
  sign(
    message: Omit<SnsMessage, "Signature" | "SignatureVersion" | "SigningCertURL">,
    version?: "1" | "2",
  ): SnsMessage;
}

export function createTestSigner(): TestSigner {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const directory = mkdtempSync(join(tmpdir(), "passerelle-sns-"));
  try {
    writeFileSync(join(directory, "key.pem"), keyPem);
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
    const certificatePem = readFileSync(join(directory, "cert.pem"), "utf8");
    return {
      certificatePem,
      sign(message, version = "2") {
        const unsigned = { ...message, SignatureVersion: version, SigningCertURL: CERT_URL } as SnsMessage;
        const signer = createSign(version === "1" ? "RSA-SHA1" : "RSA-SHA256");
        signer.update(stringToSign(unsigned)!, "utf8");
        return { ...unsigned, Signature: signer.sign(privateKey, "base64") };
      },
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
