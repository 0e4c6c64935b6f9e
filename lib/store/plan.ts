/**
 * Turns grids and a profile (plain data, see experiments/grids.ts) into the list of runs a suite
 * consists of: one {@linkcode PlannedRun} per (grid, swept value, seed), each with its resolved
 * config, hash, directory and estimated cost. The plan is deterministic: the same grids, profile
 * and flags give the same runs in the same order, which is what makes `--shard K/N` slices agree
 * across machines.
 *
 * @example
 * ```ts
 * import { planRuns } from "./plan.ts";
 * const runs = planRuns({
 *   grids: [{ name: "lr", knob: "lr", description: "learning rate", values: { smoke: [0.01, 0.3] } }],
 *   profile: { name: "smoke", description: "CI", base: { trainSubset: 100, testSubset: 50 } },
 *   seeds: 1,
 *   backend: "wasm",
 *   resultsDir: "results",
 * });
 * runs.map((run) => run.spec.value); // [0.01, 0.3]
 * ```
 * @module
 */
import path from "node:path";
import type { BackendName } from "../backend/select.ts";
import {
  countTrainableParameters,
  forwardMacs,
  trainingFlops,
} from "../model/vgg_cost.ts";
import {
  resolveTrainConfig,
  type TrainConfig,
  type TrainConfigInput,
} from "../train/config.ts";
import { ConfigError } from "../util/errors.ts";
import {
  type KnobName,
  type ProfileName,
  runDirectory,
  type RunSpec,
  specHash,
} from "./run_spec.ts";

/** One ablation: a knob, the values it takes per profile, and what stays fixed. */
export interface GridDefinition {
  /** Grid name: the folder under results/runs/ and the table name. */
  name: string;
  /** The config field swept. */
  knob: KnobName;
  /** One line: what the grid shows. */
  description: string;
  /** Swept values per profile; a profile without values skips the grid. */
  values: Partial<Record<ProfileName, readonly number[]>>;
  /** Settings fixed for this grid under every profile (over the profile's base). */
  fixed?: TrainConfigInput;
  /** Settings fixed for this grid under one profile (over `fixed`). */
  fixedByProfile?: Partial<Record<ProfileName, TrainConfigInput>>;
}

/** A scale to run the grids at. */
export interface ProfileDefinition {
  name: ProfileName;
  /** One line: what the profile is for and how long it takes. */
  description: string;
  /** The config every run of the profile starts from. */
  base: TrainConfigInput;
  /** Repeats of every config when `--seeds` is not given. Default 1. */
  seeds?: number;
}

/** One run of the plan. */
export interface PlannedRun {
  /** What config.json holds. */
  spec: RunSpec;
  /** {@linkcode specHash} of the spec. */
  hash: string;
  /** The run directory. */
  dir: string;
  /** The run's lock file, beside its directory. */
  lockPath: string;
  /** Estimated compute in FLOPs (training + evaluation), for ordering and the ETA. */
  costFlops: number;
}

/** Options of {@linkcode planRuns}. */
export interface PlanOptions {
  grids: readonly GridDefinition[];
  profile: ProfileDefinition;
  /** Repeats per config; default: the profile's `seeds`, else 1. */
  seeds?: number;
  /** Backend recorded in each spec. Default "auto". */
  backend?: BackendName | "auto";
  /** Simulated device memory limit recorded in each spec. */
  memoryBudgetBytes?: number;
  /** Where results/runs/ is. */
  resultsDir: string;
}

/**
 * Every run of `grids` under `profile`, grid by grid, value by value, seed by seed. Throws a
 * one-line ConfigError when a grid's config is invalid (before anything runs).
 */
export function planRuns(options: PlanOptions): PlannedRun[] {
  const seeds = options.seeds ?? options.profile.seeds ?? 1;
  if (!Number.isSafeInteger(seeds) || seeds < 1) {
    throw new ConfigError(`--seeds must be an integer >= 1, got ${seeds}`);
  }
  const runs: PlannedRun[] = [];
  for (const grid of options.grids) {
    const values = grid.values[options.profile.name] ?? [];
    for (const value of values) {
      for (let seedIndex = 0; seedIndex < seeds; seedIndex++) {
        const spec: RunSpec = {
          grid: grid.name,
          profile: options.profile.name,
          knob: grid.knob,
          value,
          seedIndex,
          backend: options.backend ?? "auto",
          train: resolveGridConfig(grid, options.profile, value, seedIndex),
        };
        if (options.memoryBudgetBytes !== undefined) {
          spec.memoryBudgetBytes = options.memoryBudgetBytes;
        }
        const hash = specHash(spec);
        const dir = runDirectory(options.resultsDir, { grid: grid.name, hash });
        runs.push({
          spec,
          hash,
          dir,
          lockPath: `${dir}.lock`,
          costFlops: estimateRunFlops(spec.train),
        });
      }
    }
  }
  return runs;
}

/**
 * The resolved config of one grid point: profile base, then the grid's fixed settings, then its
 * per-profile settings, then the knob's value; the seed is the base seed plus `seedIndex`.
 *
 * @example
 * ```ts
 * import { resolveGridConfig } from "./plan.ts";
 * const config = resolveGridConfig(
 *   { name: "dense", knob: "denseWidth", description: "", values: {} },
 *   { name: "cpu", description: "", base: { model: { variant: "vgg11" } } },
 *   256,
 *   1,
 * );
 * config.model.denseWidth; // 256
 * config.seed; // 1
 * ```
 */
export function resolveGridConfig(
  grid: GridDefinition,
  profile: ProfileDefinition,
  value: number,
  seedIndex: number,
): TrainConfig {
  const layers = [
    profile.base,
    grid.fixed ?? {},
    grid.fixedByProfile?.[profile.name] ?? {},
    knobSetting(grid.knob, value),
  ];
  const merged = layers.reduce(mergeTrainInput, {});
  const seed = (merged.seed ?? 0) + seedIndex;
  try {
    return resolveTrainConfig({ ...merged, seed });
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new ConfigError(
        `grid "${grid.name}" (${profile.name}, ${grid.knob} = ${value}): ${error.message}`,
      );
    }
    throw error;
  }
}

/**
 * The config fragment that sets `knob` to `value`.
 *
 * @example
 * ```ts
 * import { knobSetting } from "./plan.ts";
 * knobSetting("inputSize", 64); // { model: { inputSize: 64 } }
 * ```
 */
export function knobSetting(knob: KnobName, value: number): TrainConfigInput {
  switch (knob) {
    case "lr":
      return { lr: value };
    case "batchSize":
      return { batchSize: value };
    case "denseWidth":
      return { model: { denseWidth: value } };
    case "inputSize":
      return { model: { inputSize: value } };
  }
}

/**
 * `b` over `a`, with `model` and `stuck` merged field by field.
 *
 * @example
 * ```ts
 * import { mergeTrainInput } from "./plan.ts";
 * mergeTrainInput({ lr: 0.1, model: { variant: "vgg11" } }, { model: { denseWidth: 64 } });
 * // { lr: 0.1, model: { variant: "vgg11", denseWidth: 64 } }
 * ```
 */
export function mergeTrainInput(
  a: TrainConfigInput,
  b: TrainConfigInput,
): TrainConfigInput {
  const merged: TrainConfigInput = { ...a, ...b };
  if (a.model || b.model) merged.model = { ...a.model, ...b.model };
  if (a.stuck || b.stuck) merged.stuck = { ...a.stuck, ...b.stuck };
  return merged;
}

const CIFAR_TRAIN = 50_000;
const CIFAR_TEST = 10_000;

/**
 * Compute a run needs, in FLOPs: training steps (forward + backward), the optimiser's update and
 * the per-epoch evaluation. Only relative sizes matter (ordering, ETA).
 *
 * @example
 * ```ts
 * import { resolveTrainConfig } from "../train/config.ts";
 * import { estimateRunFlops } from "./plan.ts";
 * const small = estimateRunFlops(resolveTrainConfig({ trainSubset: 100 }));
 * const large = estimateRunFlops(resolveTrainConfig({ trainSubset: 1000 }));
 * large > small; // true
 * ```
 */
export function estimateRunFlops(config: TrainConfig): number {
  const trainImages = config.trainSubset || CIFAR_TRAIN;
  const testImages = config.testSubset || CIFAR_TEST;
  const steps = Math.ceil(trainImages / config.batchSize) * config.epochs;
  const params = countTrainableParameters(config.model);
  return config.epochs *
      (trainImages * trainingFlops(config.model) +
        testImages * 2 * forwardMacs(config.model)) +
    steps * params * 4;
}

/**
 * Orders runs longest first (ties in plan order), so parallel workers finish close together.
 *
 * @example
 * ```ts
 * import { longestFirst } from "./plan.ts";
 * longestFirst([{ costFlops: 1 }, { costFlops: 3 }]).map((r) => r.costFlops); // [3, 1]
 * ```
 */
export function longestFirst<T extends { costFlops: number }>(
  runs: readonly T[],
): T[] {
  return runs.map((run, index) => ({ run, index }))
    .sort((a, b) => b.run.costFlops - a.run.costFlops || a.index - b.index)
    .map(({ run }) => run);
}

/**
 * The relative path of a run directory under `resultsDir`, for listings.
 *
 * @example
 * ```ts
 * import { relativeRunDir } from "./plan.ts";
 * relativeRunDir("/r", "/r/runs/lr/0123456789abcdef"); // "runs/lr/0123456789abcdef"
 * ```
 */
export function relativeRunDir(resultsDir: string, dir: string): string {
  return path.relative(resultsDir, dir).split(path.sep).join("/");
}
