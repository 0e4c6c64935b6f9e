/**
 * Runs commands as child processes, at most `jobs` at a time, in the order given. Each child is
 * one independent run, so a hard crash (a native abort) ends only that run: the pool reports its
 * exit code, signal and the tail of its stderr, and goes on with the next.
 *
 * @example
 * ```ts
 * import process from "node:process";
 * import { WorkerPool } from "./worker_pool.ts";
 * const pool = new WorkerPool({ jobs: 2 });
 * const outcomes = await pool.run(
 *   [1, 2, 3].map((n) => ({ id: `job${n}`, command: process.execPath, args: ["--version"] })),
 *   { onFinish: (outcome) => console.log(outcome.task.id, outcome.code) },
 * );
 * ```
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";

/** One command to run. */
export interface PoolTask {
  /** Names the task in outcomes and logs. */
  id: string;
  command: string;
  args: readonly string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/** How a task's process ended. */
export interface TaskOutcome<T extends PoolTask = PoolTask> {
  task: T;
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  /** The signal that ended it, e.g. "SIGABRT", or null. */
  signal: string | null;
  /** Everything it printed on stdout. */
  stdout: string;
  /** The last `stderrTailBytes` of its stderr. */
  stderrTail: string;
  /** Wall time of the process. */
  seconds: number;
}

/** Options of {@linkcode WorkerPool}. */
export interface WorkerPoolOptions {
  /** Processes at once; an integer >= 1. */
  jobs: number;
  /** Stderr kept per task. Default 4096 bytes. */
  stderrTailBytes?: number;
  /** Also echo every child's stderr here as it comes (e.g. for --verbose). */
  echoStderr?: (text: string) => void;
}

/** Callbacks of {@linkcode WorkerPool.run}. */
export interface RunHooks<T extends PoolTask> {
  onStart?: (task: T) => void;
  onFinish?: (outcome: TaskOutcome<T>) => void | Promise<void>;
}

/** A pool of child processes. */
export class WorkerPool {
  readonly #options: Required<Omit<WorkerPoolOptions, "echoStderr">> & {
    echoStderr?: (text: string) => void;
  };
  readonly #children = new Set<ChildProcess>();
  #stopped = false;

  constructor(options: WorkerPoolOptions) {
    this.#options = { stderrTailBytes: 4096, ...options };
  }

  /** Runs every task (at most `jobs` at once) and returns their outcomes in task order. */
  async run<T extends PoolTask>(
    tasks: readonly T[],
    hooks: RunHooks<T> = {},
  ): Promise<TaskOutcome<T>[]> {
    const outcomes: TaskOutcome<T>[] = new Array(tasks.length);
    let next = 0;
    const lane = async () => {
      while (next < tasks.length && !this.#stopped) {
        const index = next++;
        hooks.onStart?.(tasks[index]);
        const outcome = await this.#spawn(tasks[index]);
        outcomes[index] = outcome;
        if (!this.#stopped) await hooks.onFinish?.(outcome);
      }
    };
    const lanes = Math.min(this.#options.jobs, tasks.length);
    await Promise.all(Array.from({ length: lanes }, lane));
    return outcomes.filter((outcome) => outcome !== undefined);
  }

  /** Stops starting tasks and sends `signal` to every running child. */
  stop(signal: NodeJS.Signals = "SIGTERM"): void {
    this.#stopped = true;
    for (const child of this.#children) child.kill(signal);
  }

  #spawn<T extends PoolTask>(task: T): Promise<TaskOutcome<T>> {
    const started = performance.now();
    return new Promise((resolve) => {
      const child = spawn(task.command, [...task.args], {
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, ...task.env },
      });
      this.#children.add(child);
      let stdout = "";
      let stderr = "";
      child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
      });
      child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
        this.#options.echoStderr?.(chunk);
        stderr = (stderr + chunk).slice(-this.#options.stderrTailBytes);
      });
      const finish = (code: number | null, signal: string | null) => {
        this.#children.delete(child);
        resolve({
          task,
          code,
          signal,
          stdout,
          stderrTail: stderr,
          seconds: (performance.now() - started) / 1000,
        });
      };
      child.on("error", (error) => {
        stderr += `\n${error.message}`;
        finish(null, null);
      });
      child.on("close", finish);
    });
  }
}
