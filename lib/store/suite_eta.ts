/**
 * The remaining time of a suite of runs of different sizes: seconds per unit of cost (FLOPs) are
 * learnt from the tasks finished so far and applied to the work left (tasks not started, plus the
 * unfinished part of running ones), spread over the parallel jobs.
 *
 * @example
 * ```ts
 * import { SuiteEta } from "./suite_eta.ts";
 * const eta = new SuiteEta([{ id: "a", costFlops: 1e9 }, { id: "b", costFlops: 3e9 }], 1);
 * eta.start({ id: "a", costFlops: 1e9 });
 * eta.finish({ id: "a", costFlops: 1e9 }, 10);
 * eta.describe(); // "1 left, ETA 30s"
 * ```
 * @module
 */
import { formatDuration } from "../util/format.ts";

/** What the ETA needs of a task. */
export interface CostedTask {
  id: string;
  /** Relative size of the task (any unit, the same for all tasks). */
  costFlops: number;
}

/** Tracks a suite's tasks and estimates its remaining time. */
export class SuiteEta {
  readonly #jobs: number;
  readonly #now: () => number;
  readonly #pending = new Map<string, number>();
  readonly #running = new Map<string, { cost: number; started: number }>();
  #doneCost = 0;
  #doneSeconds = 0;

  /** `now` is a clock in milliseconds (default `performance.now`), injectable for tests. */
  constructor(
    tasks: readonly CostedTask[],
    jobs: number,
    now: () => number = () => performance.now(),
  ) {
    this.#jobs = jobs;
    this.#now = now;
    for (const task of tasks) this.#pending.set(task.id, task.costFlops);
  }

  /** A task started. */
  start(task: CostedTask): void {
    this.#pending.delete(task.id);
    this.#running.set(task.id, { cost: task.costFlops, started: this.#now() });
  }

  /** A task finished after `seconds`. */
  finish(task: CostedTask, seconds: number): void {
    this.#pending.delete(task.id);
    this.#running.delete(task.id);
    this.#doneCost += task.costFlops;
    this.#doneSeconds += seconds;
  }

  /** Estimated seconds left (NaN until a task has finished; 0 when none is left). */
  secondsLeft(): number {
    if (this.#pending.size + this.#running.size === 0) return 0;
    if (this.#doneCost === 0) return NaN;
    const perCost = this.#doneSeconds / this.#doneCost;
    let seconds = 0;
    for (const cost of this.#pending.values()) seconds += cost * perCost;
    for (const { cost, started } of this.#running.values()) {
      seconds += Math.max(0, cost * perCost - (this.#now() - started) / 1000);
    }
    return seconds / this.#jobs;
  }

  /** "3 left, ETA 4m10s", "2 left, ETA ?" before any task finished, or "suite done". */
  describe(): string {
    const left = this.#pending.size + this.#running.size;
    if (left === 0) return "suite done";
    return `${left} left, ETA ${formatDuration(this.secondsLeft())}`;
  }
}
