/**
 * The workflows and the step table agree: every step a workflow calls is in `app/steps.ts`, with
 * the arguments its schema takes, and every step of the table is called by some workflow.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { STEP_TABLE, type StepName } from "../../functions/app/steps.js";

const FOLDER = join(import.meta.dirname, "../../workflows");

interface StepCall {
  readonly file: string;
  readonly name: string;
  readonly args: readonly string[];
}

/** Every call of a subworkflow that posts a step (`step`, `send_all`: those taking a `name`). */
function stepCalls(file: string): StepCall[] {
  const workflow = parse(readFileSync(join(FOLDER, file), "utf8")) as Record<string, { params?: unknown[] }>;
  const posting = new Set(
    Object.entries(workflow)
      .filter(([, sub]) => (sub.params ?? []).some((param) => param === "name"))
      .map(([name]) => name),
  );
  const calls: StepCall[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const record = node as Record<string, unknown>;
    const args = record.args as Record<string, unknown> | undefined;
    // A subworkflow forwarding its own `name` (`${name}`) is checked through its callers.
    const forwarded = typeof args?.name === "string" && args.name.startsWith("${");
    if (
      typeof record.call === "string" &&
      posting.has(record.call) &&
      typeof args?.name === "string" &&
      !forwarded
    )
      calls.push({
        file,
        name: args.name,
        args: Object.keys((args.args as Record<string, unknown> | undefined) ?? {}),
      });
    for (const value of Object.values(record)) visit(value);
  };
  visit(workflow);
  return calls;
}

const files = readdirSync(FOLDER).filter((file) => file.endsWith(".yaml"));
const calls = files.flatMap(stepCalls);

describe("the workflows against the step table", () => {
  test("reads the step calls of every workflow", () => {
    expect(files.sort()).toEqual(["cycle.yaml", "lunch-talk.yaml", "seminar.yaml"]);
    expect(calls.length).toBeGreaterThan(10);
  });

  test.each(calls.map((call) => [`${call.file}: ${call.name}`, call] as const))(
    "%s is a step of the table, called with the arguments its schema takes",
    (_, call) => {
      expect(Object.keys(STEP_TABLE)).toContain(call.name);
      const schema = STEP_TABLE[call.name as StepName].args;
      const shape = Object.keys(schema.shape);
      expect([...call.args].sort()).toEqual(
        shape
          .filter((key) => !(schema.shape as Record<string, { isOptional(): boolean }>)[key]?.isOptional())
          .sort(),
      );
    },
  );

  test("every step of the table is called by a workflow", () => {
    const called = new Set(calls.map((call) => call.name));
    expect(Object.keys(STEP_TABLE).filter((name) => !called.has(name))).toEqual([]);
  });
});
