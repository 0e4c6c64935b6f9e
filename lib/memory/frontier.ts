/**
 * The memory frontier of finding F1: the predicted peak of a training step over a grid of input
 * sizes, dense widths and batch sizes, and whether it fits GPUs of 4, 8 and 16 GiB. The seed ran
 * VGG16 at 224x224 with 4096-unit dense layers out of memory on a 4 GiB GTX 1050 Ti and got it to
 * fit with fewer dense units, a smaller batch and a smaller input; the frontier shows each knob's
 * share.
 *
 * @example
 * ```ts
 * import { memoryFrontier } from "./frontier.ts";
 * const seed = memoryFrontier().find((row) =>
 *   row.inputSize === 224 && row.denseWidth === 4096 && row.batchSize === 32 &&
 *   row.optimizer === "momentum"
 * );
 * seed?.fits[4 * 2 ** 30]; // false
 * ```
 * @module
 */
import type { VggVariant } from "../model/vgg_config.ts";
import { predictTrainingMemory, type UpdateRule } from "./training_memory.ts";

/** The grid {@linkcode memoryFrontier} covers. */
export interface FrontierGrid {
  /** The network. Default "vgg16". */
  variant?: VggVariant;
  /** Input sides. Default 32, 64, 128, 224. */
  inputSizes?: readonly number[];
  /** Dense widths. Default 4096, 1024, 256. */
  denseWidths?: readonly number[];
  /** Batch sizes. Default 8, 16, 32, 64, 128. */
  batchSizes?: readonly number[];
  /** Update rules ("momentum" is SGD with momentum 0.9, the trainer's default). Default
   * momentum, adam. */
  optimizers?: readonly UpdateRule[];
  /** Device sizes to test the peak against, in bytes. Default 4, 8 and 16 GiB. */
  budgets?: readonly number[];
}

/** One config of the frontier. */
export interface FrontierRow {
  variant: VggVariant;
  inputSize: number;
  denseWidth: number;
  batchSize: number;
  optimizer: UpdateRule;
  /** Predicted peak of a steady-state training step, in bytes. */
  predictedPeakBytes: number;
  /** For each budget (bytes): whether the peak fits in it. */
  fits: Record<number, boolean>;
}

const GIB = 2 ** 30;

/**
 * The default grid, the one `deno task memory` writes.
 *
 * @example
 * ```ts
 * import { DEFAULT_FRONTIER_GRID } from "./frontier.ts";
 * DEFAULT_FRONTIER_GRID.inputSizes; // [32, 64, 128, 224]
 * ```
 */
export const DEFAULT_FRONTIER_GRID: Readonly<Required<FrontierGrid>> = Object
  .freeze<Required<FrontierGrid>>({
    variant: "vgg16",
    inputSizes: [32, 64, 128, 224],
    denseWidths: [4096, 1024, 256],
    batchSizes: [8, 16, 32, 64, 128],
    optimizers: ["momentum", "adam"],
    budgets: [4 * GIB, 8 * GIB, 16 * GIB],
  });

/**
 * Predicts every config of `grid` (missing fields from {@linkcode DEFAULT_FRONTIER_GRID}), at
 * full width with two dense layers, in the order input, dense, batch, optimizer. Pure.
 *
 * @throws {ConfigError} for a grid value the model builder rejects (e.g. input 100).
 *
 * @example
 * ```ts
 * import { memoryFrontier } from "./frontier.ts";
 * const rows = memoryFrontier({ inputSizes: [224], denseWidths: [4096, 1024], batchSizes: [8] });
 * rows.map((r) => [r.denseWidth, r.optimizer, r.fits[4 * 2 ** 30]]);
 * // [[4096, "momentum", false], [4096, "adam", false], [1024, "momentum", true], [1024, "adam", true]]
 * ```
 */
export function memoryFrontier(grid: FrontierGrid = {}): FrontierRow[] {
  const g = { ...DEFAULT_FRONTIER_GRID, ...grid };
  const rows: FrontierRow[] = [];
  for (const inputSize of g.inputSizes) {
    for (const denseWidth of g.denseWidths) {
      for (const batchSize of g.batchSizes) {
        for (const optimizer of g.optimizers) {
          const { totalPeakBytes } = predictTrainingMemory({
            model: { variant: g.variant, inputSize, denseWidth },
            optimizer: optimizer === "adam" ? "adam" : "sgd",
            momentum: optimizer === "momentum" ? 0.9 : 0,
            batchSize,
          });
          rows.push({
            variant: g.variant,
            inputSize,
            denseWidth,
            batchSize,
            optimizer,
            predictedPeakBytes: totalPeakBytes,
            fits: Object.fromEntries(
              g.budgets.map((budget) => [budget, totalPeakBytes <= budget]),
            ),
          });
        }
      }
    }
  }
  return rows;
}
