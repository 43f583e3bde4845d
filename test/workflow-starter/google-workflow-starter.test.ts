import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type AuthorizedRequester,
  CallbackUrlRefused,
  GoogleWorkflowStarter,
} from "../../functions/adapters/google-workflow-starter.js";

interface Recorded {
  method: string;
  path: string;
  body: unknown;
  authorization?: string;
}

/** A fake of the Workflow Executions endpoints the adapter uses, recording each request. */
class FakeWorkflowsServer {
  readonly requests: Recorded[] = [];
  failures: number[] = [];
  /** Answers executions.create with `{}` (no name). */
  nameless = false;
  private server: Server | undefined;
  url = "";

  async start(): Promise<void> {
    this.server = createServer(async (request, response) => {
      const body = await readBody(request);
      const authorization = request.headers.authorization;
      this.requests.push({
        method: request.method ?? "",
        path: request.url ?? "",
        body,
        ...(authorization ? { authorization } : {}),
      });
      const failure = this.failures.shift();
      if (failure) {
        response.writeHead(failure, { "content-type": "application/json" });
        response.end(
          JSON.stringify({ error: { code: failure, message: "try later", status: "UNAVAILABLE" } }),
        );
        return;
      }
      const match = /^\/v1\/(projects\/[^/]+\/locations\/[^/]+\/workflows\/[^/]+)\/executions/.exec(
        request.url ?? "",
      );
      if (request.method === "POST" && match) {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(
          JSON.stringify(
            this.nameless
              ? {}
              : { name: `${match[1]}/executions/exec-${this.requests.length}`, state: "ACTIVE" },
          ),
        );
        return;
      }
      if (request.method === "POST" && request.url?.includes("/callbacks/")) {
        response.writeHead(200, { "content-type": "application/json" });
        response.end("{}");
        return;
      }
      response.writeHead(404);
      response.end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : undefined;
}

describe("GoogleWorkflowStarter", () => {
  let fake: FakeWorkflowsServer;
  beforeEach(async () => {
    fake = new FakeWorkflowsServer();
    await fake.start();
  });
  afterEach(() => fake.stop());

  const starter = () =>
    new GoogleWorkflowStarter({
      project: "passerelle-demo",
      location: "europe-west1",
      workflows: { seminar: "passerelle-seminaire", lunch: "passerelle-rencontre" },
      rootUrl: fake.url,
    });

  it("creates one execution of the event's workflow with the arguments as JSON", async () => {
    const { executionId } = await starter().start({
      event: "sheet-1",
      kind: "seminar",
      args: { event: "sheet-1", stepUrl: "https://x" },
    });
    expect(executionId).toBe(
      "projects/passerelle-demo/locations/europe-west1/workflows/passerelle-seminaire/executions/exec-1",
    );
    expect(fake.requests).toHaveLength(1);
    const request = fake.requests[0];
    if (!request) throw new Error("no request recorded");
    expect(request.path).toBe(
      "/v1/projects/passerelle-demo/locations/europe-west1/workflows/passerelle-seminaire/executions",
    );
    expect(JSON.parse((request.body as { argument: string }).argument)).toEqual({
      event: "sheet-1",
      stepUrl: "https://x",
    });
  });

  it("creates the execution with a plain POST through the authorised client, which carries its token", async () => {
    const withToken: AuthorizedRequester = {
      request: async (options) => {
        const response = await fetch(options.url, {
          method: options.method,
          headers: { authorization: "Bearer jeton", "content-type": "application/json" },
          body: JSON.stringify(options.data),
        });
        return { data: await response.json() };
      },
    };
    const authorised = new GoogleWorkflowStarter({
      project: "passerelle-demo",
      location: "europe-west1",
      workflows: { seminar: "passerelle-seminaire", lunch: "passerelle-rencontre" },
      rootUrl: fake.url.replace(/\/$/, ""),
      requester: withToken,
    });
    const { executionId } = await authorised.start({ event: "sheet-1", kind: "seminar", args: { a: 1 } });
    expect(executionId).toMatch(/workflows\/passerelle-seminaire\/executions\/exec-1$/);
    expect(fake.requests).toEqual([
      {
        method: "POST",
        path: "/v1/projects/passerelle-demo/locations/europe-west1/workflows/passerelle-seminaire/executions",
        body: { argument: '{"a":1}', callLogLevel: "LOG_ERRORS_ONLY" },
        authorization: "Bearer jeton",
      },
    ]);
  });

  it("does not retry a refusal such as 403, and throws it as a permanent error with its status as the cause", async () => {
    fake.failures = [403];
    const error = await starter()
      .start({ event: "sheet-1", kind: "seminar", args: {} })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "PermanentError", reason: "no-access" });
    expect(((error as Error).cause as { status?: number }).status).toBe(403);
    expect(fake.requests).toHaveLength(1);
  });

  it("throws when the API answers without an execution name", async () => {
    fake.nameless = true;
    await expect(starter().start({ event: "sheet-1", kind: "seminar", args: {} })).rejects.toThrow(
      /without an execution name/,
    );
  });

  it("starts the lunch-talk workflow for a lunch talk", async () => {
    await starter().start({ event: "sheet-2", kind: "lunch", args: {} });
    expect(fake.requests[0]?.path).toContain("/workflows/passerelle-rencontre/executions");
  });

  it("retries when the API answers 503, then succeeds", async () => {
    fake.failures = [503];
    const { executionId } = await starter().start({ event: "sheet-1", kind: "seminar", args: {} });
    expect(executionId).toContain("/executions/exec-2");
    expect(fake.requests).toHaveLength(2);
  });

  const CALLBACK =
    "v1/projects/passerelle-demo/locations/europe-west1/workflows/passerelle-seminaire/executions/abc-123/callbacks/cb_1";

  it("posts the payload to a callback endpoint of its own workflows", async () => {
    await starter().signal(`${fake.url}${CALLBACK}`, { action: "Envoyer les convocations" });
    expect(fake.requests).toEqual([
      { method: "POST", path: `/${CALLBACK}`, body: { action: "Envoyer les convocations" } },
    ]);
  });

  it("accepts only Workflow Executions callbacks of the project in the cloud", () => {
    const cloud = new GoogleWorkflowStarter({
      project: "passerelle-demo",
      projectNumber: "123456789012",
      location: "europe-west1",
      workflows: { seminar: "passerelle-seminaire", lunch: "passerelle-rencontre" },
    });
    expect(cloud.callbackRule).toEqual({
      root: "https://workflowexecutions.googleapis.com/",
      projects: ["passerelle-demo", "123456789012"],
      location: "europe-west1",
      workflows: ["passerelle-seminaire", "passerelle-rencontre"],
    });
  });
});

describe("GoogleWorkflowStarter sends its credentials to its callbacks only", () => {
  let attacker: FakeWorkflowsServer;
  const seen: { authorization: string | undefined }[] = [];
  /** Adds a bearer token to every request, as the functions' auth client does. */
  const bearer: AuthorizedRequester = {
    request: async (options) => {
      seen.push({ authorization: "Bearer jeton-des-fonctions" });
      const response = await fetch(options.url, {
        method: "POST",
        headers: { authorization: "Bearer jeton-des-fonctions", "content-type": "application/json" },
        body: JSON.stringify(options.data),
      });
      return { data: await response.json() };
    },
  };
  beforeEach(async () => {
    attacker = new FakeWorkflowsServer();
    await attacker.start();
    seen.length = 0;
  });
  afterEach(() => attacker.stop());

  const path =
    "v1/projects/passerelle-demo/locations/europe-west1/workflows/passerelle-seminaire/executions/abc/callbacks/go";
  const refused = (): { name: string; url: string; reason: string }[] => [
    { name: "another host (the attacker's)", url: `${attacker.url}${path}`, reason: "other-host" },
    { name: "a plain address", url: `${attacker.url}callbacks/go`, reason: "other-host" },
    {
      name: "Google's host over http",
      url: `http://workflowexecutions.googleapis.com/${path}`,
      reason: "other-host",
    },
    {
      name: "a look-alike host",
      url: `https://workflowexecutions.googleapis.com.evil.example/${path}`,
      reason: "other-host",
    },
    {
      name: "user information before the host",
      url: `https://workflowexecutions.googleapis.com@${attacker.url.slice(7)}${path}`,
      reason: "other-host",
    },
    {
      name: "another project",
      url: `https://workflowexecutions.googleapis.com/${path.replace("passerelle-demo", "autre-projet")}`,
      reason: "other-workflow",
    },
    {
      name: "another workflow",
      url: `https://workflowexecutions.googleapis.com/${path.replace("passerelle-seminaire", "autre")}`,
      reason: "other-workflow",
    },
    {
      name: "another location",
      url: `https://workflowexecutions.googleapis.com/${path.replace("europe-west1", "us-central1")}`,
      reason: "other-workflow",
    },
    {
      name: "another API path",
      url: "https://workflowexecutions.googleapis.com/v1/projects/passerelle-demo/secrets/x",
      reason: "other-path",
    },
    {
      name: "a dot segment",
      url: `https://workflowexecutions.googleapis.com/${path}/../../x`,
      reason: "other-path",
    },
    { name: "a query", url: `https://workflowexecutions.googleapis.com/${path}?x=1`, reason: "other-path" },
    { name: "another scheme", url: "workflow:callback:go", reason: "other-host" },
    { name: "not an URL", url: "https://", reason: "not-a-url" },
  ];

  it("refuses every other URL before any request, and logs its reason, never its value", async () => {
    const logs: string[] = [];
    const guarded = new GoogleWorkflowStarter({
      project: "passerelle-demo",
      location: "europe-west1",
      workflows: { seminar: "passerelle-seminaire", lunch: "passerelle-rencontre" },
      requester: bearer,
      log: {
        info: () => {},
        warn: () => {},
        error: (event, fields) => logs.push(JSON.stringify({ event, ...fields })),
      },
    });
    for (const { url, reason } of refused()) {
      const error = await guarded.signal(url, { purpose: "go" }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CallbackUrlRefused);
      expect((error as CallbackUrlRefused).reason).toBe(reason);
    }
    expect(seen).toEqual([]);
    expect(attacker.requests).toEqual([]);
    expect(logs).toHaveLength(refused().length);
    expect(logs.join("\n")).not.toMatch(/127\.0\.0\.1|evil|autre|secrets|callback:go/);
  });

  it("posts with the credential to a callback of its own workflows", async () => {
    const guarded = new GoogleWorkflowStarter({
      project: "passerelle-demo",
      location: "europe-west1",
      workflows: { seminar: "passerelle-seminaire", lunch: "passerelle-rencontre" },
      rootUrl: attacker.url,
      requester: bearer,
    });
    await guarded.signal(`${attacker.url}${path}`, { purpose: "go" });
    expect(attacker.requests.map((request) => request.path)).toEqual([`/${path}`]);
  });
});
