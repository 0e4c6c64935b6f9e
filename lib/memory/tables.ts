/**
 * The memory results as files: `tables/memory_frontier.csv` (predicted peak over input x dense x
 * batch x optimizer, and whether it fits 4/8/16 GiB), `tables/memory_agreement.csv` (model vs
 * measurement) and `memory_oom.json` (the configs that ran out of memory, as results). Every
 * file is written atomically.
 *
 * @example
 * ```ts
 * import { writeMemoryTables } from "./tables.ts";
 * const written = await writeMemoryTables("results");
 * written; // ["results/tables/memory_frontier.csv"]
 * ```
 * @module
 */
import path from "node:path";
import { writeFileAtomic } from "../util/atomic.ts";
import { type FrontierRow, memoryFrontier } from "./frontier.ts";
import type { UpdateRule } from "./training_memory.ts";

/** One config whose training memory was both predicted and measured. */
export interface AgreementRow {
  variant: string;
  /** Conv width multiplier. */
  width: number;
  /** Input side. */
  input: number;
  /** Dense width. */
  dense: number;
  batch: number;
  optimizer: UpdateRule;
  /** The model's predicted peak (tfjs tensor accounting). */
  predictedBytes: number;
  /** The measured peak of tfjs' tensor accounting (tf.profile's peakBytes). */
  measuredBytes: number;
  /** The wasm heap after the measured steps (its peak), or null off wasm. */
  heapBytes: number | null;
}

/** A config that ran out of memory, recorded as a result. */
export interface OomRecord {
  /** What was run: the training config, backend, budget. */
  spec: object;
  status: "oom";
  /** Bytes of the allocation that failed (or the peak over a budget); null when unknown. */
  requestedBytes: number | null;
  /** What the memory model predicted for the config. */
  predictedPeakBytes: number;
  /** The backend it ran on. */
  backend: string;
  /** One line: what ran out. */
  message: string;
}

/** Options of {@linkcode writeMemoryTables}. */
export interface MemoryTablesOptions {
  /** The frontier rows. Default: `memoryFrontier()` (computed, no measurement). */
  frontier?: FrontierRow[];
  /** Model-vs-measurement rows; memory_agreement.csv is written only when given. */
  agreement?: AgreementRow[];
  /** Out-of-memory results; memory_oom.json is written only when given. */
  oom?: OomRecord[];
}

const GIB = 2 ** 30;

/**
 * Writes the memory tables under `resultsDir` and returns the paths written. Needs no tensors or
 * backend: with no options it writes the predicted frontier alone, which is what an ablation
 * runner needs.
 *
 * @example
 * ```ts
 * import { writeMemoryTables } from "./tables.ts";
 * await writeMemoryTables("results", {
 *   agreement: [{
 *     variant: "vgg16", width: 0.25, input: 32, dense: 256, batch: 8, optimizer: "momentum",
 *     predictedBytes: 30_472_680, measuredBytes: 30_453_884, heapBytes: 41_943_040,
 *   }],
 * });
 * ```
 */
export async function writeMemoryTables(
  resultsDir: string,
  options: MemoryTablesOptions = {},
): Promise<string[]> {
  const written: string[] = [];
  const write = async (relative: string, text: string) => {
    const file = path.join(resultsDir, relative);
    await writeFileAtomic(file, text);
    written.push(file);
  };
  await write(
    path.join("tables", "memory_frontier.csv"),
    frontierCsv(options.frontier ?? memoryFrontier()),
  );
  if (options.agreement) {
    await write(
      path.join("tables", "memory_agreement.csv"),
      agreementCsv(options.agreement),
    );
  }
  if (options.oom) {
    await write("memory_oom.json", `${JSON.stringify(options.oom, null, 2)}\n`);
  }
  return written;
}

/**
 * memory_frontier.csv: one row per config, with whether the peak fits 4, 8 and 16 GiB.
 *
 * @example
 * ```ts
 * import { frontierCsv } from "./tables.ts";
 * import { memoryFrontier } from "./frontier.ts";
 * frontierCsv(memoryFrontier({ inputSizes: [32], denseWidths: [256], batchSizes: [8] }))
 *   .split("\n")[0]; // "variant,input,dense,batch,optimizer,predicted_peak_bytes,fits_4gib,..."
 * ```
 */
export function frontierCsv(rows: readonly FrontierRow[]): string {
  const header = [
    "variant",
    "input",
    "dense",
    "batch",
    "optimizer",
    "predicted_peak_bytes",
    "fits_4gib",
    "fits_8gib",
    "fits_16gib",
  ];
  const lines = rows.map((r) => [
    r.variant,
    r.inputSize,
    r.denseWidth,
    r.batchSize,
    r.optimizer,
    r.predictedPeakBytes,
    ...[4, 8, 16].map((gib) => r.predictedPeakBytes <= gib * GIB),
  ]);
  return csv(header, lines);
}

/**
 * memory_agreement.csv: predicted vs measured bytes per config, with the error in percent of the
 * measurement (positive: the model predicts more).
 *
 * @example
 * ```ts
 * import { agreementCsv } from "./tables.ts";
 * agreementCsv([{
 *   variant: "vgg11", width: 0.125, input: 32, dense: 64, batch: 4, optimizer: "adam",
 *   predictedBytes: 110, measuredBytes: 100, heapBytes: null,
 * }]).split("\n")[1]; // "vgg11,0.125,32,64,4,adam,110,100,10,"
 * ```
 */
export function agreementCsv(rows: readonly AgreementRow[]): string {
  const header = [
    "variant",
    "width",
    "input",
    "dense",
    "batch",
    "optimizer",
    "predicted_bytes",
    "measured_bytes",
    "error_pct",
    "heap_bytes",
  ];
  const lines = rows.map((r) => [
    r.variant,
    r.width,
    r.input,
    r.dense,
    r.batch,
    r.optimizer,
    r.predictedBytes,
    r.measuredBytes,
    errorPercent(r.predictedBytes, r.measuredBytes),
    r.heapBytes ?? "",
  ]);
  return csv(header, lines);
}

/**
 * (predicted - measured) / measured in percent, rounded to 4 decimals.
 *
 * @example
 * ```ts
 * import { errorPercent } from "./tables.ts";
 * errorPercent(95, 100); // -5
 * ```
 */
export function errorPercent(predicted: number, measured: number): number {
  return Math.round(((predicted - measured) / measured) * 1e6) / 1e4;
}

function csv(
  header: readonly string[],
  rows: readonly (readonly (string | number | boolean)[])[],
): string {
  return [header, ...rows].map((row) => row.join(",")).join("\n") + "\n";
}
