/**
 * The report's F3 section: the claims of {@linkcode checkLearningRate}, training-loss curves
 * coloured by learning rate (log scale) with the ln 10 line, final loss and accuracy against lr
 * by status, the status table, and each LR range test's curve with its suggestions.
 *
 * @example
 * ```ts
 * import { learningRateSection } from "./lr_section.ts";
 * import { checkLearningRate } from "./lr_claims.ts";
 * import { resolveClaimRules } from "./claim.ts";
 * import { producingCommands } from "./commands.ts";
 * const check = checkLearningRate([], [], resolveClaimRules(), producingCommands("cpu"));
 * learningRateSection(check, [], []).title; // "F3 — learning rate"
 * ```
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import type { AblationRun } from "./ablation_runs.ts";
import type { CsvValue } from "./csv.ts";
import { formatLr, formatNumber, formatPercent } from "./format.ts";
import type { LrFindResult } from "./lr_find_results.ts";
import { CHANCE_LOSS, type LearningRateCheck } from "./lr_claims.ts";
import type { ReportPlot, ReportSection, ReportTable } from "./section.ts";
import {
  finalTestAccuracy,
  formatStatuses,
  lastWindowLoss,
} from "./setting_stats.ts";
import { mean } from "./stats.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";
/** Loss curves are averaged into at most this many points per run (fewer points, less noise). */
const CURVE_POINTS = 60;
/**
 * Colours of run statuses, shared by every plot.
 *
 * @example
 * ```ts
 * import { STATUS_COLORS } from "./lr_section.ts";
 * STATUS_COLORS.domain[1]; // "stuck_at_chance"
 * ```
 */
export const STATUS_COLORS = Object.freeze({
  domain: ["ok", "stuck_at_chance", "diverged", "oom", "error"],
  range: ["#4c78a8", "#f58518", "#e45756", "#9d755d", "#bab0ac"],
});

/**
 * Builds the F3 section from the check, the lr grid's runs and the range tests.
 *
 * @example
 * ```ts
 * import { learningRateSection } from "./lr_section.ts";
 * import { checkLearningRate } from "./lr_claims.ts";
 * import { resolveClaimRules } from "./claim.ts";
 * import { producingCommands } from "./commands.ts";
 * const check = checkLearningRate([], [], resolveClaimRules(), producingCommands("cpu"));
 * learningRateSection(check, [], []).claims.length; // 2
 * ```
 */
export function learningRateSection(
  check: LearningRateCheck,
  lrRuns: readonly AblationRun[],
  lrTests: readonly LrFindResult[],
): ReportSection {
  const blocks: ReportSection["blocks"] = [];
  if (lrRuns.length > 0) {
    blocks.push(
      lossCurves(lrRuns),
      finalByLr(lrRuns),
      statusTable(check),
    );
  }
  for (const test of lrTests) blocks.push(rangeTestPlot(test, check.stuckFrom));
  return {
    id: "f3",
    title: "F3 — learning rate",
    claims: check.claims,
    blocks,
  };
}

function lossCurves(runs: readonly AblationRun[]): ReportPlot {
  const rows = runs.flatMap((run) => {
    const bin = Math.max(1, Math.ceil(run.steps.length / CURVE_POINTS));
    const points = [];
    for (let start = 0; start < run.steps.length; start += bin) {
      const slice = run.steps.slice(start, start + bin);
      const loss = mean(slice.map((s) => s.loss ?? NaN));
      if (!Number.isFinite(loss)) continue;
      points.push({
        lr: run.spec.value,
        run: `${run.spec.value} #${run.spec.seedIndex}`,
        step: slice[slice.length - 1].step,
        loss,
      });
    }
    return points;
  });
  const losses = rows.map((r) => r.loss).sort((a, b) => a - b);
  const high = losses[Math.floor(losses.length * 0.99)] ?? CHANCE_LOSS;
  const top = Math.min(10, Math.max(CHANCE_LOSS * 1.25, high));
  const y = {
    field: "loss",
    type: "quantitative",
    title: "training loss (cross-entropy, nats)",
    scale: { domain: [0, Number(top.toFixed(2))] },
  };
  const spec = {
    $schema: SCHEMA,
    title: {
      text: "Training loss by learning rate",
      subtitle: `each run's loss averaged over ${
        Math.max(
          1,
          Math.ceil(
            Math.max(
              0,
              ...runs.map((r) => r.steps.length),
            ) / CURVE_POINTS,
          ),
        )
      }-step bins; dashed: ln 10 = ${
        formatNumber(CHANCE_LOSS, 4)
      }, a uniform guess`,
    },
    width: 560,
    height: 300,
    layer: [
      {
        data: { values: rows },
        mark: { type: "line", strokeWidth: 1.5, clip: true, opacity: 0.85 },
        encoding: {
          x: { field: "step", type: "quantitative", title: "training step" },
          y,
          color: {
            field: "lr",
            type: "ordinal",
            title: "learning rate",
            scale: { scheme: { name: "viridis", extent: [0, 0.85] } },
            legend: { format: "~g" },
          },
          detail: { field: "run", type: "nominal" },
        },
      },
      chanceRule("right"),
    ],
  } as unknown as TopLevelSpec;
  return {
    kind: "plot",
    name: "lr_loss_curves",
    caption:
      "Training loss per step of every lr-grid run, coloured by learning rate (one " +
      "colour per grid value, log-spaced), with the ln 10 line",
    spec,
  };
}

/** The dashed ln 10 line, labelled at the `side` where the data leave room. */
function chanceRule(side: "left" | "right") {
  return {
    data: { values: [{ y: CHANCE_LOSS, label: "ln 10 (chance)" }] },
    layer: [
      {
        mark: { type: "rule", strokeDash: [6, 4], color: "#c0392b" },
        encoding: { y: { field: "y", type: "quantitative" } },
      },
      {
        mark: {
          type: "text",
          align: side,
          dx: side === "left" ? 4 : -4,
          dy: -7,
          x: side === "left" ? 0 : "width",
          color: "#c0392b",
        },
        encoding: {
          y: { field: "y", type: "quantitative" },
          text: { field: "label" },
        },
      },
    ],
  };
}

function finalByLr(runs: readonly AblationRun[]): ReportPlot {
  const rows = runs.map((run) => ({
    lr: run.spec.value,
    status: run.summary.status,
    loss: finiteOrNull(lastWindowLoss(run)),
    accuracy: finiteOrNull(finalTestAccuracy(run)),
  }));
  const lrs = [...new Set(rows.map((r) => r.lr))].sort((a, b) => a - b);
  const x = {
    field: "lr",
    type: "quantitative",
    title: "learning rate (log scale)",
    scale: { type: "log", padding: 12 },
    axis: { values: lrs, format: "~g" },
  };
  const color = {
    field: "status",
    type: "nominal",
    title: "run status",
    scale: statusScale(rows.map((r) => r.status)),
  };
  const window = runs[0]?.spec.train.stuck?.windowSteps ?? 50;
  // A run that diverged can end its window at 1e9 before the NaN: such values are drawn at the
  // top edge (clamped) instead of squashing every other run onto the axis.
  const settled = rows.filter((r) => r.status !== "diverged" && r.loss !== null)
    .map((r) => r.loss as number);
  const top = Number(Math.max(CHANCE_LOSS * 1.25, ...settled).toFixed(2));
  const spec = {
    $schema: SCHEMA,
    title: {
      text: "Where each run ended, by learning rate",
      subtitle: [
        `left: mean loss of the last ${window} steps (dashed: ln 10; diverged runs at the top edge)`,
        "right: test accuracy after the last epoch (dashed: 10%, chance)",
      ],
    },
    data: { values: rows },
    hconcat: [
      {
        width: 300,
        height: 220,
        title: "final training loss",
        layer: [
          {
            transform: [{ filter: "isValid(datum.loss)" }],
            mark: { type: "point", filled: true, size: 60, opacity: 0.8 },
            encoding: {
              x,
              y: {
                field: "loss",
                type: "quantitative",
                title: "training loss (nats)",
                scale: { domain: [0, top], clamp: true },
              },
              color,
            },
          },
          chanceRule("left"),
        ],
      },
      {
        width: 300,
        height: 220,
        title: "final test accuracy",
        layer: [
          {
            transform: [{ filter: "isValid(datum.accuracy)" }],
            mark: { type: "point", filled: true, size: 60, opacity: 0.8 },
            encoding: {
              x,
              y: {
                field: "accuracy",
                type: "quantitative",
                title: "test accuracy",
                axis: { format: ".0%" },
              },
              color,
            },
          },
          {
            data: { values: [{ y: 0.1 }] },
            mark: { type: "rule", strokeDash: [6, 4], color: "#c0392b" },
            encoding: { y: { field: "y", type: "quantitative" } },
          },
        ],
      },
    ],
  } as unknown as TopLevelSpec;
  return {
    kind: "plot",
    name: "lr_final",
    caption:
      "Final training loss and test accuracy of each lr-grid run against its learning " +
      "rate, coloured by status",
    spec,
  };
}

/** The status colour scale restricted to the statuses present, in a fixed order. */
function statusScale(present: readonly string[]) {
  const keep = STATUS_COLORS.domain.map((
    status,
    i,
  ) => [status, STATUS_COLORS.range[i]])
    .filter(([status]) => present.includes(status));
  return { domain: keep.map(([s]) => s), range: keep.map(([, c]) => c) };
}

function statusTable(check: LearningRateCheck): ReportTable {
  const num = (f: (n: number) => string) => (v: CsvValue) =>
    typeof v === "number" ? f(v) : "";
  return {
    kind: "table",
    name: "lr_grid",
    columns: [
      { key: "lr", label: "learning rate", format: num(formatLr) },
      { key: "runs", label: "runs" },
      { key: "statuses", label: "statuses" },
      {
        key: "last_window_loss",
        label: "last-window loss (mean)",
        format: num((v) => formatNumber(v, 4)),
      },
      {
        key: "test_accuracy_mean",
        label: "test accuracy (mean)",
        format: num((v) => formatPercent(v)),
      },
      { key: "steps", label: "steps" },
    ],
    rows: check.settings.map((s) => ({
      lr: s.value,
      runs: s.runs.length,
      statuses: formatStatuses(s.statuses),
      last_window_loss: mean(s.runs.map(lastWindowLoss)),
      test_accuracy_mean: s.accuracy,
      steps: [...new Set(s.runs.map((r) => r.summary.steps))].join("/"),
    })),
  };
}

function rangeTestPlot(
  test: LrFindResult,
  stuckFrom: number | undefined,
): ReportPlot {
  const rows = test.points.flatMap((p) => [
    { lr: p.lr, loss: p.loss, kind: "loss per step" },
    { lr: p.lr, loss: p.smoothedLoss, kind: "smoothed" },
  ]).filter((r) => r.loss !== null);
  const losses = rows.map((r) => r.loss as number);
  const first =
    test.points.find((p) => p.smoothedLoss !== null)?.smoothedLoss ??
      CHANCE_LOSS;
  const top = Math.min(
    Math.max(...losses, first),
    Math.max(first, CHANCE_LOSS) * 1.6,
  );
  const bottom = Math.min(...losses);
  const marks = [
    ["valley", test.suggestions.valley, "#2ca02c"],
    ["steepest", test.suggestions.steepest, "#9467bd"],
    ["lr grid: stuck from", stuckFrom ?? null, "#c0392b"],
  ].filter(([, lr]) => typeof lr === "number") as [string, number, string][];
  const spec = {
    $schema: SCHEMA,
    title: {
      text: `LR range test ${test.name}`,
      subtitle: `lr grows each step; stopped because ${
        test.stoppedBecause || "?"
      }`,
    },
    width: 560,
    height: 280,
    layer: [
      {
        data: { values: rows },
        mark: { type: "line", clip: true },
        encoding: {
          x: {
            field: "lr",
            type: "quantitative",
            title: "learning rate (log scale)",
            scale: { type: "log" },
            axis: { format: "~g" },
          },
          y: {
            field: "loss",
            type: "quantitative",
            title: "training loss (nats)",
            scale: {
              domain: [
                Number(Math.max(0, bottom - 0.1).toFixed(2)),
                Number(top.toFixed(2)),
              ],
            },
          },
          color: {
            field: "kind",
            type: "nominal",
            title: null,
            scale: {
              domain: ["loss per step", "smoothed"],
              range: ["#c7c7c7", "#1f77b4"],
            },
          },
        },
      },
      ...marks.map(([label, lr, colour], i) => ({
        data: { values: [{ lr, text: `${label} ${formatLr(lr)}` }] },
        layer: [
          {
            mark: { type: "rule", color: colour, strokeDash: [5, 3] },
            encoding: { x: { field: "lr", type: "quantitative" } },
          },
          {
            mark: {
              type: "text",
              align: "left",
              dx: 4,
              y: 10 + 14 * i,
              color: colour,
            },
            encoding: {
              x: { field: "lr", type: "quantitative" },
              text: { field: "text" },
            },
          },
        ],
      })),
    ],
  } as unknown as TopLevelSpec;
  return {
    kind: "plot",
    name: `lr_range_test_${test.name.replace(/[^A-Za-z0-9_-]/g, "_")}`,
    caption:
      `LR range test ${test.name}: training loss against a growing learning rate, with ` +
      `its suggestions${
        stuckFrom === undefined ? "" : " and the lr grid's stuck threshold"
      }`,
    spec,
  };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
