/**
 * The result tables of an ablation suite, read back from the run store: one row per finished run
 * (`results/tables/ablation_runs.csv`) and, per grid, one row per swept value with the status
 * counts and the mean ± standard deviation over its seeds (`results/tables/ablation_<grid>.csv`).
 * Only runs of the plan count, so a run left from an older default never mixes in.
 *
 * @example
 * ```ts
 * import { writeAblationTables } from "./ablation_tables.ts";
 * import { readLrFindFile } from "./lr_find_store.ts";
import type { PlannedRun } from "./plan.ts";
 * const planned: PlannedRun[] = []; // from planRuns(...)
 * const files = await writeAblationTables("results", planned);
 * ```
 * @module
 */
import path from "node:path";
import { readMetricsLog } from "../record/metrics_log.ts";
import type { RunSummary } from "../record/run_writer.ts";
import { windowMean } from "../train/status.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { readLrFindFile } from "./lr_find_store.ts";
import type { PlannedRun } from "./plan.ts";
import { readRunState } from "./run_store.ts";

/** One finished run, flattened for a table. */
export interface RunRow {
  grid: string;
  profile: string;
  knob: string;
  value: number;
  seedIndex: number;
  hash: string;
  status: string;
  finalTestAccuracy: number | null;
  bestTestAccuracy: number | null;
  /** Mean training loss of the last `stuck.windowSteps` steps: ln 10 = 2.3026 is chance. */
  finalWindowLoss: number | null;
  steps: number;
  imagesPerSecond: number;
  wallSeconds: number;
  predictedPeakBytes: number | null;
  measuredPeakBytes: number | null;
  backend: string;
}

/** One swept value of a grid, over its seeds. */
export interface ConfigRow {
  grid: string;
  profile: string;
  knob: string;
  value: number;
  runs: number;
  statusCounts: Record<string, number>;
  testAccuracy: MeanStd;
  finalWindowLoss: MeanStd;
  imagesPerSecond: MeanStd;
  wallSeconds: MeanStd;
  predictedPeakBytes: number | null;
  measuredPeakBytes: MeanStd;
}

/** Mean and sample standard deviation (null when there are no values, std null below two). */
export interface MeanStd {
  mean: number | null;
  std: number | null;
  n: number;
}

/** What the lr table marks: the range test's lr of lowest loss, per profile. */
export interface LrFindMark {
  /** The lr where the range test's smoothed loss was lowest. */
  minLossLr: number | null;
  /** The file it came from, relative to the results directory. */
  file: string;
}

/**
 * Reads the finished runs of `planned` (runs without a valid summary are left out).
 *
 * @example
 * ```ts
 * import { collectRunRows } from "./ablation_tables.ts";
 * const rows = await collectRunRows([]);
 * rows.length; // 0
 * ```
 */
export async function collectRunRows(
  planned: readonly PlannedRun[],
): Promise<RunRow[]> {
  const rows: RunRow[] = [];
  for (const run of planned) {
    const state = await readRunState(run.dir, run.hash);
    if (state.state !== "done") continue;
    rows.push(await runRow(run, state.summary));
  }
  return rows;
}

async function runRow(run: PlannedRun, summary: RunSummary): Promise<RunRow> {
  const { spec } = run;
  const backend = summary.backend as
    | { name?: string; backendVersion?: string }
    | undefined;
  return {
    grid: spec.grid,
    profile: spec.profile,
    knob: spec.knob,
    value: spec.value,
    seedIndex: spec.seedIndex,
    hash: run.hash,
    status: summary.status,
    finalTestAccuracy: summary.final?.testAccuracy ?? null,
    bestTestAccuracy: summary.bestTestAccuracy,
    finalWindowLoss: await finalWindowLoss(
      run.dir,
      spec.train.stuck.windowSteps,
    ),
    steps: summary.steps,
    imagesPerSecond: summary.imagesPerSecond,
    wallSeconds: summary.wallSeconds,
    predictedPeakBytes: summary.memory?.predictedPeakBytes ?? null,
    measuredPeakBytes: summary.memory?.measuredPeakBytes ?? null,
    backend: backend?.name
      ? `${backend.name} ${backend.backendVersion ?? ""}`.trim()
      : "",
  };
}

async function finalWindowLoss(
  dir: string,
  windowSteps: number,
): Promise<number | null> {
  const records = await readMetricsLog(path.join(dir, "metrics.jsonl")).catch(
    () => [],
  );
  const losses = records.filter((r) => r.type === "step").map((r) =>
    typeof r.loss === "number" ? r.loss : NaN
  );
  if (losses.length === 0) return null;
  const mean = windowMean(losses, windowSteps);
  return Number.isFinite(mean) ? mean : null;
}

/**
 * Mean and sample standard deviation of the non-null values.
 *
 * @example
 * ```ts
 * import { meanStd } from "./ablation_tables.ts";
 * meanStd([1, 3, null]); // { mean: 2, std: 1.4142135623730951, n: 2 }
 * ```
 */
export function meanStd(values: readonly (number | null)[]): MeanStd {
  const xs = values.filter((v): v is number =>
    v !== null && Number.isFinite(v)
  );
  const n = xs.length;
  if (n === 0) return { mean: null, std: null, n };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, std: null, n };
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { mean, std: Math.sqrt(variance), n };
}

/**
 * Groups runs by (grid, profile, value), in first-seen order.
 *
 * @example
 * ```ts
 * import { aggregateRuns } from "./ablation_tables.ts";
 * aggregateRuns([]); // []
 * ```
 */
export function aggregateRuns(rows: readonly RunRow[]): ConfigRow[] {
  const groups = new Map<string, RunRow[]>();
  for (const row of rows) {
    const key = `${row.grid}\u0000${row.profile}\u0000${row.value}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((group) => {
    const statusCounts: Record<string, number> = {};
    for (const row of group) {
      statusCounts[row.status] = (statusCounts[row.status] ?? 0) + 1;
    }
    const [first] = group;
    return {
      grid: first.grid,
      profile: first.profile,
      knob: first.knob,
      value: first.value,
      runs: group.length,
      statusCounts,
      testAccuracy: meanStd(group.map((r) => r.finalTestAccuracy)),
      finalWindowLoss: meanStd(group.map((r) => r.finalWindowLoss)),
      imagesPerSecond: meanStd(
        group.map((r) => (r.imagesPerSecond > 0 ? r.imagesPerSecond : null)),
      ),
      wallSeconds: meanStd(group.map((r) => r.wallSeconds)),
      predictedPeakBytes: first.predictedPeakBytes,
      measuredPeakBytes: meanStd(group.map((r) => r.measuredPeakBytes)),
    };
  });
}

const STATUSES = ["ok", "diverged", "stuck_at_chance", "oom", "error"];

/**
 * Writes `tables/ablation_runs.csv` and one `tables/ablation_<grid>.csv` per grid with finished
 * runs; the lr grid's rows are marked against the range test of their profile, when given.
 * Returns the files written.
 */
export async function writeAblationTables(
  resultsDir: string,
  planned: readonly PlannedRun[],
  options: { lrFind?: Record<string, LrFindMark> } = {},
): Promise<string[]> {
  const rows = await collectRunRows(planned);
  const tablesDir = path.join(resultsDir, "tables");
  const written: string[] = [];
  const runsFile = path.join(tablesDir, "ablation_runs.csv");
  await writeFileAtomic(runsFile, runsCsv(rows));
  written.push(runsFile);
  const configs = aggregateRuns(rows);
  for (const grid of new Set(configs.map((c) => c.grid))) {
    const file = path.join(tablesDir, `ablation_${grid}.csv`);
    await writeFileAtomic(
      file,
      configCsv(configs.filter((c) => c.grid === grid), options.lrFind),
    );
    written.push(file);
  }
  return written;
}

/**
 * The per-run table as CSV.
 *
 * @example
 * ```ts
 * import { runsCsv } from "./ablation_tables.ts";
 * runsCsv([]).split("\n")[0].startsWith("grid,profile,knob,value"); // true
 * ```
 */
export function runsCsv(rows: readonly RunRow[]): string {
  const header = [
    "grid",
    "profile",
    "knob",
    "value",
    "seed_index",
    "hash",
    "status",
    "final_test_accuracy",
    "best_test_accuracy",
    "final_window_loss",
    "steps",
    "images_per_second",
    "wall_seconds",
    "predicted_peak_bytes",
    "measured_peak_bytes",
    "backend",
  ];
  const lines = rows.map((r) =>
    [
      r.grid,
      r.profile,
      r.knob,
      r.value,
      r.seedIndex,
      r.hash,
      r.status,
      r.finalTestAccuracy,
      r.bestTestAccuracy,
      r.finalWindowLoss,
      r.steps,
      r.imagesPerSecond,
      r.wallSeconds,
      r.predictedPeakBytes,
      r.measuredPeakBytes,
      r.backend,
    ].map(cell).join(",")
  );
  return [header.join(","), ...lines].join("\n") + "\n";
}

/**
 * One grid's per-value table as CSV; with `lrFind`, an lr grid gets the range test's lr of lowest
 * loss and whether each lr lies beyond it (1) or not (0).
 *
 * @example
 * ```ts
 * import { configCsv } from "./ablation_tables.ts";
 * configCsv([]).startsWith("grid,profile,knob,value,runs,ok,diverged"); // true
 * ```
 */
export function configCsv(
  rows: readonly ConfigRow[],
  lrFind?: Record<string, LrFindMark>,
): string {
  const marks = rows.some((r) => r.knob === "lr") && lrFind !== undefined;
  const header = [
    "grid",
    "profile",
    "knob",
    "value",
    "runs",
    ...STATUSES,
    "test_accuracy_mean",
    "test_accuracy_std",
    "final_window_loss_mean",
    "final_window_loss_std",
    "images_per_second_mean",
    "wall_seconds_mean",
    "predicted_peak_bytes",
    "measured_peak_bytes_mean",
    ...(marks ? ["lr_find_min_loss_lr", "beyond_lr_find_min"] : []),
  ];
  const lines = rows.map((r) => {
    const mark = marks ? lrFind?.[r.profile] : undefined;
    const limit = mark?.minLossLr ?? null;
    return [
      r.grid,
      r.profile,
      r.knob,
      r.value,
      r.runs,
      ...STATUSES.map((s) => r.statusCounts[s] ?? 0),
      r.testAccuracy.mean,
      r.testAccuracy.std,
      r.finalWindowLoss.mean,
      r.finalWindowLoss.std,
      r.imagesPerSecond.mean,
      r.wallSeconds.mean,
      r.predictedPeakBytes,
      r.measuredPeakBytes.mean,
      ...(marks
        ? [limit, limit === null ? null : Number(r.value > limit)]
        : []),
    ].map(cell).join(",");
  });
  return [header.join(","), ...lines].join("\n") + "\n";
}

function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    return Number.isFinite(value) ? `${value}` : "";
  }
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The lr of lowest smoothed loss recorded in a range-test file, or null when the file is missing
 * or unreadable.
 *
 * @example
 * ```ts
 * import { readLrFindMark } from "./ablation_tables.ts";
 * await readLrFindMark("results", "lr_find/lr-cpu.json"); // { minLossLr: 0.05, file: ... } or null
 * ```
 */
export async function readLrFindMark(
  resultsDir: string,
  file: string,
): Promise<LrFindMark | null> {
  const stored = await readLrFindFile(path.join(resultsDir, file));
  return stored === null ? null : { minLossLr: stored.minLossLr ?? null, file };
}
