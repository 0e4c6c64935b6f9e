/**
 * The memory model's outputs, as written by `deno task memory`: the frontier
 * (results/tables/memory_frontier.csv: predicted peak bytes of each VGG setting and whether it
 * fits 4, 8 and 16 GiB), the agreement table (memory_agreement.csv: predicted against measured
 * bytes) and the real out-of-memory runs (results/memory_oom.json). Each input may be absent
 * (null) or unreadable (a problem line); neither stops the report.
 *
 * @example
 * ```ts
 * import { loadMemoryResults } from "./memory_results.ts";
 * const memory = await loadMemoryResults("results");
 * memory.frontier?.length; // settings in the frontier, or undefined before `deno task memory`
 * ```
 * @module
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseCsv } from "./csv.ts";

/** One setting of the frontier. */
export interface FrontierRow {
  variant: string;
  input: number;
  dense: number;
  batch: number;
  optimizer: string;
  predictedPeakBytes: number;
  /** Whether it fits each budget, by GiB. */
  fits: { 4: boolean; 8: boolean; 16: boolean };
}

/** One setting whose peak memory was both predicted and measured. */
export interface AgreementRow {
  variant: string;
  width: number;
  input: number;
  dense: number;
  batch: number;
  optimizer: string;
  predictedBytes: number;
  measuredBytes: number;
  /** (predicted - measured) / measured, in percent. */
  errorPct: number;
  /** The wasm heap size when measured, if recorded. */
  heapBytes: number | null;
}

/** A run that really ran out of memory. */
export interface OomRecord {
  spec: Record<string, unknown>;
  status: "oom";
  /** The allocation that failed, when known. */
  requestedBytes: number | null;
  predictedPeakBytes: number;
  backend: string;
  message: string;
}

/** What {@linkcode loadMemoryResults} found; undefined = file absent. */
export interface MemoryResults {
  frontier?: FrontierRow[];
  agreement?: AgreementRow[];
  ooms?: OomRecord[];
  /** One line per input that exists but could not be read. */
  problems: string[];
}

/**
 * File names, relative to the results directory.
 *
 * @example
 * ```ts
 * import { MEMORY_FILES } from "./memory_results.ts";
 * MEMORY_FILES.ooms; // "memory_oom.json"
 * ```
 */
export const MEMORY_FILES = Object.freeze({
  frontier: path.join("tables", "memory_frontier.csv"),
  agreement: path.join("tables", "memory_agreement.csv"),
  ooms: "memory_oom.json",
});

/**
 * Reads the memory model's three outputs from `resultsDir`.
 *
 * @example
 * ```ts
 * import { loadMemoryResults } from "./memory_results.ts";
 * const { frontier, problems } = await loadMemoryResults("results");
 * ```
 */
export async function loadMemoryResults(
  resultsDir: string,
): Promise<MemoryResults> {
  const problems: string[] = [];
  const read = async <T>(
    file: string,
    parse: (text: string) => T,
  ): Promise<T | undefined> => {
    let text: string;
    try {
      text = await readFile(path.join(resultsDir, file), "utf8");
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return undefined;
      problems.push(`${file}: unreadable (${(error as Error).message})`);
      return undefined;
    }
    try {
      return parse(text);
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
      return undefined;
    }
  };
  const [frontier, agreement, ooms] = await Promise.all([
    read(MEMORY_FILES.frontier, (text) => parseCsv(text).map(frontierRow)),
    read(MEMORY_FILES.agreement, (text) => parseCsv(text).map(agreementRow)),
    read(MEMORY_FILES.ooms, parseOoms),
  ]);
  return { frontier, agreement, ooms, problems };
}

function frontierRow(row: Record<string, string>): FrontierRow {
  return {
    variant: text(row, "variant"),
    input: num(row, "input"),
    dense: num(row, "dense"),
    batch: num(row, "batch"),
    optimizer: text(row, "optimizer"),
    predictedPeakBytes: num(row, "predicted_peak_bytes"),
    fits: {
      4: bool(row, "fits_4gib"),
      8: bool(row, "fits_8gib"),
      16: bool(row, "fits_16gib"),
    },
  };
}

function agreementRow(row: Record<string, string>): AgreementRow {
  return {
    variant: text(row, "variant"),
    width: num(row, "width"),
    input: num(row, "input"),
    dense: num(row, "dense"),
    batch: num(row, "batch"),
    optimizer: text(row, "optimizer"),
    predictedBytes: num(row, "predicted_bytes"),
    measuredBytes: num(row, "measured_bytes"),
    errorPct: num(row, "error_pct"),
    heapBytes: row.heap_bytes === undefined || row.heap_bytes === ""
      ? null
      : num(row, "heap_bytes"),
  };
}

function parseOoms(text: string): OomRecord[] {
  const value = JSON.parse(text);
  if (!Array.isArray(value)) throw new Error("not a JSON array");
  return value.map((record, i) => {
    const r = record as Partial<OomRecord>;
    if (typeof r.predictedPeakBytes !== "number") {
      throw new Error(`record ${i + 1} has no numeric predictedPeakBytes`);
    }
    return {
      spec: (r.spec ?? {}) as Record<string, unknown>,
      status: "oom",
      requestedBytes: typeof r.requestedBytes === "number"
        ? r.requestedBytes
        : null,
      predictedPeakBytes: r.predictedPeakBytes,
      backend: String(r.backend ?? "unknown"),
      message: String(r.message ?? ""),
    };
  });
}

function text(row: Record<string, string>, column: string): string {
  const value = row[column];
  if (value === undefined) throw new Error(`column ${column} is missing`);
  return value;
}

function num(row: Record<string, string>, column: string): number {
  const raw = text(row, column);
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value)) {
    throw new Error(`column ${column} holds "${raw}", not a number`);
  }
  return value;
}

function bool(row: Record<string, string>, column: string): boolean {
  const raw = text(row, column).trim().toLowerCase();
  if (["true", "1", "yes"].includes(raw)) return true;
  if (["false", "0", "no"].includes(raw)) return false;
  throw new Error(`column ${column} holds "${raw}", not true/false`);
}
