/**
 * The configuration of the functions, read from the environment once, by the composition root
 * only. Secrets arrive as environment variables (Secret Manager mounts them so in the cloud).
 */
import { z } from "zod";

const secret = z.string().min(16, "a secret needs at least 16 characters");

export const configSchema = z.object({
  /** HMAC key shared with the spreadsheet's Apps Script. */
  PASSERELLE_EDIT_SECRET: secret,
  /** HMAC key of the tutors' reply addresses. */
  PASSERELLE_REPLY_SECRET: secret,
  /** The domain (or `local@domain`) SES receives the tutors' replies at (a receipt rule → SNS). */
  PASSERELLE_REPLY_DOMAIN: z.string().regex(/^([\w.-]+@)?[a-z0-9.-]+\.[a-z]{2,}$/i, "a mail domain"),
  /** The public URL of the `workflowStep` function, given to each workflow execution. */
  PASSERELLE_STEP_URL: z.url(),
  /** Where executions are started. */
  GOOGLE_CLOUD_PROJECT: z.string().min(1),
  /** The project's number, when callback URLs name the project by it rather than by its id. */
  PASSERELLE_PROJECT_NUMBER: z
    .string()
    .regex(/^\d{1,20}$/)
    .optional(),
  PASSERELLE_WORKFLOW_LOCATION: z.string().default("europe-west1"),
  PASSERELLE_WORKFLOW_SEMINAR: z.string().default("passerelle-seminaire"),
  PASSERELLE_WORKFLOW_LUNCH: z.string().default("passerelle-rencontre"),
  PASSERELLE_WORKFLOW_CYCLE: z.string().default("passerelle-cycle"),
  /** Amazon SES. */
  SES_REGION: z.string().default("eu-west-3"),
  /** Only for a local SES-compatible server; Amazon SES otherwise. */
  SES_ENDPOINT: z.url().optional(),
  /** The functions' service account (its email): the one editor of the protected `Journal` tab. */
  PASSERELLE_SHEETS_ACCOUNT: z.email().optional(),
  /**
   * The SES configuration set every message uses: its event destination publishes `Send` (and
   * bounce and complaint) events to the SNS topic `inboundMail` reads, from which a send whose
   * outcome was lost is reconciled.
   */
  PASSERELLE_SES_CONFIGURATION_SET: z
    .string()
    .regex(/^[\w-]{1,64}$/)
    .optional(),
  /** The SNS topic SES publishes received replies to. */
  PASSERELLE_SNS_TOPIC_ARN: z.string().regex(/^arn:aws:sns:[a-z0-9-]+:\d{12}:[\w-]+$/, "an SNS topic ARN"),
  /** Messages per second (SES's default production rate is 14). */
  PASSERELLE_SEND_RATE: z.coerce.number().positive().default(14),
  /** How long one step may send before it answers and lets the workflow call it again. */
  PASSERELLE_SEND_BUDGET_SECONDS: z.coerce.number().positive().max(3000).default(50),
});
export type Config = z.infer<typeof configSchema>;

/** Parses the environment; the error names each missing or wrong variable, never its value. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join("; ")}`);
  }
  return parsed.data;
}
