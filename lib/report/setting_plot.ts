/**
 * The three-panel plot shared by the resolution, dense and batch grids: test accuracy (each seed,
 * and the mean), training time per epoch, and peak memory (predicted and, where measured,
 * measured), each against the swept knob on a log₂ axis.
 *
 * @example
 * ```ts
 * import { settingPlot } from "./setting_plot.ts";
 * const plot = settingPlot({ name: "dense", title: "Dense width", knobLabel: "dense width (units)",
 *   runs: [] });
 * plot.kind; // "plot"
 * ```
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import type { AblationRun } from "./ablation_runs.ts";
import type { ReportPlot } from "./section.ts";
import { epochSeconds, finalTestAccuracy } from "./setting_stats.ts";

/** Options of {@linkcode settingPlot}. */
export interface SettingPlotOptions {
  /** File name of the plot. */
  name: string;
  /** The chart's title. */
  title: string;
  /** The x axis title, with its unit. */
  knobLabel: string;
  /** The grid's finished runs. */
  runs: readonly AblationRun[];
  /** Draw time ∝ (x / smallest x)² through the smallest setting's mean time (for input sides). */
  quadraticReference?: boolean;
}

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/**
 * Builds the three-panel plot of a grid.
 *
 * @example
 * ```ts
 * import { settingPlot } from "./setting_plot.ts";
 * settingPlot({ name: "batch", title: "Batch size", knobLabel: "batch size (images)", runs: [] })
 *   .caption; // "Batch size: test accuracy, time per epoch and peak memory per batch size (images)"
 * ```
 */
export function settingPlot(options: SettingPlotOptions): ReportPlot {
  const peaks = options.runs.flatMap((r) => [
    r.summary.memory?.predictedPeakBytes ?? 0,
    r.summary.memory?.measuredPeakBytes ?? 0,
  ]);
  const [unit, unitName] = Math.max(0, ...peaks) >= GiB
    ? [GiB, "GiB"]
    : [MiB, "MiB"];
  const rows = options.runs.map((run) => ({
    value: run.spec.value,
    seed: run.spec.seedIndex,
    status: run.summary.status,
    accuracy: nullIfNaN(finalTestAccuracy(run)),
    epochSeconds: run.summary.steps > 0 ? nullIfNaN(epochSeconds(run)) : null,
    predicted: nullIfNaN(
      (run.summary.memory?.predictedPeakBytes ?? NaN) / unit,
    ),
    measured: nullIfNaN((run.summary.memory?.measuredPeakBytes ?? NaN) / unit),
  }));
  const values = [...new Set(rows.map((r) => r.value))].sort((a, b) => a - b);
  const x = {
    field: "value",
    type: "quantitative" as const,
    title: options.knobLabel,
    scale: { type: "log" as const, base: 2, padding: 12, nice: false },
    axis: { values, format: "~g" },
  };
  const panel = { width: 220, height: 200 };
  const accuracy = {
    ...panel,
    layer: [
      {
        transform: [{ filter: "isValid(datum.accuracy)" }],
        mark: { type: "point", filled: true, opacity: 0.7 },
        encoding: {
          x,
          y: {
            field: "accuracy",
            type: "quantitative",
            title: "test accuracy",
            axis: { format: ".1~%" },
            scale: { zero: false },
          },
        },
      },
      {
        transform: [{ filter: "isValid(datum.accuracy)" }],
        mark: { type: "line", color: "#4c78a8" },
        encoding: {
          x,
          y: { field: "accuracy", aggregate: "mean", type: "quantitative" },
        },
      },
    ],
  };
  const smallest = rows.filter((r) =>
    r.value === values[0] && r.epochSeconds !== null
  );
  const base = smallest.reduce((s, r) => s + (r.epochSeconds ?? 0), 0) /
    smallest.length;
  const reference = options.quadraticReference && Number.isFinite(base)
    ? [{
      data: {
        values: values.map((v) => ({
          value: v,
          reference: base * (v / values[0]) ** 2,
          label: "∝ side²",
        })),
      },
      mark: { type: "line", strokeDash: [4, 4], color: "#999" },
      encoding: {
        x,
        y: { field: "reference", type: "quantitative" },
      },
    }]
    : [];
  const time = {
    ...panel,
    layer: [
      {
        transform: [{ filter: "isValid(datum.epochSeconds)" }],
        mark: {
          type: "line",
          color: "#f58518",
          point: { color: "#f58518" },
        },
        encoding: {
          x,
          y: {
            field: "epochSeconds",
            aggregate: "mean",
            type: "quantitative",
            title: "seconds per epoch (log)",
            scale: { type: "log" },
          },
        },
      },
      ...reference,
    ],
  };
  const memory = {
    ...panel,
    transform: [
      { fold: ["predicted", "measured"], as: ["kind", "gib"] },
      { filter: "isValid(datum.gib)" },
    ],
    mark: { type: "line", point: true },
    encoding: {
      x,
      y: {
        field: "gib",
        aggregate: "mean",
        type: "quantitative",
        title: `peak memory (${unitName}, log)`,
        scale: { type: "log" },
      },
      color: {
        field: "kind",
        type: "nominal",
        title: "memory",
        scale: {
          domain: ["predicted", "measured"],
          range: ["#54a24b", "#b279a2"],
        },
      },
    },
  };
  const hasMemory = rows.some((r) =>
    r.predicted !== null || r.measured !== null
  );
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: {
      text: options.title,
      subtitle:
        `accuracy: dots are seeds, the line their mean; time: mean training seconds per epoch${
          reference.length > 0
            ? " (dashed: growing as side² from the smallest input)"
            : ""
        }`,
    },
    data: { values: rows },
    hconcat: hasMemory ? [accuracy, time, memory] : [accuracy, time],
    resolve: { scale: { color: "independent" } },
  } as unknown as TopLevelSpec;
  return {
    kind: "plot",
    name: options.name,
    caption: `${options.title}: test accuracy, time per epoch${
      hasMemory ? " and peak memory" : ""
    } per ${options.knobLabel}`,
    spec,
  };
}

function nullIfNaN(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
