/**
 * One ablation run as plain data (a {@linkcode RunSpec}) and its identity: the hash of its
 * canonical JSON. The hash covers the fully resolved training config, so a changed default makes
 * a new run instead of silently reusing an old one.
 *
 * @example
 * ```ts
 * import { resolveTrainConfig } from "../train/config.ts";
 * import { runDirectory, type RunSpec, specHash } from "./run_spec.ts";
 * const spec: RunSpec = {
 *   grid: "lr", profile: "smoke", knob: "lr", value: 0.1, seedIndex: 0, backend: "wasm",
 *   train: resolveTrainConfig({ lr: 0.1 }),
 * };
 * specHash(spec); // 16 hex digits, e.g. "3f1c0e9a7b2d4c55"
 * runDirectory("results", spec); // "results/runs/lr/3f1c0e9a7b2d4c55"
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import path from "node:path";
import type { BackendName } from "../backend/select.ts";
import type { TrainConfig } from "../train/config.ts";

/** The scale a suite runs at: CI-sized, one CPU machine, or a GPU with the full data. */
export type ProfileName = "smoke" | "cpu" | "gpu";

/** Every {@linkcode ProfileName}, smallest first. */
export const PROFILE_NAMES: readonly ProfileName[] = Object.freeze([
  "smoke",
  "cpu",
  "gpu",
]);

/** The config field a grid sweeps. */
export type KnobName = "lr" | "denseWidth" | "batchSize" | "inputSize";

/** Every {@linkcode KnobName}. */
export const KNOB_NAMES: readonly KnobName[] = Object.freeze([
  "lr",
  "denseWidth",
  "batchSize",
  "inputSize",
]);

/** One run of an ablation grid: written to its directory as config.json. */
export interface RunSpec {
  /** The grid it belongs to ("lr", "dense", "batch", "resolution", ...). */
  grid: string;
  /** The profile it was planned under. */
  profile: ProfileName;
  /** The knob the grid sweeps, and this run's value of it. */
  knob: KnobName;
  value: number;
  /** Which repeat of the config (0-based); `train.seed` derives from it. */
  seedIndex: number;
  /** The backend asked for. */
  backend: BackendName | "auto";
  /** A simulated device memory limit: a run predicted to need more is recorded as `oom`. */
  memoryBudgetBytes?: number;
  /** The fully resolved training config. */
  train: TrainConfig;
}

/**
 * JSON with every object's keys sorted (recursively) and undefined fields left out: equal values
 * give equal text, whatever order their fields were written in.
 *
 * @example
 * ```ts
 * import { canonicalJson } from "./run_spec.ts";
 * canonicalJson({ b: 1, a: { d: [2, 1], c: undefined } }); // '{"a":{"d":[2,1]},"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}

/**
 * The run's identity: the first 16 hex digits of the SHA-256 of its canonical JSON.
 *
 * @example
 * ```ts
 * import { specHash } from "./run_spec.ts";
 * specHash({ grid: "lr", value: 0.1 }) === specHash({ value: 0.1, grid: "lr" }); // true
 * ```
 */
export function specHash(spec: RunSpec | Record<string, unknown>): string {
  return createHash("sha256").update(canonicalJson(spec)).digest("hex").slice(
    0,
    16,
  );
}

/**
 * Where a run lives: `<resultsDir>/runs/<grid>/<hash>`.
 *
 * @example
 * ```ts
 * import { runDirectory } from "./run_spec.ts";
 * runDirectory("results", { grid: "dense", hash: "0123456789abcdef" });
 * // "results/runs/dense/0123456789abcdef"
 * ```
 */
export function runDirectory(
  resultsDir: string,
  spec: { grid: string; hash: string } | RunSpec,
): string {
  const hash = "hash" in spec ? spec.hash : specHash(spec);
  return path.join(resultsDir, "runs", spec.grid, hash);
}
