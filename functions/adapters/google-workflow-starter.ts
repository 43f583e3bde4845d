/**
 * Starting Cloud Workflows executions through the Workflow Executions API (googleapis), and
 * posting to the callback endpoints they wait on. Only the workflowexecutions module of googleapis
 * is loaded, and only when an execution is started, so the functions' cold start does not pay for it.
 */
import type { WorkflowStarter } from "../ports.js";
import { httpStatusOf, isTransientHttpStatus, withRetry } from "./retry.js";

/** What posting to a callback or starting an execution needs from an authenticated client. */
export interface AuthorizedRequester {
  request(options: { url: string; method: "POST"; data: unknown }): Promise<unknown>;
}

export interface GoogleWorkflowStarterOptions {
  readonly project: string;
  readonly location: string;
  /** The deployed workflow of each kind of event. */
  readonly workflows: { readonly seminar: string; readonly lunch: string };
  /** A google-auth-library client (`new GoogleAuth({scopes: cloud-platform})`); none against a fake. */
  readonly auth?: unknown;
  /** Where the API lives; tests point it at a local fake. */
  readonly rootUrl?: string;
  /** Posts to callback URLs with credentials; defaults to the auth client, or plain fetch without one. */
  readonly requester?: AuthorizedRequester;
}

export class GoogleWorkflowStarter implements WorkflowStarter {
  constructor(private readonly options: GoogleWorkflowStarterOptions) {}

  async start(input: Parameters<WorkflowStarter["start"]>[0]): Promise<{ executionId: string }> {
    const { workflowexecutions } = await import("googleapis/build/src/apis/workflowexecutions/index.js");
    const api = workflowexecutions({
      version: "v1",
      ...(this.options.auth ? { auth: this.options.auth as never } : {}),
      ...(this.options.rootUrl ? { rootUrl: this.options.rootUrl } : {}),
    });
    const parent = `projects/${this.options.project}/locations/${this.options.location}/workflows/${this.options.workflows[input.kind]}`;
    const response = await withRetry(
      () =>
        api.projects.locations.workflows.executions.create({
          parent,
          requestBody: { argument: JSON.stringify(input.args), callLogLevel: "LOG_ERRORS_ONLY" },
        }),
      {
        attempts: 4,
        baseDelayMs: 500,
        maxDelayMs: 8_000,
        retryable: (error) => isTransientHttpStatus(httpStatusOf(error)),
      },
    );
    const name = response.data.name;
    if (!name) throw new Error("The Workflow Executions API answered without an execution name");
    return { executionId: name };
  }

  async signal(callbackUrl: string, payload: Readonly<Record<string, unknown>>): Promise<void> {
    const requester = this.options.requester ?? (await this.defaultRequester());
    await withRetry(() => requester.request({ url: callbackUrl, method: "POST", data: payload }), {
      attempts: 4,
      baseDelayMs: 500,
      maxDelayMs: 8_000,
      retryable: (error) => isTransientHttpStatus(httpStatusOf(error)),
    });
  }

  private async defaultRequester(): Promise<AuthorizedRequester> {
    const auth = this.options.auth as { getClient?: () => Promise<AuthorizedRequester> } | undefined;
    if (auth?.getClient) return auth.getClient();
    return fetchRequester;
  }
}

/** Plain HTTP (the local runner's callback endpoints, and tests). */
export const fetchRequester: AuthorizedRequester = {
  async request({ url, method, data }) {
    const response = await fetch(url, {
      method,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(data),
    });
    if (!response.ok) {
      throw Object.assign(new Error(`Callback answered HTTP ${response.status}`), {
        status: response.status,
      });
    }
    return response.status;
  },
};
