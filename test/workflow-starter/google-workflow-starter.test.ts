import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GoogleWorkflowStarter } from "../../functions/adapters/google-workflow-starter.js";

interface Recorded {
  method: string;
  path: string;
  body: unknown;
}

/** A fake of the Workflow Executions endpoints the adapter uses, recording each request. */
class FakeWorkflowsServer {
  readonly requests: Recorded[] = [];
  failures: number[] = [];
  private server: Server | undefined;
  url = "";

  async start(): Promise<void> {
    this.server = createServer(async (request, response) => {
      const body = await readBody(request);
      this.requests.push({ method: request.method ?? "", path: request.url ?? "", body });
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
          JSON.stringify({ name: `${match[1]}/executions/exec-${this.requests.length}`, state: "ACTIVE" }),
        );
        return;
      }
      if (request.method === "POST" && request.url?.startsWith("/callbacks/")) {
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

  it("posts the payload to a callback endpoint", async () => {
    await starter().signal(`${fake.url}callbacks/go`, { action: "Envoyer les convocations" });
    expect(fake.requests).toEqual([
      { method: "POST", path: "/callbacks/go", body: { action: "Envoyer les convocations" } },
    ]);
  });
});
