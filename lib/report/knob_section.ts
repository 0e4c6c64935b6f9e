/**
 * The report's section on dense width and batch size: for each grid, its claim (does the smaller
 * setting cost accuracy?), the three-panel plot of accuracy, time and memory, and the per-setting
 * table.
 *
 * @example
 * ```ts
 * import { knobSection } from "./knob_section.ts";
 * knobSection([], { dense: [], batch: [] }).title; // "Dense width and batch size"
 * ```
 * @module
 */
import type { AblationRun } from "./ablation_runs.ts";
import type { Claim } from "./claim.ts";
import { KNOB_GRIDS } from "./knob_claims.ts";
import type { ReportSection } from "./section.ts";
import { settingColumns, settingRow, settingStats } from "./setting_stats.ts";
import { settingPlot } from "./setting_plot.ts";

const AXIS_LABELS = {
  dense: { key: "dense_width", axis: "dense width (units per hidden layer)" },
  batch: { key: "batch_size", axis: "batch size (images per step)" },
};

/**
 * Builds the section from the two claims and each grid's finished runs.
 *
 * @example
 * ```ts
 * import { knobSection } from "./knob_section.ts";
 * knobSection([], { dense: [], batch: [] }).blocks.length; // 0
 * ```
 */
export function knobSection(
  claims: Claim[],
  runs: Record<keyof typeof KNOB_GRIDS, readonly AblationRun[]>,
): ReportSection {
  const blocks: ReportSection["blocks"] = [];
  for (const grid of ["dense", "batch"] as const) {
    if (runs[grid].length === 0) continue;
    const { key, axis } = AXIS_LABELS[grid];
    const label = KNOB_GRIDS[grid].label;
    blocks.push(
      `**${label[0].toUpperCase()}${label.slice(1)}**`,
      settingPlot({
        name: grid,
        title: `${label[0].toUpperCase()}${label.slice(1)}`,
        knobLabel: axis,
        runs: runs[grid],
      }),
      {
        kind: "table",
        name: grid,
        columns: settingColumns(key, label),
        rows: settingStats(runs[grid]).map((s) => settingRow(key, s)),
      },
    );
  }
  return {
    id: "knobs",
    title: "Dense width and batch size",
    claims,
    blocks,
  };
}
