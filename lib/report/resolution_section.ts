/**
 * The report's F2 section: the upsampling grid (what the network sees at each input size), the
 * detail per pixel at each size, the claim of {@linkcode checkResolution}, and accuracy, time per
 * epoch and memory against input resolution.
 *
 * @example
 * ```ts
 * import { resolutionSection } from "./resolution_section.ts";
 * import { checkResolution } from "./resolution_claims.ts";
 * import { resolveClaimRules } from "./claim.ts";
 * import { producingCommands } from "./commands.ts";
 * const check = checkResolution([], resolveClaimRules(), producingCommands("cpu"));
 * resolutionSection(check, [], { examples: [], problem: "no data" }).id; // "f2"
 * ```
 * @module
 */
import type { AblationRun } from "./ablation_runs.ts";
import type { CsvValue } from "./csv.ts";
import { formatNumber } from "./format.ts";
import { type UpsampledExample, upsamplingGridSvg } from "./image_grid.ts";
import type { ResolutionCheck } from "./resolution_claims.ts";
import type { ReportSection, ReportTable } from "./section.ts";
import { settingColumns, settingRow } from "./setting_stats.ts";
import { settingPlot } from "./setting_plot.ts";
import { mean } from "./stats.ts";

/** The upsampled examples, or why there are none (no CIFAR-10 found). */
export interface UpsamplingInput {
  examples: UpsampledExample[];
  problem?: string;
}

/**
 * Builds the F2 section.
 *
 * @example
 * ```ts
 * import { resolutionSection } from "./resolution_section.ts";
 * import { checkResolution } from "./resolution_claims.ts";
 * import { resolveClaimRules } from "./claim.ts";
 * import { producingCommands } from "./commands.ts";
 * const check = checkResolution([], resolveClaimRules(), producingCommands("cpu"));
 * resolutionSection(check, [], { examples: [] }).claims[0].id; // "F2"
 * ```
 */
export function resolutionSection(
  check: ResolutionCheck,
  runs: readonly AblationRun[],
  upsampling: UpsamplingInput,
): ReportSection {
  const blocks: ReportSection["blocks"] = [];
  if (upsampling.examples.length > 0) {
    const detail = detailTable(upsampling.examples);
    const rows = detail.rows;
    const original = rows.find((r) => r.size === 32);
    const largest = rows.filter((r) => r.method === "bilinear").at(-1);
    blocks.push(
      {
        kind: "image",
        name: "upsampling_grid",
        caption:
          "The same CIFAR-10 test images at 32, 64, 128 and 224 pixels, nearest and " +
          "bilinear, one image pixel per screen pixel",
        svg: upsamplingGridSvg(upsampling.examples),
      },
      original && largest
        ? `Upsampling makes pixels, not detail: from ${original.size}×${original.size} to ${largest.size}×${largest.size} the image has ${
          formatNumber((Number(largest.size) / 32) ** 2, 3)
        }× the pixels, but neighbouring pixels differ ${
          formatNumber(
            Number(original.mean_neighbour_difference) /
              Number(largest.mean_neighbour_difference),
            2,
          )
        }× less (bilinear): the same picture, spread thin. Every upsampled image is a fixed ` +
          "function of the 32×32 original, so the network is given no information it lacked."
        : "",
      detail,
    );
  } else if (upsampling.problem) {
    blocks.push(`No upsampling grid: ${upsampling.problem}`);
  }
  if (runs.length > 0) {
    blocks.push(
      settingPlot({
        name: "resolution",
        title: "Input resolution (32×32 images upsampled)",
        knobLabel: "input side (px)",
        runs,
        quadraticReference: true,
      }),
      {
        kind: "table",
        name: "resolution",
        columns: settingColumns("input_size", "input side"),
        rows: check.settings.map((s) => settingRow("input_size", s)),
      },
    );
  }
  return {
    id: "f2",
    title: "F2 — upsampling",
    claims: [check.claim],
    blocks: blocks.filter((b) => b !== ""),
  };
}

function detailTable(examples: readonly UpsampledExample[]): ReportTable {
  const keys = examples[0].tiles.map((t) => [t.method, t.size] as const);
  const rows: Record<string, CsvValue>[] = keys.map(([method, size]) => ({
    method,
    size,
    mean_neighbour_difference: mean(
      examples.map((e) =>
        e.tiles.find((t) => t.method === method && t.size === size)?.detail ??
          NaN
      ),
    ),
  }));
  return {
    kind: "table",
    name: "upsampling_detail",
    columns: [
      { key: "size", label: "input side" },
      { key: "method", label: "resize" },
      {
        key: "mean_neighbour_difference",
        label: "mean |difference| of neighbouring pixels (0–255)",
        format: (v) => typeof v === "number" ? formatNumber(v, 3) : "",
      },
    ],
    rows,
  };
}
