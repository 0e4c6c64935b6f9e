/**
 * The ablation runs under `<results>/runs/<grid>/<hash>/` as the report uses them: each finished
 * run's spec (config.json), summary (summary.json), per-step losses and per-epoch metrics
 * (metrics.jsonl). A run that cannot be used — no summary yet, a corrupt summary, an unreadable
 * config or metrics file, or an older run of the same grid point — is returned as skipped, with
 * the reason, so the report can list it instead of failing or silently dropping it.
 *
 * @example
 * ```ts
 * import { loadAblationRuns } from "./ablation_runs.ts";
 * const { runs, skipped } = await loadAblationRuns("results");
 * for (const s of skipped) console.log(`${s.dir}: ${s.reason}`);
 * ```
 * @module
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { RunMemory, RunSummary } from "../record/run_writer.ts";
import { readMetricsLog } from "../record/metrics_log.ts";
import type { RunSpec } from "../store/run_spec.ts";
import { listStoredRuns } from "../store/run_store.ts";

/** One epoch line of metrics.jsonl. */
export interface EpochRecord {
  epoch: number;
  step: number;
  trainLoss: number | null;
  trainAccuracy: number | null;
  testLoss: number | null;
  testAccuracy: number | null;
  trainSeconds: number;
  imagesPerSecond: number;
}

/** One step line of metrics.jsonl; `loss` is null where it was not finite. */
export interface StepRecord {
  step: number;
  loss: number | null;
}

/** A finished ablation run. */
export interface AblationRun {
  grid: string;
  hash: string;
  /** The run directory, relative to the results directory (e.g. "runs/lr/0123456789abcdef"). */
  dir: string;
  spec: RunSpec;
  summary: RunSummary & { memory?: RunMemory };
  steps: StepRecord[];
  epochs: EpochRecord[];
}

/** Why a run directory was not used. */
export type SkipKind = "in_progress" | "unfinished" | "unusable" | "superseded";

/** A run directory the report could not use, and why. */
export interface SkippedRun {
  /** Relative to the results directory. */
  dir: string;
  /** The grid folder it is in. */
  grid: string;
  kind: SkipKind;
  reason: string;
}

/** What {@linkcode loadAblationRuns} found. */
export interface LoadedRuns {
  /** Finished runs, sorted by grid, swept value, seed and hash. */
  runs: AblationRun[];
  skipped: SkippedRun[];
}

/**
 * Reads every run under `<resultsDir>/runs/`. A missing runs folder gives no runs and no
 * skips. When two finished runs share grid, profile, swept value and seed (the grid's config
 * changed between suites), the one that finished last is used and the other is skipped.
 *
 * @example
 * ```ts
 * import { loadAblationRuns } from "./ablation_runs.ts";
 * const { runs } = await loadAblationRuns("results");
 * runs.filter((r) => r.grid === "lr").length;
 * ```
 */
export async function loadAblationRuns(
  resultsDir: string,
): Promise<LoadedRuns> {
  const runs: AblationRun[] = [];
  const skipped: SkippedRun[] = [];
  for (const stored of await listStoredRuns(resultsDir)) {
    const dir = path.relative(resultsDir, stored.dir);
    const specProblem = runSpecProblem(stored.spec);
    const grid = stored.grid;
    if (stored.state.state === "missing") {
      const running = existsSync(`${stored.dir}.lock`);
      skipped.push({
        dir,
        grid,
        kind: running ? "in_progress" : "unfinished",
        reason: running
          ? "no summary.json yet: the run is in progress (its lock file exists)"
          : "no summary.json: the run did not finish (killed, or never started)",
      });
    } else if (stored.state.state === "corrupt") {
      skipped.push({
        dir,
        grid,
        kind: "unusable",
        reason: `corrupt summary: ${stored.state.problem}`,
      });
    } else if (specProblem !== undefined) {
      skipped.push({
        dir,
        grid,
        kind: "unusable",
        reason: `config.json ${specProblem}`,
      });
    } else {
      try {
        const records = await readMetricsLog(
          path.join(stored.dir, "metrics.jsonl"),
        ).catch((error) => {
          if ((error as { code?: string }).code === "ENOENT") return [];
          throw error;
        });
        runs.push({
          grid: stored.grid,
          hash: stored.hash,
          dir,
          spec: stored.spec as RunSpec,
          summary: stored.state.summary,
          steps: records.filter((r) => r.type === "step").map((r) => ({
            step: r.step as number,
            loss: typeof r.loss === "number" ? r.loss : null,
          })),
          epochs: records.filter((r) =>
            r.type === "epoch"
          ) as unknown as EpochRecord[],
        });
      } catch (error) {
        skipped.push({
          dir,
          grid,
          kind: "unusable",
          reason: `metrics.jsonl unreadable: ${(error as Error).message}`,
        });
      }
    }
  }
  const latest = latestPerGridPoint(runs, skipped);
  skipped.sort((a, b) => a.dir.localeCompare(b.dir));
  return { runs: latest, skipped };
}

/** What is wrong with a config.json as a RunSpec, or undefined. */
function runSpecProblem(spec: unknown): string | undefined {
  if (spec === undefined) return "is missing or not JSON";
  const s = spec as Partial<RunSpec>;
  if (typeof s.grid !== "string") return "has no grid: not an ablation run";
  if (typeof s.knob !== "string") return "has no knob";
  if (typeof s.value !== "number") return "has no numeric value";
  if (typeof s.seedIndex !== "number") return "has no seedIndex";
  if (typeof s.profile !== "string") return "has no profile";
  if (typeof s.train?.model !== "object") return "has no train.model";
  return undefined;
}

function latestPerGridPoint(
  runs: AblationRun[],
  skipped: SkippedRun[],
): AblationRun[] {
  const byPoint = new Map<string, AblationRun>();
  const ordered = [...runs].sort((a, b) =>
    a.summary.finishedAt.localeCompare(b.summary.finishedAt)
  );
  for (const run of ordered) {
    const key = JSON.stringify([
      run.grid,
      run.spec.profile,
      run.spec.value,
      run.spec.seedIndex,
    ]);
    const older = byPoint.get(key);
    if (older) {
      skipped.push({
        dir: older.dir,
        grid: older.grid,
        kind: "superseded",
        reason:
          `superseded by ${run.hash} (same grid, profile, value and seed, finished later)`,
      });
    }
    byPoint.set(key, run);
  }
  return [...byPoint.values()].sort((a, b) =>
    a.grid.localeCompare(b.grid) || a.spec.value - b.spec.value ||
    a.spec.seedIndex - b.spec.seedIndex || a.hash.localeCompare(b.hash)
  );
}
