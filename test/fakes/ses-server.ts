/**
 * The SES side of the tests: the real local SES-compatible server (`aws-ses-v2-local`) started
 * in-process on a free localhost port, with its store read back over HTTP; and a small server that
 * answers like SES with the failures we must survive (Throttling, MessageRejected, a 500, a
 * timeout), forwarding the rest to an upstream server when one is given.
 */
import { randomUUID } from "node:crypto";
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

export { type LocalSes, startLocalSes } from "../../functions/local/ses.js";

export type Fault =
  | "ok"
  | "throttle"
  | "reject"
  | "invalid-address"
  | "error500"
  | "timeout"
  /** Forwarded to the upstream server, which accepts the message; then the connection is reset. */
  | "accepted-reset"
  /** Forwarded and accepted upstream; the client is answered a 500. */
  | "accepted-500"
  /** Forwarded and accepted upstream; the answer never comes (the client times out). */
  | "accepted-timeout";

export interface FaultySes {
  readonly endpoint: string;
  /** Requests received, by fault played. */
  readonly calls: Fault[];
  stop(): Promise<void>;
}

const errorXml = (type: string, code: string, message: string) =>
  `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;

/** A server that answers like SES's query API; `decide` picks what each call gets. */
export async function startFaultySes(decide: (call: number) => Fault, upstream?: string): Promise<FaultySes> {
  const calls: Fault[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const fault = decide(calls.length + 1);
    calls.push(fault);
    const xml = (status: number, text: string) => {
      res.writeHead(status, { "content-type": "text/xml" });
      res.end(text);
    };
    switch (fault) {
      case "throttle":
        return xml(400, errorXml("Sender", "Throttling", "Maximum sending rate exceeded."));
      case "reject":
        return xml(400, errorXml("Sender", "MessageRejected", "Email address is not verified."));
      case "invalid-address":
        return xml(400, errorXml("Sender", "InvalidParameterValue", "Missing final '@domain'"));
      case "error500":
        return xml(500, errorXml("Receiver", "InternalFailure", "Internal error"));
      case "timeout":
        hanging.add(res);
        return;
      case "accepted-reset":
      case "accepted-500":
      case "accepted-timeout": {
        if (!upstream) throw new Error(`${fault} needs an upstream server`);
        await forwardAndDrop(upstream, req, body);
        if (fault === "accepted-reset") return void res.socket?.destroy();
        if (fault === "accepted-500")
          return xml(500, errorXml("Receiver", "InternalFailure", "Internal error"));
        hanging.add(res);
        return;
      }
      default:
        if (upstream) return forward(upstream, req, body, res);
        return xml(
          200,
          `<SendRawEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><SendRawEmailResult><MessageId>${randomUUID()}</MessageId></SendRawEmailResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></SendRawEmailResponse>`,
        );
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    async stop() {
      for (const res of hanging) res.destroy();
      await close(server);
    },
  };
}

function forward(upstream: string, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
  const target = new URL(upstream);
  const out = httpRequest(
    {
      host: target.hostname,
      port: target.port,
      path: req.url,
      method: req.method,
      headers: { ...req.headers, host: target.host },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on("error", () => {
    res.writeHead(502);
    res.end();
  });
  out.end(body);
}

/** Sends the call upstream and waits for its answer, which the client never sees. */
function forwardAndDrop(upstream: string, req: IncomingMessage, body: Buffer): Promise<void> {
  const target = new URL(upstream);
  return new Promise((resolve, reject) => {
    const out = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        answer.resume();
        answer.on("end", () => resolve());
      },
    );
    out.on("error", reject);
    out.end(body);
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}
