/**
 * The runner's time: real, or simulated so that weeks of a seminar play out in seconds.
 *
 * The simulated clock is a discrete-event scheduler. Actors (the runner's executions, a test
 * scenario posting a tutor's reply) take a `hold()` while they work; when no hold is taken,
 * time jumps to the earliest timer and fires it. A woken actor takes its hold synchronously in
 * its wake-up callback, so time never moves between a wake-up and the work it triggers.
 */

export interface SchedulerClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `wake` once `at` (ms since the epoch) is reached; answers a function that cancels it. */
  setTimer(at: number, wake: () => void): () => void;
  /** Marks the caller busy until the returned release is called (idempotent). A no-op on the real clock. */
  hold(): () => void;
}

/** Runs `task` at `at` on the clock, holding the clock until it settles; answers its result. */
export function runAt<T>(clock: SchedulerClock, at: Date | number, task: () => Promise<T> | T): Promise<T> {
  const due = typeof at === "number" ? at : at.getTime();
  return new Promise<T>((resolve, reject) => {
    clock.setTimer(due, () => {
      const release = clock.hold();
      Promise.resolve().then(task).then(resolve, reject).finally(release);
    });
  });
}

/** The longest delay `setTimeout` accepts; longer waits are chained. */
const MAX_TIMEOUT = 2 ** 31 - 1;

export class RealClock implements SchedulerClock {
  now(): number {
    return Date.now();
  }

  setTimer(at: number, wake: () => void): () => void {
    let handle: NodeJS.Timeout | undefined;
    const arm = () => {
      const delay = at - Date.now();
      if (delay <= 0) {
        handle = setTimeout(wake, 0);
        return;
      }
      handle = setTimeout(arm, Math.min(delay, MAX_TIMEOUT));
    };
    arm();
    return () => clearTimeout(handle);
  }

  hold(): () => void {
    return () => {};
  }
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly wake: () => void;
  cancelled: boolean;
}

export class SimulatedClock implements SchedulerClock {
  private current: number;
  private timers: Timer[] = [];
  private holds = 0;
  private seq = 0;
  private pending = false;

  constructor(start: Date | number) {
    this.current = typeof start === "number" ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  setTimer(at: number, wake: () => void): () => void {
    const timer: Timer = { at, seq: this.seq++, wake, cancelled: false };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.kick();
    return () => {
      timer.cancelled = true;
    };
  }

  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.kick();
    };
  }

  /** Timers still waiting (for tests and diagnostics). */
  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  // setImmediate runs after pending promise callbacks, so an actor about to take a hold does so first.
  private kick(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.advance();
    });
  }

  private advance(): void {
    if (this.holds > 0) return;
    let timer = this.timers.shift();
    while (timer?.cancelled) timer = this.timers.shift();
    if (!timer) return;
    if (timer.at > this.current) this.current = timer.at;
    timer.wake();
    this.kick();
  }
}
