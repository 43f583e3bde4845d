/**
 * Starting Cloud Workflows executions through the Workflow Executions REST API, and posting to the
 * callback endpoints they wait on. Both are one authorised POST made with the functions' auth
 * client (`GoogleAuth#getClient().request`, from `@googleapis/sheets`' bundled google-auth-library),
 * so no per-API client is loaded: an execution is created by
 * `POST v1/projects/<p>/locations/<l>/workflows/<w>/executions` with `{argument: "<JSON string>"}`,
 * which answers the execution `{name: ".../executions/<id>"}`
 * (https://cloud.google.com/workflows/docs/reference/executions/rest/v1/projects.locations.workflows.executions/create).
 *
 * A callback is posted with the functions' credentials, so only to a callback endpoint of the
 * configured project, location and workflows, as Cloud Workflows makes them
 * (`events.create_callback_endpoint`: `https://workflowexecutions.googleapis.com/v1/projects/<p>/
 * locations/<l>/workflows/<w>/executions/<id>/callbacks/<id>`); any other URL is refused before
 * any request, and logged by its reason only, never its value.
 */
import type { Log, WorkflowStarter } from "../ports.js";
import { httpFailure, httpStatusOf, isTransientHttpStatus, withRetry } from "./retry.js";

/**
 * What posting to a callback or starting an execution needs from an authenticated client: a JSON
 * POST whose answer's parsed body is `data` (gaxios' response shape), and which throws an error
 * carrying the HTTP `status` (or `response.status`) when the answer is not 2xx.
 */
export interface AuthorizedRequester {
  request(options: { url: string; method: "POST"; data: unknown }): Promise<{ readonly data?: unknown }>;
}

export interface GoogleWorkflowStarterOptions {
  readonly project: string;
  readonly location: string;
  /** The deployed workflow of each kind of event. */
  readonly workflows: { readonly seminar: string; readonly lunch: string; readonly cycle?: string };
  /** A google-auth-library client (`new GoogleAuth({scopes: cloud-platform})`); none against a fake. */
  readonly auth?: unknown;
  /** Where the API lives; tests point it at a local fake. */
  readonly rootUrl?: string;
  /** Posts with credentials (executions and callbacks); defaults to the auth client, or plain fetch without one. */
  readonly requester?: AuthorizedRequester;
  /** The project's number, which callback URLs may name instead of its id. */
  readonly projectNumber?: string;
  /** Where a refused callback URL is reported (its reason, not its value). */
  readonly log?: Log;
}

/** The Workflow Executions API, whose callback endpoints are the only ones signalled. */
export const WORKFLOW_EXECUTIONS_ROOT = "https://workflowexecutions.googleapis.com/";

export type CallbackRefusal =
  | "not-a-url"
  | "other-host"
  | "credentials-in-url"
  | "other-path"
  | "other-workflow";

/** A callback URL the starter refused to post to (nothing was sent). */
export class CallbackUrlRefused extends Error {
  override readonly name = "CallbackUrlRefused";
  constructor(readonly reason: CallbackRefusal) {
    super(`Callback URL refused: ${reason}`);
  }
}

export interface CallbackRule {
  /** The API's root (`WORKFLOW_EXECUTIONS_ROOT`; a local fake in tests). */
  readonly root: string;
  /** The project's id, and its number if known. */
  readonly projects: readonly string[];
  readonly location: string;
  readonly workflows: readonly string[];
}

const ID = "[A-Za-z0-9_-]{1,200}";
const CALLBACK_PATH = new RegExp(
  `^v1/projects/(${ID})/locations/(${ID})/workflows/(${ID})/executions/${ID}/callbacks/${ID}$`,
);

/**
 * Why a URL is not a callback endpoint of the rule's workflows, or `null` when it is one: same
 * scheme, host and port as the root, no user or password, no query or fragment, and the exact path
 * of a callback of one of the workflows, in the project and location.
 */
export function callbackRefusal(url: string, rule: CallbackRule): CallbackRefusal | null {
  let parsed: URL;
  let root: URL;
  try {
    parsed = new URL(url);
    root = new URL(rule.root);
  } catch {
    return "not-a-url";
  }
  if (parsed.protocol !== root.protocol || parsed.host !== root.host) return "other-host";
  if (parsed.username !== "" || parsed.password !== "") return "credentials-in-url";
  const prefix = root.pathname.endsWith("/") ? root.pathname : `${root.pathname}/`;
  if (parsed.search !== "" || parsed.hash !== "" || !parsed.pathname.startsWith(prefix)) return "other-path";
  const match = CALLBACK_PATH.exec(parsed.pathname.slice(prefix.length));
  if (!match) return "other-path";
  const [, project, location, workflow] = match;
  if (!rule.projects.includes(project!) || location !== rule.location) return "other-workflow";
  return rule.workflows.includes(workflow!) ? null : "other-workflow";
}

export class GoogleWorkflowStarter implements WorkflowStarter {
  constructor(private readonly options: GoogleWorkflowStarterOptions) {}

  /**
   * Creates one execution of the event's workflow with `args` as its JSON argument, retrying 408,
   * 429 and 5xx answers; returns the execution's full resource name.
   */
  async start(input: Parameters<WorkflowStarter["start"]>[0]): Promise<{ executionId: string }> {
    const { project, location, workflows } = this.options;
    const root = this.options.rootUrl ?? WORKFLOW_EXECUTIONS_ROOT;
    const base = root.endsWith("/") ? root : `${root}/`;
    const workflow = workflows[input.kind];
    if (!workflow) throw new Error(`No workflow configured for a ${input.kind}`);
    const url = `${base}v1/projects/${encodeURIComponent(project)}/locations/${encodeURIComponent(location)}/workflows/${encodeURIComponent(workflow)}/executions`;
    const requester = await this.requester();
    const response = await withRetry(
      () =>
        requester.request({
          url,
          method: "POST",
          data: { argument: JSON.stringify(input.args), callLogLevel: "LOG_ERRORS_ONLY" },
        }),
      {
        attempts: 4,
        baseDelayMs: 500,
        maxDelayMs: 8_000,
        retryable: (error) => isTransientHttpStatus(httpStatusOf(error)),
      },
    ).catch((error: unknown) => {
      // A `RetryableError` once the retries are spent, a `PermanentError` when the API refuses access.
      throw httpFailure(error, httpStatusOf(error));
    });
    const name = (response.data as { name?: unknown } | undefined)?.name;
    if (typeof name !== "string" || name === "") {
      throw new Error("The Workflow Executions API answered without an execution name");
    }
    return { executionId: name };
  }

  /** The rule callback URLs are held to. */
  get callbackRule(): CallbackRule {
    const { project, projectNumber, location, workflows, rootUrl } = this.options;
    return {
      root: rootUrl ?? WORKFLOW_EXECUTIONS_ROOT,
      projects: projectNumber ? [project, projectNumber] : [project],
      location,
      workflows: [workflows.seminar, workflows.lunch, ...(workflows.cycle ? [workflows.cycle] : [])],
    };
  }

  /** Posts to a callback endpoint; throws `CallbackUrlRefused`, sending nothing, for any other URL. */
  async signal(callbackUrl: string, payload: Readonly<Record<string, unknown>>): Promise<void> {
    const refusal = callbackRefusal(callbackUrl, this.callbackRule);
    if (refusal !== null) {
      this.options.log?.error("workflow.callback-refused", { reason: refusal });
      throw new CallbackUrlRefused(refusal);
    }
    const requester = await this.requester();
    await withRetry(() => requester.request({ url: callbackUrl, method: "POST", data: payload }), {
      attempts: 4,
      baseDelayMs: 500,
      maxDelayMs: 8_000,
      retryable: (error) => isTransientHttpStatus(httpStatusOf(error)),
    });
  }

  private async requester(): Promise<AuthorizedRequester> {
    if (this.options.requester) return this.options.requester;
    const auth = this.options.auth as { getClient?: () => Promise<AuthorizedRequester> } | undefined;
    if (auth?.getClient) return auth.getClient();
    return fetchRequester;
  }
}

/**
 * Plain HTTP without credentials (the local runner's callback endpoints, and tests): the answer's
 * body parsed as JSON when it is some, and an error with the `status` for any non-2xx answer.
 */
export const fetchRequester: AuthorizedRequester = {
  async request({ url, method, data }) {
    const response = await fetch(url, {
      method,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(data),
    });
    if (!response.ok) {
      throw Object.assign(new Error(`${method} answered HTTP ${response.status}`), {
        status: response.status,
      });
    }
    const text = await response.text();
    if (text === "") return { data: undefined };
    try {
      return { data: JSON.parse(text) as unknown };
    } catch {
      return { data: text };
    }
  },
};
