/**
 * The ablation suite as plain data: the seed project's baseline, the profiles (scales) it runs at,
 * and one grid per knob. Adding a grid is adding one object to {@linkcode GRIDS}; `deno task
 * ablate --list` shows what a change plans before anything runs.
 *
 * @example
 * ```ts
 * import { GRIDS, PROFILES } from "./grids.ts";
 * GRIDS.map((grid) => grid.name); // ["lr", "dense", "batch", "resolution"]
 * PROFILES.cpu.base.trainSubset; // 2000
 * ```
 * @module
 */
import type { VggVariant } from "../lib/model/vgg_config.ts";
import type { LrSweep } from "../lib/store/lr_find_store.ts";
import {
  type GridDefinition,
  type ProfileDefinition,
  resolveGridConfig,
} from "../lib/store/plan.ts";
import type { ProfileName } from "../lib/store/run_spec.ts";
import type {
  OptimizerName,
  TrainConfig,
  TrainConfigInput,
} from "../lib/train/config.ts";
import { LR_FIND_DEFAULTS, type LrFindOptions } from "../lib/train/lr_find.ts";

/**
 * The seed project's network and training: VGG16 (no batch norm) at 224x224 input with two
 * 4096-unit dense layers and dropout 0.5, SGD lr 0.01 momentum 0.9. The seed did not record its
 * batch size or epochs; batch 64 and 10 epochs are this suite's assumption.
 *
 * @example
 * ```ts
 * import { SEED_BASELINE } from "./grids.ts";
 * SEED_BASELINE.model?.inputSize; // 224
 * ```
 */
export const SEED_BASELINE: TrainConfigInput = {
  model: {
    variant: "vgg16",
    widthMultiplier: 1,
    denseWidth: 4096,
    denseLayers: 2,
    dropout: 0.5,
    batchNorm: false,
    inputSize: 224,
  },
  optimizer: "sgd",
  lr: 0.01,
  momentum: 0.9,
  batchSize: 64,
  epochs: 10,
  trainSubset: 0,
  testSubset: 0,
};

/** A profile, plus the LR range test that marks where "too large" begins in its lr grid. */
export interface SuiteProfile extends ProfileDefinition {
  /** Range-test settings for the lr grid's config (steps, lr span). */
  lrFind: Pick<LrFindOptions, "startLr" | "endLr" | "steps">;
}

/**
 * The scales the suite runs at. Sizes measured on the 2-core machine this suite was built on,
 * wasm, 1 thread per process, two processes (`--jobs 2`):
 *
 * - smoke: VGG11 at 1/8 width, 200 training images, 2 epochs of 10 steps: 8 runs of ~5 s, the
 *   whole suite in under a minute. It checks the machinery, not the findings.
 * - cpu: VGG11 at 1/4 width (16..128 channels), no batch norm, no dropout, SGD lr 0.01 momentum
 *   0.9, 2,000 training and 500 test images, 4 epochs of batch 50 = 160 steps, 2 seeds (the
 *   report compares accuracies only over >= 2 seeds). 5-7 GFLOP/s per process: ~1.5 min a
 *   32x32 run. Measured: at 6 epochs lr 0.003-0.03 reach 32-36% test accuracy (chance 10%)
 *   while lr 0.1 and 0.3 stay at ln 10 (stuck_at_chance); at 5 epochs dense 64..4096 reach
 *   32-39%. 160 steps leave room for the stuck rule (50 warm-up + 50 window). The resolution grid
 *   trains 1,000 images for 4 epochs, because a step at 96x96 costs 9x one at 32x32. 32 runs and
 *   the range test: ~23 TFLOP, measured 19.5 minutes on 2 cores (`deno task ablate --list`
 *   prints each run's cost).
 * - gpu: the seed's network and settings on all of CIFAR-10 ({@linkcode SEED_BASELINE}).
 */
export const PROFILES: Readonly<Record<ProfileName, SuiteProfile>> = {
  smoke: {
    name: "smoke",
    description:
      "CI: tiny VGG11, 200 images, 2 epochs; checks the machinery (<1 min)",
    base: {
      model: {
        variant: "vgg11",
        widthMultiplier: 0.125,
        denseWidth: 32,
        dropout: 0,
        inputSize: 32,
      },
      lr: 0.03,
      momentum: 0.9,
      batchSize: 20,
      epochs: 2,
      trainSubset: 200,
      testSubset: 100,
      stuck: { warmupSteps: 5, windowSteps: 10 },
    },
    seeds: 1,
    lrFind: { startLr: 1e-4, endLr: 10, steps: 30 },
  },
  cpu: {
    name: "cpu",
    description:
      "one CPU machine: VGG11 1/4 width, 2,000 images, 4 epochs, 2 seeds; ~20 min (--jobs 2)",
    base: {
      model: {
        variant: "vgg11",
        widthMultiplier: 0.25,
        denseWidth: 256,
        dropout: 0,
        batchNorm: false,
        inputSize: 32,
      },
      optimizer: "sgd",
      lr: 0.01,
      momentum: 0.9,
      batchSize: 50,
      epochs: 4,
      trainSubset: 2000,
      testSubset: 500,
    },
    seeds: 2,
    lrFind: { startLr: 1e-5, endLr: 10, steps: 200 },
  },
  gpu: {
    name: "gpu",
    description: "a GPU: the seed's VGG16 at 224x224 on all of CIFAR-10",
    base: SEED_BASELINE,
    seeds: 3,
    lrFind: { startLr: 1e-6, endLr: 10, steps: 400 },
  },
};

/**
 * One grid per knob. Values not listed for a profile keep the profile's base value; `fixed`
 * settings apply on top of the profile's base for every value.
 */
export const GRIDS: readonly GridDefinition[] = [
  {
    name: "lr",
    knob: "lr",
    description: "F3: too large a learning rate leaves the loss stuck at ln 10",
    values: {
      smoke: [0.01, 0.5],
      cpu: [0.003, 0.01, 0.03, 0.1, 0.3],
      gpu: [0.001, 0.003, 0.01, 0.03, 0.1],
    },
  },
  {
    name: "dense",
    knob: "denseWidth",
    description: "F1: dense width against accuracy, parameters and memory",
    values: {
      smoke: [16, 64],
      cpu: [64, 256, 1024, 4096],
      gpu: [256, 512, 1024, 4096],
    },
  },
  {
    name: "batch",
    knob: "batchSize",
    description: "F1: batch size against accuracy, speed and memory (lr fixed)",
    values: {
      smoke: [10, 40],
      cpu: [16, 32, 64, 128],
      gpu: [16, 32, 64, 128],
    },
  },
  {
    name: "resolution",
    knob: "inputSize",
    description:
      "F1/F2: 32x32 images upsampled to larger inputs cost quadratically more",
    values: {
      smoke: [32, 64],
      cpu: [32, 64, 96],
      gpu: [32, 64, 128, 224],
    },
    fixedByProfile: { cpu: { epochs: 4, trainSubset: 1000 } },
  },
];

/**
 * The range test of a profile's lr grid: its config (the grid's at seed 0; the test ignores the
 * lr), the sweep, and the name it is stored under (results/lr_find/<name>.json).
 *
 * @example
 * ```ts
 * import { lrFindOfProfile, PROFILES } from "./grids.ts";
 * lrFindOfProfile(PROFILES.smoke).name; // "lr-smoke"
 * ```
 */
export function lrFindOfProfile(
  profile: SuiteProfile,
): { name: string; config: TrainConfig; sweep: LrSweep } {
  const grid = GRIDS.find((g) => g.knob === "lr");
  const base = grid ??
    { name: "lr", knob: "lr" as const, description: "", values: {} };
  return {
    name: `lr-${profile.name}`,
    config: resolveGridConfig(base, profile, profile.base.lr ?? 0.01, 0),
    sweep: { ...LR_FIND_DEFAULTS, ...profile.lrFind },
  };
}

/** The memory issue's frontier: every combination is priced by the memory model (no training). */
export interface MemoryFrontierGrid {
  variants: readonly VggVariant[];
  inputSizes: readonly number[];
  denseWidths: readonly number[];
  batchSizes: readonly number[];
  optimizers: readonly OptimizerName[];
}

/**
 * The configurations between the seed's out-of-memory setting (VGG16, 224, dense 4096, batch 64)
 * and the fixes it found (fewer dense units, a smaller batch, a smaller input).
 *
 * @example
 * ```ts
 * import { MEMORY_FRONTIER_GRID } from "./grids.ts";
 * MEMORY_FRONTIER_GRID.inputSizes.includes(224); // true
 * ```
 */
export const MEMORY_FRONTIER_GRID: MemoryFrontierGrid = {
  variants: ["vgg11", "vgg16"],
  inputSizes: [32, 64, 128, 224],
  denseWidths: [256, 512, 1024, 4096],
  batchSizes: [1, 8, 16, 32, 64, 128],
  optimizers: ["sgd", "adam"],
};
