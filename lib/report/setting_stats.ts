/**
 * Per-run numbers the report compares (final test accuracy, mean loss of the last window of
 * steps, seconds per epoch, peak memory) and their aggregation over the seeds of one setting of a
 * swept knob.
 *
 * @example
 * ```ts
 * import { settingStats } from "./setting_stats.ts";
 * import { loadAblationRuns } from "./ablation_runs.ts";
 * const { runs } = await loadAblationRuns("results");
 * for (const s of settingStats(runs.filter((r) => r.grid === "dense"))) {
 *   console.log(s.value, s.accuracy, s.epochSeconds);
 * }
 * ```
 * @module
 */
import { formatBytes } from "../util/format.ts";
import type { AblationRun } from "./ablation_runs.ts";
import type { CsvValue } from "./csv.ts";
import { groupByNumber, mean, spread } from "./stats.ts";
import type { TableColumn } from "./section.ts";
import { formatNumber, formatPercent, formatSeconds } from "./format.ts";

/**
 * Test accuracy after the last epoch; NaN for a run that never finished an epoch.
 *
 * @example
 * ```ts
 * import { finalTestAccuracy } from "./setting_stats.ts";
 * // finalTestAccuracy(run); // 0.413
 * ```
 */
export function finalTestAccuracy(run: AblationRun): number {
  const value = run.summary.final?.testAccuracy ??
    run.epochs.at(-1)?.testAccuracy;
  return typeof value === "number" ? value : NaN;
}

/**
 * Mean training seconds per epoch (evaluation excluded); NaN without epochs.
 *
 * @example
 * ```ts
 * import { epochSeconds } from "./setting_stats.ts";
 * // epochSeconds(run); // 12.4
 * ```
 */
export function epochSeconds(run: AblationRun): number {
  const seconds = run.epochs.map((e) => e.trainSeconds);
  if (seconds.length === 0 && run.summary.final) {
    seconds.push(run.summary.final.trainSeconds);
  }
  return mean(seconds);
}

/**
 * Mean loss of the run's last `stuck.windowSteps` steps: the number its status was judged on.
 * NaN when the run has no finite step loss.
 *
 * @example
 * ```ts
 * import { lastWindowLoss } from "./setting_stats.ts";
 * // lastWindowLoss(run); // 2.3031 for a run stuck at chance
 * ```
 */
export function lastWindowLoss(run: AblationRun): number {
  const window = run.spec.train.stuck?.windowSteps ?? 50;
  const losses = run.steps.map((s) => s.loss ?? NaN);
  return mean(losses.slice(Math.max(0, losses.length - window)));
}

/**
 * True when the run trained long enough for its status to say anything: it diverged, or it took
 * at least warm-up + window steps (shorter runs are "ok" by default).
 *
 * @example
 * ```ts
 * import { isJudged } from "./setting_stats.ts";
 * // isJudged(run); // false for a 20-step smoke run
 * ```
 */
export function isJudged(run: AblationRun): boolean {
  const stuck = run.spec.train.stuck;
  const needed = (stuck?.warmupSteps ?? 50) + (stuck?.windowSteps ?? 50);
  return run.summary.status === "diverged" || run.summary.steps >= needed;
}

/** One setting of a knob, over its seeds. */
export interface SettingStats {
  /** The knob's value. */
  value: number;
  runs: AblationRun[];
  /** Runs per status. */
  statuses: Record<string, number>;
  /** Final test accuracy of each run that finished an epoch. */
  accuracies: number[];
  /** Mean and max-min of `accuracies`; NaN without any. */
  accuracy: number;
  accuracySpread: number;
  /** Means over runs. */
  epochSeconds: number;
  imagesPerSecond: number;
  predictedPeakBytes: number;
  measuredPeakBytes: number;
}

/**
 * Groups `runs` by their swept value (ascending) and aggregates each group.
 *
 * @example
 * ```ts
 * import { settingStats } from "./setting_stats.ts";
 * settingStats([]); // []
 * ```
 */
export function settingStats(runs: readonly AblationRun[]): SettingStats[] {
  return groupByNumber(runs, (r) => r.spec.value).map(([value, group]) => {
    const statuses: Record<string, number> = {};
    for (const run of group) {
      statuses[run.summary.status] = (statuses[run.summary.status] ?? 0) + 1;
    }
    const accuracies = group.map(finalTestAccuracy).filter(Number.isFinite);
    const trained = group.filter((r) => r.summary.steps > 0);
    return {
      value,
      runs: group,
      statuses,
      accuracies,
      accuracy: mean(accuracies),
      accuracySpread: spread(accuracies),
      epochSeconds: mean(trained.map(epochSeconds)),
      imagesPerSecond: mean(trained.map((r) => r.summary.imagesPerSecond)),
      predictedPeakBytes: mean(
        group.map((r) => r.summary.memory?.predictedPeakBytes ?? NaN),
      ),
      measuredPeakBytes: mean(
        group.map((r) => r.summary.memory?.measuredPeakBytes ?? NaN),
      ),
    };
  });
}

/**
 * "3 ok, 1 stuck_at_chance": the status counts of a setting, most frequent first.
 *
 * @example
 * ```ts
 * import { formatStatuses } from "./setting_stats.ts";
 * formatStatuses({ ok: 1, stuck_at_chance: 2 }); // "2 stuck_at_chance, 1 ok"
 * ```
 */
export function formatStatuses(statuses: Record<string, number>): string {
  return Object.entries(statuses)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([status, n]) => `${n} ${status}`).join(", ");
}

/**
 * The columns of a per-setting table (CSV keys and README labels); the first is the knob.
 *
 * @example
 * ```ts
 * import { settingColumns } from "./setting_stats.ts";
 * settingColumns("dense_width", "dense width").map((c) => c.key)[0]; // "dense_width"
 * ```
 */
export function settingColumns(key: string, label: string): TableColumn[] {
  const num = (f: (n: number) => string) => (v: CsvValue) =>
    typeof v === "number" ? f(v) : "";
  return [
    { key, label },
    { key: "runs", label: "runs" },
    { key: "statuses", label: "statuses" },
    {
      key: "test_accuracy_mean",
      label: "test accuracy (mean)",
      format: num((v) => formatPercent(v)),
    },
    {
      key: "test_accuracy_spread",
      label: "seed spread",
      format: num((v) => formatPercent(v)),
    },
    {
      key: "epoch_seconds",
      label: "time per epoch",
      format: num(formatSeconds),
    },
    {
      key: "images_per_second",
      label: "images/s",
      format: num((v) => formatNumber(v, 3)),
    },
    {
      key: "predicted_peak_bytes",
      label: "predicted peak memory",
      format: num(formatBytes),
    },
    {
      key: "measured_peak_bytes",
      label: "measured peak memory",
      format: num(formatBytes),
    },
  ];
}

/**
 * A setting as a table row with the keys of {@linkcode settingColumns}.
 *
 * @example
 * ```ts
 * import { settingRow, settingStats } from "./setting_stats.ts";
 * settingStats([]).map((s) => settingRow("batch_size", s)); // []
 * ```
 */
export function settingRow(
  key: string,
  s: SettingStats,
): Record<string, CsvValue> {
  return {
    [key]: s.value,
    runs: s.runs.length,
    statuses: formatStatuses(s.statuses),
    test_accuracy_mean: s.accuracy,
    test_accuracy_spread: s.accuracySpread,
    epoch_seconds: s.epochSeconds,
    images_per_second: s.imagesPerSecond,
    predicted_peak_bytes: s.predictedPeakBytes,
    measured_peak_bytes: s.measuredPeakBytes,
  };
}
