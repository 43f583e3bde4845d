/**
 * The runner's state on disk, one folder per execution:
 *   execution.json   what was started (workflow, arguments, time), written once, atomically
 *   definition.yaml  the definition as it was at start (a resumed execution keeps its revision)
 *   journal.jsonl    append-only, fsynced: every non-deterministic result, in the order consumed
 *   callbacks.jsonl  append-only, fsynced: every callback request received, consumed or not
 * Synchronous writes keep the order of the journal trivially equal to the order of events.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { toValue, type Value } from "./values.js";

const jsonValue = z.unknown().transform(toValue);

export const executionRecord = z.object({
  id: z.string(),
  workflow: z.string(),
  definitionPath: z.string(),
  args: jsonValue,
  createdAt: z.number(),
});
export type ExecutionRecord = z.infer<typeof executionRecord>;

export const httpResponse = z.object({
  code: z.number(),
  headers: z.record(z.string(), z.string()),
  body: jsonValue,
});
export type HttpResponse = z.infer<typeof httpResponse>;

export const journalEntry = z.discriminatedUnion("k", [
  z.object({ k: z.literal("now"), at: z.number() }),
  z.object({
    k: z.literal("http"),
    method: z.string(),
    url: z.string(),
    response: httpResponse.optional(),
    error: jsonValue.optional(),
  }),
  z.object({ k: z.literal("sleep"), until: z.number() }),
  z.object({ k: z.literal("callback-endpoint"), id: z.string(), method: z.string() }),
  z.object({ k: z.literal("await"), callback: z.string(), deadline: z.number() }),
  z.object({ k: z.literal("callback"), callback: z.string(), delivery: z.number(), request: jsonValue }),
  z.object({ k: z.literal("callback-timeout"), callback: z.string() }),
  z.object({
    k: z.literal("end"),
    state: z.enum(["SUCCEEDED", "FAILED"]),
    at: z.number(),
    result: jsonValue.optional(),
    error: jsonValue.optional(),
  }),
]);
export type JournalEntry = z.infer<typeof journalEntry>;

export const delivery = z.object({
  delivery: z.number(),
  callback: z.string(),
  request: jsonValue,
});
export type Delivery = z.infer<typeof delivery> & { request: Value };

/** Appends one JSON line and forces it to disk before answering. */
export function appendLine(path: string, record: unknown): void {
  const fd = openSync(path, "a");
  try {
    writeSync(fd, `${JSON.stringify(record)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a JSON-lines file. A last line cut short by a crash is dropped (and trimmed from the file,
 * so the next append starts on a clean line); a damaged line elsewhere is an error.
 */
export function readLines<T>(path: string, schema: z.ZodType<T>): T[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, "utf8");
  const complete = text.endsWith("\n") ? text : text.slice(0, text.lastIndexOf("\n") + 1);
  if (complete.length !== text.length) truncateSync(path, Buffer.byteLength(complete));
  return complete
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line, i) => {
      try {
        return schema.parse(JSON.parse(line));
      } catch (cause) {
        throw new Error(`Journal illisible : ${path}, ligne ${i + 1}`, { cause });
      }
    });
}

/** Writes a whole file atomically: a crash leaves either the old content or the new one. */
export function writeFileAtomic(path: string, content: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export class ExecutionStore {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  dir(id: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`Identifiant d'exécution invalide : ${id}`);
    return join(this.root, id);
  }

  create(record: ExecutionRecord, definitionSource: string): void {
    const dir = this.dir(record.id);
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(join(dir, "definition.yaml"), definitionSource);
    writeFileAtomic(join(dir, "execution.json"), JSON.stringify(record, null, 2));
  }

  exists(id: string): boolean {
    return existsSync(join(this.dir(id), "execution.json"));
  }

  record(id: string): ExecutionRecord {
    const path = join(this.dir(id), "execution.json");
    try {
      return executionRecord.parse(JSON.parse(readFileSync(path, "utf8")));
    } catch (cause) {
      throw new Error(`Exécution introuvable ou illisible : ${id}`, { cause });
    }
  }

  definitionSource(id: string): string {
    return readFileSync(join(this.dir(id), "definition.yaml"), "utf8");
  }

  ids(): string[] {
    return readdirSync(this.root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(this.root, e.name, "execution.json")))
      .map((e) => e.name)
      .sort();
  }

  journal(id: string): JournalEntry[] {
    return readLines(join(this.dir(id), "journal.jsonl"), journalEntry);
  }

  append(id: string, entry: JournalEntry): void {
    appendLine(join(this.dir(id), "journal.jsonl"), entry);
  }

  deliveries(id: string): Delivery[] {
    return readLines(join(this.dir(id), "callbacks.jsonl"), delivery) as Delivery[];
  }

  addDelivery(id: string, record: Delivery): void {
    appendLine(join(this.dir(id), "callbacks.jsonl"), record);
  }
}
