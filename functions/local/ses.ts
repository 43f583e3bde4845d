/**
 * The local SES-compatible server (`aws-ses-v2-local`), started in-process: it accepts the SES
 * API calls of `SesMailer`, keeps every message, shows them on its web page and answers them as
 * JSON on `/store`.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import sesLocal from "aws-ses-v2-local";

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
  emails(): Promise<StoredEmail[]>;
  clear(): Promise<void>;
  stop(): Promise<void>;
}

type Start = (config: { host: string; port: number }) => Promise<Server>;

export async function startLocalSes(options: { host?: string; port?: number } = {}): Promise<LocalSes> {
  const start = ((sesLocal as unknown as { default?: Start }).default ??
    (sesLocal as unknown as Start)) as Start;
  const server = await start({ host: options.host ?? "127.0.0.1", port: options.port ?? 0 });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${options.host ?? "127.0.0.1"}:${port}`;
  return {
    endpoint,
    async emails() {
      const answer = await fetch(`${endpoint}/store`);
      const body = (await answer.json()) as { emails: StoredEmail[] };
      return body.emails;
    },
    async clear() {
      await fetch(`${endpoint}/clear-store`, { method: "POST" });
    },
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
