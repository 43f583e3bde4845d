// biome-ignore-all lint/suspicious/noTemplateCurlyInString: definitions under test use the `${...}` syntax of Cloud Workflows
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runAt, SimulatedClock } from "../../workflows/runner/clock.js";
import { DefinitionError, loadDefinition } from "../../workflows/runner/definition.js";
import { WorkflowRunner } from "../../workflows/runner/runner.js";

const START = new Date("2027-01-04T09:00:00Z");
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp() {
  const dir = await mkdtemp(join(tmpdir(), "passerelle-runner-"));
  const clock = new SimulatedClock(START);
  const runner = await WorkflowRunner.open({ stateDir: join(dir, "state"), clock });
  cleanups.push(async () => {
    await runner.close();
    await rm(dir, { recursive: true, force: true });
  });
  let n = 0;
  const define = async (yaml: string) => {
    const path = join(dir, `wf${n++}.yaml`);
    await writeFile(path, yaml);
    return path;
  };
  return { clock, runner, define };
}

function refusal(yaml: string): string {
  try {
    loadDefinition(yaml, "wf.yaml");
  } catch (error) {
    if (error instanceof DefinitionError) return error.message;
    throw error;
  }
  throw new Error("accepted");
}

describe("loading a definition", () => {
  it("refuses a construct outside the subset, naming it and its line", () => {
    expect(
      refusal(
        "main:\n  steps:\n    - a:\n        assign:\n          - x: 1\n    - b:\n        parallel:\n          branches: []\n",
      ),
    ).toBe("wf.yaml, ligne 7 : « parallel » n'est pas pris en charge par le runner local (étape « b »)");
  });

  it("refuses an unknown function, an unknown call and a jump to a missing step", () => {
    expect(refusal("- a:\n    return: ${math.sqrt(2)}\n")).toMatch(
      /ligne 2 : fonction inconnue .*math\.sqrt/,
    );
    expect(refusal("- a:\n    call: googleapis.sheets.v4.get\n")).toMatch(
      /ligne 2 : appel non pris en charge .*googleapis/,
    );
    expect(refusal("- a:\n    next: nowhere\n")).toMatch(/ligne 1 : « next: nowhere » : étape introuvable/);
    expect(refusal("- a:\n    next: break\n")).toMatch(/hors d'une boucle/);
    expect(refusal("- a:\n    return: abc ${x}\n")).toMatch(/doit occuper toute la valeur/);
  });
});

describe("running a definition", () => {
  it("evaluates expressions, loops, switches, subworkflows and caught errors as Cloud Workflows does", async () => {
    const { runner, define } = await setUp();
    const path = await define(`
main:
  params: [args]
  steps:
    - init:
        assign:
          - total: 0
          - seen: []
          - m: {}
          - m.name: \${text.to_upper(args.name)}
    - loop:
        for:
          value: v
          index: i
          in: \${args.items}
          steps:
            - skip_two:
                switch:
                  - condition: \${v == 2}
                    next: continue
                  - condition: \${v > 4}
                    next: break
            - add:
                assign:
                  - total: \${total + v * 10 + i}
    - range_loop:
        for:
          value: k
          range: [1, 3]
          steps:
            - add_range:
                assign:
                  - total: \${total + k}
    - call_sub:
        call: describe
        args:
          who: \${m.name}
        result: described
    - guarded:
        try:
          steps:
            - boom:
                raise:
                  code: 42
                  reason: test
        except:
          as: e
          steps:
            - keep:
                assign:
                  - caught: \${e.code}
    - done:
        return:
          total: \${total}
          described: \${described}
          caught: \${caught}
          missing: \${map.get(args, "nope")}
          fallback: \${default(map.get(args, "nope"), "défaut")}
          keys: \${keys(m)}
          len: \${len(args.items)}
          ratio: \${7 / 2}
          floor: \${7 // 2}
          mod: \${7 % 3}
          inList: \${3 in args.items}
          json: \${json.encode_to_string(m)}
          when: \${time.format(time.parse("2027-03-28T01:30:00+01:00"), "Europe/Paris")}
describe:
  params: [who, greeting: "Bonjour"]
  steps:
    - answer:
        return: \${greeting + " " + who + " (" + string(len(who)) + ")"}
`);
    const done = await runner.wait(runner.startExecution(path, { name: "anne", items: [1, 2, 3, 5, 4] }).id);

    expect(done.error).toBeUndefined();
    expect(done.result).toEqual({
      total: 10 + 0 + 30 + 2 + 6,
      described: "Bonjour ANNE (4)",
      caught: 42,
      missing: null,
      fallback: "défaut",
      keys: ["name"],
      len: 5,
      ratio: 3.5,
      floor: 3,
      mod: 1,
      inList: true,
      json: '{"name":"ANNE"}',
      when: "2027-03-28T01:30:00.000000+01:00",
    });
  });

  it("fails with the raised value when nothing catches it, and with a KeyError for a missing key", async () => {
    const { runner, define } = await setUp();
    const raised = await define('- a:\n    raise: "plus de places"\n');
    const missing = await define(
      "main:\n  params: [args]\n  steps:\n    - a:\n        return: ${args.nope}\n",
    );

    expect((await runner.wait(runner.startExecution(raised, null).id)).error).toBe("plus de places");
    expect((await runner.wait(runner.startExecution(missing, {}).id)).error).toMatchObject({
      tags: ["KeyError"],
    });
  });

  it("retries with a custom predicate and backoff, sleeping in simulated time", async () => {
    const { runner, define } = await setUp();
    const path = await define(`
main:
  steps:
    - init:
        assign:
          - attempts: 0
          - start: \${sys.now()}
    - flaky:
        try:
          steps:
            - count:
                assign:
                  - attempts: \${attempts + 1}
            - fail_twice:
                switch:
                  - condition: \${attempts < 3}
                    raise:
                      retryable: true
        retry:
          predicate: \${only_retryable}
          max_retries: 4
          backoff:
            initial_delay: 10
            max_delay: 15
            multiplier: 2
    - done:
        return:
          attempts: \${attempts}
          waited: \${sys.now() - start}
only_retryable:
  params: [e]
  steps:
    - decide:
        return: \${e.retryable}
`);
    const done = await runner.wait(runner.startExecution(path, null).id);

    expect(done.result).toEqual({ attempts: 3, waited: 10 + 15 });
  });

  it("queues a callback that arrives before the wait, and raises a TimeoutError when none comes", async () => {
    const { clock, runner, define } = await setUp();
    const path = await define(`
main:
  steps:
    - create:
        call: events.create_callback_endpoint
        args:
          http_callback_method: POST
        result: cb
    - early:
        call: http.post
        args:
          url: \${cb.url}
          body:
            answer: oui
    - take:
        call: events.await_callback
        args:
          callback: \${cb}
          timeout: 60
        result: first
    - second:
        try:
          call: events.await_callback
          args:
            callback: \${cb}
            timeout: 3600
          result: never
        except:
          as: e
          steps:
            - note:
                assign:
                  - timedOut: \${e.tags}
                  - at: \${time.format(sys.now())}
    - done:
        return:
          body: \${first.http_request.body}
          method: \${first.http_request.method}
          timedOut: \${timedOut}
          at: \${at}
`);
    const done = await runner.wait(runner.startExecution(path, null).id);

    expect(done.result).toEqual({
      body: { answer: "oui" },
      method: "POST",
      timedOut: ["TimeoutError"],
      at: "2027-01-04T10:00:00.000000Z",
    });
    expect(clock.pendingTimers).toBe(0);
  });

  it("refuses a callback to an unknown endpoint or an ended execution", async () => {
    const { runner, define } = await setUp();
    const path = await define("- a:\n    return: 1\n");
    const done = await runner.wait(runner.startExecution(path, null).id);
    const post = (url: string) => fetch(url, { method: "POST", body: "{}" }).then((r) => r.status);

    expect(await post(runner.callbackUrl(done.id, "abcdef"))).toBe(404);
    expect(await post(`${runner.baseUrl}/callbacks/nope/abcdef`)).toBe(404);
  });

  it("resumes a sleeping execution after a restart and wakes at the journaled instant", async () => {
    const { clock, runner, define } = await setUp();
    const path = await define(`
main:
  steps:
    - before:
        assign:
          - t0: \${sys.now()}
    - nap:
        call: sys.sleep
        args:
          seconds: 86400
    - after:
        return:
          slept: \${sys.now() - t0}
          t0: \${t0}
`);
    const started = runner.startExecution(path, null);
    const hold = { release: () => {} };
    const killed = runAt(clock, START.getTime() + 3_600_000, async () => {
      hold.release = clock.hold();
      await runner.close();
    });
    await killed;
    expect(runner.list()).toMatchObject([{ id: started.id, state: "ACTIVE", running: false }]);

    const second = await WorkflowRunner.open({ stateDir: runner.store.root, clock });
    cleanups.push(() => second.close());
    second.resume(started.id);
    hold.release();
    const done = await second.wait(started.id);

    expect(done.result).toEqual({ slept: 86400, t0: START.getTime() / 1000 });
    expect(done.endedAt).toEqual(new Date(START.getTime() + 86_400_000));
  });
});
