/**
 * Signs SNS messages as Amazon would: the local stand-in of SNS (a key and a self-signed
 * certificate made in-process for the run; nothing secret is kept in the repository).
 */
import type { SnsMessage } from "../../functions/adapters/sns-verifier.js";
import { LOCAL_CERT_URL, LocalSns } from "../../functions/local/sns.js";

export const CERT_URL = LOCAL_CERT_URL;

export interface TestSigner {
  readonly certificatePem: string;
  sign(
    message: Omit<SnsMessage, "Signature" | "SignatureVersion" | "SigningCertURL">,
    version?: "1" | "2",
  ): SnsMessage;
}

export function createTestSigner(): TestSigner {
  return LocalSns.create();
}
