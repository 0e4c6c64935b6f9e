/**
 * The report's F1 section: the claims of {@linkcode checkMemory}; the memory frontier as a heatmap
 * per budget (4, 8, 16 GiB) with the seed's setting outlined; the real out-of-memory runs with
 * the bytes they asked for; the predicted-against-measured table and plot; and what each knob
 * saves from the seed's setting.
 *
 * @example
 * ```ts
 * import { memorySection } from "./memory_section.ts";
 * import { checkMemory } from "./memory_claims.ts";
 * import { resolveClaimRules } from "./claim.ts";
 * import { producingCommands } from "./commands.ts";
 * const memory = { problems: [] };
 * const check = checkMemory(memory, [], resolveClaimRules(), producingCommands("cpu"));
 * memorySection(check, memory, []).id; // "f1"
 * ```
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import { formatBytes } from "../util/format.ts";
import type { AblationRun } from "./ablation_runs.ts";
import type { CsvValue } from "./csv.ts";
import { formatGiB, formatNumber } from "./format.ts";
import { isRealOom, type MemoryCheck, oomSetting } from "./memory_claims.ts";
import { MEMORY_FILES, type MemoryResults } from "./memory_results.ts";
import type { ReportPlot, ReportSection, ReportTable } from "./section.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";
const GiB = 1024 ** 3;
const BUDGETS = [4, 8, 16] as const;

/**
 * Builds the F1 section.
 *
 * @example
 * ```ts
 * import { memorySection } from "./memory_section.ts";
 * import { checkMemory } from "./memory_claims.ts";
 * import { resolveClaimRules } from "./claim.ts";
 * import { producingCommands } from "./commands.ts";
 * const memory = { problems: [] };
 * const check = checkMemory(memory, [], resolveClaimRules(), producingCommands("cpu"));
 * memorySection(check, memory, []).title; // "F1 — out of memory"
 * ```
 */
export function memorySection(
  check: MemoryCheck,
  memory: MemoryResults,
  runs: readonly AblationRun[],
): ReportSection {
  const blocks: ReportSection["blocks"] = [];
  if (check.frontier.length > 0) blocks.push(frontierPlot(check));
  const ooms = oomTable(memory, runs);
  if (ooms.rows.length > 0) {
    blocks.push("**Out-of-memory records**", ooms);
  }
  if ((memory.agreement ?? []).length > 0) {
    blocks.push(
      "**Predicted against measured peak memory**",
      agreementTable(memory),
      agreementPlot(memory),
    );
  }
  if (check.seed) {
    blocks.push(
      `**What each knob saves from the seed's setting** (${check.seed.variant}, ${check.seed.input}×${check.seed.input}, dense ${check.seed.dense}, batch ${check.seed.batch}: ${
        formatGiB(check.seed.predictedPeakBytes)
      })`,
      savingsTable(check),
    );
  }
  for (const problem of memory.problems) blocks.push(`Unreadable: ${problem}`);
  return {
    id: "f1",
    title: "F1 — out of memory",
    claims: check.claims,
    blocks,
  };
}

function frontierPlot(check: MemoryCheck): ReportPlot {
  const seed = check.seed;
  const rows = BUDGETS.flatMap((budget) =>
    check.frontier.map((r) => ({
      budget: `${budget} GiB`,
      input: r.input,
      batch: r.batch,
      dense: r.dense,
      gib: r.predictedPeakBytes / GiB,
      verdict: r.fits[budget] ? "fits" : "over budget",
      seed: seed !== undefined && r.input === seed.input &&
        r.batch === seed.batch && r.dense === seed.dense,
    }))
  );
  const inputs = new Set(check.frontier.map((r) => r.input)).size;
  const batches = new Set(check.frontier.map((r) => r.batch)).size;
  const x = {
    field: "input",
    type: "ordinal",
    title: "input side (px)",
    sort: "ascending",
    axis: { grid: false, labelAngle: 0 },
  };
  const y = {
    field: "batch",
    type: "ordinal",
    title: "batch size",
    sort: "descending",
    axis: { grid: false },
  };
  const spec = {
    $schema: SCHEMA,
    title: {
      text: "Memory frontier: which settings fit each budget",
      subtitle:
        `${check.frontier[0].variant}, ${
          check.frontier[0].optimizer
        }; cell text: predicted peak GiB; ` +
        "outlined: the seed's setting",
    },
    data: { values: rows },
    facet: {
      row: {
        field: "budget",
        type: "nominal",
        title: "device memory budget",
        sort: BUDGETS.map((b) => `${b} GiB`),
      },
      column: {
        field: "dense",
        type: "ordinal",
        title: "dense width (units per hidden layer)",
      },
    },
    spec: {
      width: Math.max(90, 36 * inputs),
      height: Math.max(60, 22 * batches),
      layer: [
        {
          mark: { type: "rect" },
          encoding: {
            x,
            y,
            color: {
              field: "verdict",
              type: "nominal",
              title: "predicted peak",
              scale: {
                domain: ["fits", "over budget"],
                range: ["#a1d99b", "#fc9272"],
              },
            },
          },
        },
        {
          transform: [{ filter: "datum.seed" }],
          mark: {
            type: "rect",
            fillOpacity: 0,
            stroke: "black",
            strokeWidth: 2,
          },
          encoding: { x, y },
        },
        {
          mark: { type: "text", fontSize: 10 },
          encoding: {
            x,
            y,
            text: { field: "gib", type: "quantitative", format: ".1f" },
          },
        },
      ],
    },
  } as unknown as TopLevelSpec;
  return {
    kind: "plot",
    name: "memory_frontier",
    caption:
      "Memory frontier: predicted peak training memory per input side, batch size and " +
      "dense width, against 4, 8 and 16 GiB budgets",
    spec,
  };
}

const bytesColumn = (key: string, label: string) => ({
  key,
  label,
  format: (v: CsvValue) => typeof v === "number" ? formatBytes(v) : "?",
});

function oomTable(
  memory: MemoryResults,
  runs: readonly AblationRun[],
): ReportTable {
  const rows: Record<string, CsvValue>[] = (memory.ooms ?? []).map((o) => ({
    source: "memory_oom.json",
    kind: isRealOom(o) ? "real" : "budget replay (predicted)",
    setting: oomSetting(o.spec),
    backend: o.backend,
    requested_bytes: o.requestedBytes,
    predicted_peak_bytes: o.predictedPeakBytes,
    message: o.message,
  }));
  for (const run of runs.filter((r) => r.summary.status === "oom")) {
    const m = run.spec.train.model;
    rows.push({
      source: run.dir,
      kind: run.summary.memory?.budgetBytes === undefined
        ? "real"
        : "budget (predicted)",
      setting:
        `${m.variant} ×${m.widthMultiplier} at ${m.inputSize}, dense ${m.denseWidth}, batch ${run.spec.train.batchSize}`,
      backend: String(
        (run.summary.backend as { name?: string } | undefined)?.name ??
          run.spec.backend,
      ),
      requested_bytes: null,
      predicted_peak_bytes: run.summary.memory?.predictedPeakBytes ?? null,
      message: run.summary.statusReason,
    });
  }
  return {
    kind: "table",
    name: "oom_runs",
    columns: [
      { key: "source", label: "record" },
      { key: "kind", label: "kind" },
      { key: "setting", label: "setting" },
      { key: "backend", label: "backend" },
      bytesColumn("requested_bytes", "allocation that failed"),
      bytesColumn("predicted_peak_bytes", "predicted peak"),
      { key: "message", label: "message" },
    ],
    rows,
  };
}

function agreementTable(memory: MemoryResults): ReportTable {
  return {
    kind: "table",
    name: "memory_agreement",
    source: MEMORY_FILES.agreement,
    columns: [
      { key: "variant", label: "variant" },
      { key: "width", label: "width" },
      { key: "input", label: "input" },
      { key: "dense", label: "dense" },
      { key: "batch", label: "batch" },
      { key: "optimizer", label: "optimizer" },
      bytesColumn("predicted_bytes", "predicted"),
      bytesColumn("measured_bytes", "measured"),
      {
        key: "error_pct",
        label: "error",
        format: (v) => typeof v === "number" ? `${formatNumber(v, 2)}%` : "",
      },
    ],
    rows: (memory.agreement ?? []).map((r) => ({
      variant: r.variant,
      width: r.width,
      input: r.input,
      dense: r.dense,
      batch: r.batch,
      optimizer: r.optimizer,
      predicted_bytes: r.predictedBytes,
      measured_bytes: r.measuredBytes,
      error_pct: r.errorPct,
    })),
  };
}

function agreementPlot(memory: MemoryResults): ReportPlot {
  const rows = (memory.agreement ?? []).map((r) => ({
    measured: r.measuredBytes / GiB,
    predicted: r.predictedBytes / GiB,
    setting: `${r.variant} ×${r.width} ${r.input}px d${r.dense} b${r.batch}`,
    input: `${r.input}×${r.input}`,
  }));
  const all = rows.flatMap((r) => [r.measured, r.predicted]).filter((v) =>
    v > 0
  );
  const low = Math.min(...all) / 1.2;
  const high = Math.max(...all) * 1.2;
  const axis = (field: string, title: string) => ({
    field,
    type: "quantitative",
    title,
    scale: { type: "log", domain: [low, high] },
    axis: { format: "~g" },
  });
  const spec = {
    $schema: SCHEMA,
    title: {
      text: "Memory model against measurement",
      subtitle: "on the dashed line, prediction = measurement",
    },
    width: 320,
    height: 320,
    layer: [
      {
        data: { values: [{ v: low }, { v: high }] },
        mark: { type: "line", strokeDash: [5, 4], color: "#888" },
        encoding: { x: axis("v", ""), y: axis("v", "") },
      },
      {
        data: { values: rows },
        mark: { type: "point", filled: true, size: 70 },
        encoding: {
          x: axis("measured", "measured peak (GiB, log scale)"),
          y: axis("predicted", "predicted peak (GiB, log scale)"),
          color: {
            field: "input",
            type: "nominal",
            title: "input",
            sort: [...new Set((memory.agreement ?? []).map((r) => r.input))]
              .sort((a, b) => a - b).map((i) => `${i}×${i}`),
          },
        },
      },
    ],
  } as unknown as TopLevelSpec;
  return {
    kind: "plot",
    name: "memory_agreement",
    caption:
      "Predicted against measured peak training memory, one point per setting",
    spec,
  };
}

function savingsTable(check: MemoryCheck): ReportTable {
  const seed = check.seed;
  const rows: Record<string, CsvValue>[] = seed
    ? [{
      knob: "seed",
      value: null,
      predicted_peak_bytes: seed.predictedPeakBytes,
      saved_bytes: 0,
      saved_pct: 0,
      fits_4gib: seed.fits[4],
      fits_8gib: seed.fits[8],
      fits_16gib: seed.fits[16],
    }]
    : [];
  for (const s of check.savings) {
    rows.push({
      knob: s.knob,
      value: s.value,
      predicted_peak_bytes: s.predictedPeakBytes,
      saved_bytes: s.savedBytes,
      saved_pct: s.savedPct,
      fits_4gib: s.fits[4],
      fits_8gib: s.fits[8],
      fits_16gib: s.fits[16],
    });
  }
  const mark = (v: CsvValue) => v === true ? "✓" : v === false ? "✗" : "";
  return {
    kind: "table",
    name: "seed_setting_savings",
    columns: [
      { key: "knob", label: "lowered knob" },
      { key: "value", label: "to" },
      bytesColumn("predicted_peak_bytes", "predicted peak"),
      bytesColumn("saved_bytes", "saved"),
      {
        key: "saved_pct",
        label: "saved (%)",
        format: (v) => typeof v === "number" ? formatNumber(v, 3) : "",
      },
      { key: "fits_4gib", label: "fits 4 GiB", format: mark },
      { key: "fits_8gib", label: "fits 8 GiB", format: mark },
      { key: "fits_16gib", label: "fits 16 GiB", format: mark },
    ],
    rows,
  };
}
