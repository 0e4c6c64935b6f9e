/**
 * The state of a run on disk, judged from its summary.json: `done` (a valid summary for this very
 * config), `missing` (never started, or killed before finishing: no summary) or `corrupt` (a
 * summary that does not parse, lacks fields, or belongs to another config). Only `done` runs are
 * skipped by a resumed suite; corrupt ones are reported and redone, never trusted.
 *
 * @example
 * ```ts
 * import { readRunState } from "./run_store.ts";
 * const state = await readRunState("results/runs/lr/0123456789abcdef", "0123456789abcdef");
 * if (state.state === "done") console.log(state.summary.status);
 * if (state.state === "corrupt") console.error(state.problem);
 * ```
 * @module
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { RunSummary } from "../record/run_writer.ts";
import type { RunStatus } from "../train/status.ts";
import type { RunSpec } from "./run_spec.ts";

/** Every status a summary may hold. */
export const RUN_STATUSES: readonly RunStatus[] = Object.freeze([
  "ok",
  "diverged",
  "stuck_at_chance",
  "oom",
  "error",
]);

/** A run directory's state. */
export type RunState =
  | { state: "done"; summary: RunSummary }
  | { state: "missing" }
  | { state: "corrupt"; problem: string };

/**
 * Reads and checks `<dir>/summary.json`. With `expectedHash`, a summary recording another hash is
 * corrupt (a directory copied or renamed by hand).
 */
export async function readRunState(
  dir: string,
  expectedHash?: string,
): Promise<RunState> {
  const file = path.join(dir, "summary.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return { state: "missing" };
    }
    return {
      state: "corrupt",
      problem: `${file}: unreadable (${(error as Error).message})`,
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return {
      state: "corrupt",
      problem: `${file}: not JSON (${(error as Error).message})`,
    };
  }
  const problem = summaryProblem(parsed, expectedHash);
  return problem === undefined
    ? { state: "done", summary: parsed as RunSummary }
    : { state: "corrupt", problem: `${file}: ${problem}` };
}

/**
 * What is wrong with a parsed summary.json, or undefined when it is valid.
 *
 * @example
 * ```ts
 * import { summaryProblem } from "./run_store.ts";
 * summaryProblem({ status: "maybe" }); // 'status "maybe" is not one of ok, diverged, ...'
 * ```
 */
export function summaryProblem(
  value: unknown,
  expectedHash?: string,
): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return "not an object";
  }
  const summary = value as Record<string, unknown>;
  if (!RUN_STATUSES.includes(summary.status as RunStatus)) {
    return `status ${JSON.stringify(summary.status)} is not one of ${
      RUN_STATUSES.join(", ")
    }`;
  }
  for (const field of ["steps", "imagesPerSecond", "wallSeconds"]) {
    if (typeof summary[field] !== "number") {
      return `${field} is missing or not a number`;
    }
  }
  for (const field of ["statusReason", "startedAt", "finishedAt"]) {
    if (typeof summary[field] !== "string") {
      return `${field} is missing or not a string`;
    }
  }
  if (expectedHash !== undefined && summary.hash !== expectedHash) {
    return `records hash ${
      JSON.stringify(summary.hash)
    }, not this directory's ${expectedHash}`;
  }
  return undefined;
}

/** A run found under results/runs/. */
export interface StoredRun {
  grid: string;
  hash: string;
  dir: string;
  /** config.json, when readable. */
  spec?: RunSpec;
  state: RunState;
}

/**
 * Every run directory under `<resultsDir>/runs/<grid>/<hash>/` whose name is a config hash, with
 * its config and state. Lock files and other entries are ignored.
 *
 * @example
 * ```ts
 * import { listStoredRuns } from "./run_store.ts";
 * const runs = await listStoredRuns("results");
 * const done = runs.filter((run) => run.state.state === "done").length;
 * ```
 */
export async function listStoredRuns(resultsDir: string): Promise<StoredRun[]> {
  const runsDir = path.join(resultsDir, "runs");
  const runs: StoredRun[] = [];
  for (const grid of await directories(runsDir)) {
    for (const hash of await directories(path.join(runsDir, grid))) {
      if (!/^[0-9a-f]{16}$/.test(hash)) continue;
      const dir = path.join(runsDir, grid, hash);
      const spec = await readFile(path.join(dir, "config.json"), "utf8")
        .then((text) => JSON.parse(text) as RunSpec)
        .catch(() => undefined);
      runs.push({
        grid,
        hash,
        dir,
        spec,
        state: await readRunState(dir, hash),
      });
    }
  }
  return runs;
}

async function directories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}
