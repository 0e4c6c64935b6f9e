/**
 * `results/lr_find/<name>.json`: a stored LR range test, with its config and sweep settings so a
 * later run can tell whether the stored test is still the one it would run (same config, same
 * sweep, same smoothing), and the same points as CSV beside it for plotting.
 *
 * @example
 * ```ts
 * import { readLrFindFile } from "./lr_find_store.ts";
 * const stored = await readLrFindFile("results/lr_find/lr-cpu.json");
 * console.log(stored?.minLossLr, stored?.suggestions.valley);
 * ```
 * @module
 */
import { readFile } from "node:fs/promises";
import type { TrainConfig } from "../train/config.ts";
import type { LrFindResult } from "../train/lr_find.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { canonicalJson } from "./run_spec.ts";

/** How the range test swept and smoothed: part of its identity. */
export interface LrSweep {
  startLr: number;
  endLr: number;
  steps: number;
  divergeFactor: number;
  /** EMA weight of the newest loss and the running-median length (see LossSmoother). */
  smoothing: number;
  medianOf: number;
}

/** Contents of a stored range test. */
export interface LrFindRecord extends LrFindResult {
  config: TrainConfig;
  sweep: LrSweep;
}

/**
 * The stored test at `file`, or null when it is missing or not a range test.
 *
 * @example
 * ```ts
 * import { readLrFindFile } from "./lr_find_store.ts";
 * await readLrFindFile("/nonexistent.json"); // null
 * ```
 */
export async function readLrFindFile(
  file: string,
): Promise<LrFindRecord | null> {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as LrFindRecord;
    return Array.isArray(parsed.points) &&
        typeof parsed.suggestions === "object"
      ? parsed
      : null;
  } catch {
    return null;
  }
}

/**
 * Whether `file` holds the test of exactly this config and sweep.
 *
 * @example
 * ```ts
 * import { resolveTrainConfig } from "../train/config.ts";
 * import { holdsLrFind } from "./lr_find_store.ts";
 * const sweep = { startLr: 1e-5, endLr: 10, steps: 200, divergeFactor: 4, smoothing: 0.05, medianOf: 5 };
 * await holdsLrFind("results/lr_find/lr-cpu.json", resolveTrainConfig(), sweep); // false if absent
 * ```
 */
export async function holdsLrFind(
  file: string,
  config: TrainConfig,
  sweep: LrSweep,
): Promise<boolean> {
  const stored = await readLrFindFile(file);
  return stored !== null &&
    canonicalJson({ config: stored.config, sweep: stored.sweep }) ===
      canonicalJson({ config, sweep });
}

/**
 * Writes the test to `file` (JSON) and its points to the same name with `.csv`, atomically.
 *
 * @example
 * ```ts
 * import { writeLrFindFile } from "./lr_find_store.ts";
 * // await writeLrFindFile("results/lr_find/mine.json", { config, sweep, ...result });
 * ```
 */
export async function writeLrFindFile(
  file: string,
  record: LrFindRecord,
): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
  const lines = record.points.map((p) =>
    [p.step, p.lr, p.loss ?? "", p.smoothedLoss ?? ""].join(",")
  );
  await writeFileAtomic(
    file.replace(/\.json$/, ".csv"),
    ["step,lr,loss,smoothed_loss", ...lines].join("\n") + "\n",
  );
}
