/**
 * Figures for tutors' replies: how the corpus of real-world replies is classified (accuracy, and
 * how many machine messages were taken for a yes or a no: must be 0), then the time one inbound
 * message takes end to end: a signed SNS notification carrying a corpus message, verified, read,
 * tied to its tutor by the signed reply address, classified and applied to the example seminar
 * held in memory, through `inboundMailHandler`.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Request, Response } from "@google-cloud/functions-framework";
import { decideReply } from "../../functions/adapters/mime-reader.js";
import { SnsVerifier } from "../../functions/adapters/sns-verifier.js";
import { classifyAnswer } from "../../functions/core/replies/classify.js";
import type { Decision } from "../../functions/core/replies/message.js";
import { replyAddress } from "../../functions/core/security/reply-token.js";
import { inboundMailHandler } from "../../functions/inbound-mail.js";
import * as example from "../../sheets-templates/example-data.js";
import { KINDS, type KindName } from "../fixtures/replies/kinds/index.js";
import {
  PARTIAL_ANSWERS,
  PARTIAL_ANSWERS_EN,
  PLAIN_ANSWERS,
} from "../fixtures/replies/kinds/partial-answers.js";
import { createTestSigner } from "../inbound/sns-signer.js";
import { MemoryWorkbook, seminarSnapshot } from "../support/workbooks.js";

interface CorpusCase {
  readonly file: string;
  readonly decision: Decision;
  readonly note: string;
}

const FIXTURES = new URL("../fixtures/replies/", import.meta.url);
const TOPIC = "arn:aws:sns:eu-west-3:123456789012:passerelle-reponses";
const SECRET = "secret-du-banc-0123456789";
const SHEET = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms";
const NOW = new Date("2027-03-02T09:41:00Z");
const MACHINE = /^(auto|bounce)-/;

function percentile(sorted: readonly number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}

export async function benchReplies(): Promise<void> {
  console.log("\n## Réponses des tuteurs");
  const benchStarted = performance.now();
  const corpus = JSON.parse(readFileSync(new URL("corpus.json", FIXTURES), "utf8")) as CorpusCase[];
  const raws = new Map(corpus.map((entry) => [entry.file, readFileSync(new URL(entry.file, FIXTURES))]));

  // 1. Classification of the corpus.
  const decisions: Decision[] = ["confirm", "decline", "unclear"];
  const confusion = new Map(
    decisions.map((expected) => [expected, new Map(decisions.map((got) => [got, 0]))]),
  );
  let right = 0;
  let machinesAnswered = 0;
  const wrong: string[] = [];
  const started = performance.now();
  for (const entry of corpus) {
    const { decision } = await decideReply(raws.get(entry.file)!);
    const row = confusion.get(entry.decision)!;
    row.set(decision, row.get(decision)! + 1);
    if (decision === entry.decision) right++;
    else wrong.push(`${entry.file} (attendu ${entry.decision}, lu ${decision})`);
    if (MACHINE.test(entry.file) && decision !== "unclear") machinesAnswered++;
  }
  const classifyMs = (performance.now() - started) / corpus.length;
  const machines = corpus.filter((entry) => MACHINE.test(entry.file)).length;
  console.log(
    `corpus : ${corpus.length} messages, ${right} bien lus (${((100 * right) / corpus.length).toFixed(1)} %), ${classifyMs.toFixed(2)} ms par message`,
  );
  console.log(
    `réponses automatiques et rebonds lus comme oui ou non : ${machinesAnswered} sur ${machines} (attendu : 0)`,
  );
  console.log("attendu \\ lu   confirm  decline  unclear");
  for (const expected of decisions) {
    const row = confusion.get(expected)!;
    console.log(
      `${expected.padEnd(14)} ${decisions.map((got) => String(row.get(got)).padStart(7)).join("  ")}`,
    );
  }
  for (const line of wrong) console.log(`  mal lu : ${line}`);
  await benchKinds();

  // 2. One inbound message, end to end.
  const signer = createTestSigner();
  const workbook = new MemoryWorkbook(seminarSnapshot());
  const tutorEmails = example.tutors.map((tutor) => String(tutor.Email));
  const outcomes = new Map<string, number>();
  const handler = inboundMailHandler({
    verifier: new SnsVerifier({ fetchCertificate: async () => signer.certificatePem }),
    config: { topicArn: TOPIC, replySecret: SECRET },
    workbookFor: () => workbook,
    clock: { now: () => NOW },
    fetch: async () => ({ ok: true, status: 200 }),
    followUps: { onDecline: async () => {}, alertOrganizer: async () => {} },
    log: { info: () => {}, warn: () => {}, error: () => {} },
  });
  const count = Number(process.env.BENCH_REPLIES ?? 200);
  const bodies = Array.from({ length: count }, (_, index) => {
    const entry = corpus[index % corpus.length]!;
    const to = replyAddress(
      { event: SHEET, tutorEmail: tutorEmails[index % tutorEmails.length]!, version: 1 },
      SECRET,
      "reponses.example.org",
    );
    // The corpus messages keep their own To; SES gives the address they were delivered to.
    const message = signer.sign({
      Type: "Notification",
      MessageId: `bench-${index}`,
      TopicArn: TOPIC,
      Subject: "Amazon SES Email Receipt Notification",
      Timestamp: NOW.toISOString(),
      Message: JSON.stringify({
        notificationType: "Received",
        mail: { messageId: `ses-${index}`, destination: [to] },
        receipt: { recipients: [to], action: { type: "SNS", encoding: "BASE64", topicArn: TOPIC } },
        content: raws.get(entry.file)!.toString("base64"),
      }),
    });
    return Buffer.from(JSON.stringify(message), "utf8");
  });
  const times: number[] = [];
  for (const body of bodies) {
    const answer = { status: 0, body: undefined as unknown };
    const response = {
      status(code: number) {
        answer.status = code;
        return response;
      },
      set() {
        return response;
      },
      json(value: unknown) {
        answer.body = value;
        return response;
      },
    };
    const request = {
      method: "POST",
      headers: { "x-amz-sns-message-type": "Notification" },
      rawBody: body,
      body: body.toString("utf8"),
    };
    const start = performance.now();
    await handler(request as unknown as Request, response as unknown as Response);
    times.push(performance.now() - start);
    const outcome = `${answer.status} ${(answer.body as { outcome?: string } | undefined)?.outcome ?? "?"}`;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const journal = workbook.tabs.get("Journal")?.length ?? 1;
  console.log(
    `message entrant de bout en bout (SNS signé → lu → classé → écrit, classeur en mémoire), ${count} messages :`,
  );
  console.log(
    `  médiane ${percentile(sorted, 0.5).toFixed(2)} ms, p95 ${percentile(sorted, 0.95).toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(2)} ms`,
  );
  console.log(
    `  réponses : ${[...outcomes].map(([outcome, n]) => `${outcome} × ${n}`).join(", ")} ; ${journal - 1} lignes de Journal à la fin`,
  );
  console.log(`durée du banc : ${((performance.now() - benchStarted) / 1000).toFixed(1)} s`);
}

/**
 * The families of `test/fixtures/replies/kinds/`: per kind, how many cases are read right (the
 * decision, and the text left or the machine kind when the case names them), how many machine
 * messages were read as a yes or a no (must be 0), and the corpus of partial answers.
 */
async function benchKinds(): Promise<void> {
  console.log("familles de cas (décision, texte gardé, nature du message automatique) :");
  let total = 0;
  let right = 0;
  let machinesAnswered = 0;
  let machines = 0;
  for (const kind of Object.keys(KINDS) as KindName[]) {
    let kindRight = 0;
    const misses: string[] = [];
    for (const entry of KINDS[kind]) {
      const result = await decideReply(entry.raw);
      const ok =
        result.decision === entry.decision &&
        (entry.text === undefined || result.text === entry.text) &&
        (entry.automatic === undefined || (result.automatic ?? null) === entry.automatic);
      if (ok) kindRight++;
      else misses.push(entry.name);
      const machine = entry.automatic !== undefined && entry.automatic !== null;
      if (machine || kind === "machine-message") {
        machines++;
        if (result.decision !== "unclear") machinesAnswered++;
      }
    }
    total += KINDS[kind].length;
    right += kindRight;
    console.log(`  ${kind.padEnd(16)} ${String(kindRight).padStart(3)} / ${KINDS[kind].length}`);
    for (const miss of misses) console.log(`    mal lu : ${miss}`);
  }
  const partial = [...PARTIAL_ANSWERS, ...PARTIAL_ANSWERS_EN];
  const partialRight = partial.filter(([answer]) => classifyAnswer(answer).decision === "unclear").length;
  const plainRight = PLAIN_ANSWERS.filter(
    ([answer, decision]) => classifyAnswer(answer).decision === decision,
  ).length;
  console.log(
    `  ${"partial-answers".padEnd(16)} ${String(partialRight).padStart(3)} / ${partial.length} lues « à lire » ; réponses nettes témoins ${plainRight} / ${PLAIN_ANSWERS.length}`,
  );
  const all = total + partial.length + PLAIN_ANSWERS.length;
  const allRight = right + partialRight + plainRight;
  console.log(
    `familles : ${allRight} / ${all} bien lus (${((100 * allRight) / all).toFixed(1)} %) ; messages automatiques lus comme oui ou non : ${machinesAnswered} sur ${machines} (attendu : 0)`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchReplies();
