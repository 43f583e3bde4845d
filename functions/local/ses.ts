/**
 * The local SES-compatible server (`aws-ses-v2-local`), started in-process: it accepts the SES
 * API calls of `SesMailer`, keeps every message, shows them on its web page and answers them as
 * JSON on `/store`.
 *
 * In front of it, a small recorder keeps what SES itself would report in its `Send` events: for
 * each message it accepted, the `passerelle-send` tag and the message id. The sending reads it
 * (`deliveries`, a `DeliveryLog`) to settle a send whose outcome was lost. Given a file, the record
 * is appended there too (one JSON line per message), so it outlives a restart of the local mode.
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import sesLocal from "aws-ses-v2-local";
import type { DeliveryLog } from "../ports.js";

export interface StoredEmail {
  readonly messageId: string;
  readonly from: string;
  readonly replyTo: string[];
  readonly destination: { to: string[]; cc: string[]; bcc: string[] };
  readonly subject: string;
  readonly body: { html?: string; text?: string };
  readonly attachments: { content: string; contentType: string; filename?: string; size: number }[];
  readonly at: number;
}

export interface LocalSes {
  /** The API endpoint, and the web page that lists the messages. */
  readonly endpoint: string;
  /** What the server accepted, by send id, as SES's `Send` events would report it. */
  readonly deliveries: DeliveryLog;
  emails(): Promise<StoredEmail[]>;
  clear(): Promise<void>;
  stop(): Promise<void>;
}

type Start = (config: { host: string; port: number }) => Promise<Server>;

const SEND_TAG = "passerelle-send";

/** The value of the `passerelle-send` tag of a query-encoded `SendRawEmail` call. */
function sendIdOf(body: string): string | undefined {
  const form = new URLSearchParams(body);
  for (let index = 1; index <= 50; index++) {
    const name = form.get(`Tags.member.${index}.Name`);
    if (name === null) return undefined;
    if (name === SEND_TAG) return form.get(`Tags.member.${index}.Value`) ?? undefined;
  }
  return undefined;
}

function readAll(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/** Forwards every call to the server and records what it accepted. */
function recorder(upstream: string, accepted: Map<string, string>, file: string | undefined) {
  return async (request: IncomingMessage, response: ServerResponse) => {
    try {
      const body = await readAll(request);
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers))
        if (typeof value === "string" && name !== "host" && name !== "content-length")
          headers.set(name, value);
      const method = request.method ?? "GET";
      const answer = await fetch(`${upstream}${request.url ?? "/"}`, {
        method,
        headers,
        ...(method === "GET" || method === "HEAD" ? {} : { body }),
      });
      const text = Buffer.from(await answer.arrayBuffer());
      const id = answer.ok ? sendIdOf(body.toString("utf8")) : undefined;
      const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(text.toString("utf8"))?.[1];
      if (id && messageId) {
        accepted.set(id, messageId);
        if (file) appendFileSync(file, `${JSON.stringify({ sendId: id, messageId })}\n`);
      }
      response.writeHead(answer.status, {
        "content-type": answer.headers.get("content-type") ?? "text/plain",
      });
      response.end(text);
    } catch {
      response.writeHead(502);
      response.end();
    }
  };
}

function load(file: string | undefined): Map<string, string> {
  const accepted = new Map<string, string>();
  if (!file || !existsSync(file)) return accepted;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      const { sendId, messageId } = JSON.parse(line) as { sendId: string; messageId: string };
      accepted.set(sendId, messageId);
    } catch {
      // A line cut by a crash: the send it names is reconciled like any other.
    }
  }
  return accepted;
}

export async function startLocalSes(
  options: { host?: string; port?: number; recordFile?: string } = {},
): Promise<LocalSes> {
  const start = ((sesLocal as unknown as { default?: Start }).default ??
    (sesLocal as unknown as Start)) as Start;
  const host = options.host ?? "127.0.0.1";
  const inner = await start({ host, port: 0 });
  const upstream = `http://${host}:${(inner.address() as AddressInfo).port}`;
  const accepted = load(options.recordFile);
  const front = createServer(recorder(upstream, accepted, options.recordFile));
  // Idle connections stay open until the client closes them. The SES client keeps its connections
  // for the next call and never reads the server's keep-alive hint: with Node's default (closing
  // after 5 s idle), a call made as the server closed its connection failed with a reset, which the
  // sending must count as "may have left" and settle 15 minutes later.
  front.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    front.once("error", reject);
    front.listen(options.port ?? 0, host, () => resolve());
  });
  const endpoint = `http://${host}:${(front.address() as AddressInfo).port}`;
  const close = (server: Server) =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return {
    endpoint,
    deliveries: {
      async accepted(ids) {
        return new Map(ids.flatMap((id) => (accepted.has(id) ? [[id, accepted.get(id)!] as const] : [])));
      },
    },
    async emails() {
      const answer = await fetch(`${upstream}/store`);
      const body = (await answer.json()) as { emails: StoredEmail[] };
      return body.emails;
    },
    async clear() {
      accepted.clear();
      await fetch(`${upstream}/clear-store`, { method: "POST" });
    },
    stop: async () => {
      await close(front);
      await close(inner);
    },
  };
}
