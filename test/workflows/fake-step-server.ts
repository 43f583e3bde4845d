/**
 * A scripted stand-in for the `workflowStep` function, over real HTTP: it records every call
 * (step, event, args, simulated instant), answers what the script says, and keeps the callback
 * URLs registered so a scenario can POST to them as `sheetEdit`/`inboundMail` will.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { SchedulerClock } from "../../workflows/runner/clock.js";

export interface StepCall {
  readonly step: string;
  readonly event: string;
  readonly args: Record<string, unknown>;
  readonly at: string;
}

export interface StepAnswer {
  readonly status?: number;
  readonly body: unknown;
}

/** Answers one call; `nth` counts the calls of that step so far, from 0. */
export type StepScript = Record<string, (call: StepCall, nth: number) => StepAnswer | Promise<StepAnswer>>;

export class FakeStepServer {
  readonly calls: StepCall[] = [];
  readonly callbacks = new Map<string, string>();
  /** Told of each call as it arrives, before it is answered (e.g. to kill the runner mid-call). */
  onCall: ((call: StepCall, nth: number) => void) | undefined;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(clock: SchedulerClock, script: StepScript): Promise<FakeStepServer> {
    let self: FakeStepServer | undefined;
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        step: string;
        event: string;
        args?: Record<string, unknown>;
      };
      const call: StepCall = {
        step: body.step,
        event: body.event,
        args: body.args ?? {},
        at: new Date(clock.now()).toISOString(),
      };
      const fake = self!;
      const nth = fake.calls.filter((c) => c.step === call.step).length;
      fake.calls.push(call);
      fake.onCall?.(call, nth);
      if (call.step === "register-callback") {
        fake.callbacks.set(String(call.args.purpose), String(call.args.url));
      }
      const handler = script[call.step];
      const answer: StepAnswer = handler
        ? await handler(call, nth)
        : call.step === "register-callback"
          ? { body: {} }
          : { status: 404, body: { error: `unknown step ${call.step}` } };
      res.writeHead(answer.status ?? 200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const port = (server.address() as AddressInfo).port;
    self = new FakeStepServer(server, `http://127.0.0.1:${port}/workflowStep`);
    return self;
  }

  /** The steps called, in order. */
  get steps(): string[] {
    return this.calls.map((c) => c.step);
  }

  /** The instants (ISO, UTC) at which a step was called. */
  times(step: string): string[] {
    return this.calls.filter((c) => c.step === step).map((c) => c.at);
  }

  /** POSTs to the callback registered for `purpose`, as the functions do. */
  async signal(purpose: string, body: unknown = {}): Promise<number> {
    const url = this.callbacks.get(purpose);
    if (!url) throw new Error(`no callback registered for ${purpose}`);
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    await res.text();
    return res.status;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
