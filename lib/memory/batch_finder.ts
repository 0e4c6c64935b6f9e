/**
 * The largest batch that fits a memory budget: predicted by binary search over the memory model,
 * keeping a safety margin free, then confirmed with real training steps. When a real step does
 * not fit (out of memory, over the budget, or a crash), the search goes on downwards by bisection
 * instead of failing — what PyTorch Lightning's `scale_batch_size` and accelerate's
 * `find_executable_batch_size` users ask for (a margin, a maximum, no crash on the first miss).
 *
 * @example
 * ```ts
 * import { resolveTrainConfig } from "../train/config.ts";
 * import { findLargestBatch } from "./batch_finder.ts";
 * const config = resolveTrainConfig({ model: { inputSize: 224, denseWidth: 1024 } });
 * const found = await findLargestBatch(config, { budgetBytes: 4 * 2 ** 30 });
 * found.batchSize; // 9: predicted only (no confirm function given)
 * ```
 * @module
 */
import type { TrainConfig } from "../train/config.ts";
import { ConfigError } from "../util/errors.ts";
import { predictTrainingMemory } from "./training_memory.ts";

/** One real try of a batch size. */
export interface BatchTrial {
  batchSize: number;
  /** `ok` (it ran), `oom` (the backend or the budget ran out) or `error` (something else). */
  status: "ok" | "oom" | "error";
  /** Measured peak tensor bytes of the step, when it ran. */
  measuredPeakBytes: number | null;
  /** Why it failed, on one line. */
  message?: string;
}

/** Options of {@linkcode findLargestBatch}. */
export interface BatchSearchOptions {
  /** The memory budget in bytes. */
  budgetBytes: number;
  /** Fraction of the budget kept free, in [0, 1). Default 0.1. */
  margin?: number;
  /** Largest batch considered. Default 4096. */
  maxBatch?: number;
  /**
   * Runs a real training step at a batch size. Without it the answer is the model's alone.
   * A trial fits when its status is `ok` and its measured peak is within the budget less the
   * margin.
   */
  confirm?: (batchSize: number) => Promise<BatchTrial>;
}

/** What the search found. */
export interface BatchSearchResult {
  /** The largest batch that fits (confirmed when a confirm function was given); null if none. */
  batchSize: number | null;
  /** The largest batch the model predicts fits; null when not even 1 does. */
  predictedBatchSize: number | null;
  /** The budget less the margin: what a batch's peak must stay under. */
  limitBytes: number;
  /** The model's peak at `batchSize` (or at 1 when nothing fits). */
  predictedPeakBytes: number;
  /** The measured peak at `batchSize`, when confirmed. */
  measuredPeakBytes: number | null;
  /** The real tries, in order. */
  trials: BatchTrial[];
  /** One line: how the answer came about. */
  reason: string;
}

/**
 * Finds the largest batch size in [1, maxBatch] whose training step fits `budgetBytes` less the
 * margin, first by the memory model (its peak grows with the batch, so bisection applies), then,
 * given `confirm`, by real steps: the predicted batch is tried, and on a miss the largest fitting
 * batch below it is found by bisection over real steps.
 *
 * @throws {ConfigError} for a budget that is not positive, a margin outside [0, 1) or a maximum
 * batch below 1.
 *
 * @example
 * ```ts
 * import { resolveTrainConfig } from "../train/config.ts";
 * import { findLargestBatch } from "./batch_finder.ts";
 * const config = resolveTrainConfig({ model: { inputSize: 32, widthMultiplier: 0.25 } });
 * const found = await findLargestBatch(config, {
 *   budgetBytes: 64 * 2 ** 20,
 *   confirm: async (batchSize) => ({ batchSize, status: "ok", measuredPeakBytes: 1 }),
 * });
 * console.log(found.batchSize, found.trials.length); // the predicted batch, 1 trial
 * ```
 */
export async function findLargestBatch(
  config: TrainConfig,
  options: BatchSearchOptions,
): Promise<BatchSearchResult> {
  const { budgetBytes, confirm } = options;
  const margin = options.margin ?? 0.1;
  const maxBatch = options.maxBatch ?? 4096;
  if (!(budgetBytes > 0)) {
    throw new ConfigError(
      `memory budget must be more than 0 bytes, got ${budgetBytes}`,
    );
  }
  if (!(margin >= 0 && margin < 1)) {
    throw new ConfigError(`margin must be in [0, 1), got ${margin}`);
  }
  if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) {
    throw new ConfigError(
      `maximum batch must be an integer >= 1, got ${maxBatch}`,
    );
  }
  const limitBytes = Math.floor(budgetBytes * (1 - margin));
  const predict = (batchSize: number) =>
    predictTrainingMemory({ ...config, batchSize }).totalPeakBytes;

  const predictedBatchSize = largestTrue(
    1,
    maxBatch,
    (b) => predict(b) <= limitBytes,
  );
  const base = {
    predictedBatchSize,
    limitBytes,
    trials: [] as BatchTrial[],
  };
  if (predictedBatchSize === null) {
    return {
      ...base,
      batchSize: null,
      predictedPeakBytes: predict(1),
      measuredPeakBytes: null,
      reason:
        `even batch 1 is predicted to need ${
          predict(1)
        } bytes, over the limit of ` +
        `${limitBytes} bytes (budget less ${margin * 100}% margin)`,
    };
  }
  if (!confirm) {
    return {
      ...base,
      batchSize: predictedBatchSize,
      predictedPeakBytes: predict(predictedBatchSize),
      measuredPeakBytes: null,
      reason: `predicted by the memory model${
        predictedBatchSize === maxBatch ? " (capped at the maximum batch)" : ""
      }; not confirmed by a real step`,
    };
  }

  const measured = new Map<number, number | null>();
  const fits = async (batchSize: number): Promise<boolean> => {
    const trial = await confirm(batchSize);
    base.trials.push(trial);
    measured.set(batchSize, trial.measuredPeakBytes);
    return trial.status === "ok" &&
      (trial.measuredPeakBytes ?? Infinity) <= limitBytes;
  };
  let batchSize: number | null = predictedBatchSize;
  if (!(await fits(predictedBatchSize))) {
    // Bisection over real steps: `good` fits (0 = none known), `bad` does not.
    let good = 0;
    let bad = predictedBatchSize;
    while (bad - good > 1) {
      const middle = Math.floor((good + bad) / 2);
      if (await fits(middle)) good = middle;
      else bad = middle;
    }
    batchSize = good === 0 ? null : good;
  }
  const failures = base.trials.filter((t) =>
    t.status !== "ok" || (t.measuredPeakBytes ?? Infinity) > limitBytes
  );
  return {
    ...base,
    batchSize,
    predictedPeakBytes: predict(batchSize ?? 1),
    measuredPeakBytes: batchSize === null
      ? null
      : measured.get(batchSize) ?? null,
    reason: batchSize === null
      ? `even batch 1 failed (${describeTrial(failures.at(-1)!)})`
      : failures.length === 0
      ? `predicted by the memory model and confirmed by a real step`
      : `the predicted batch ${predictedBatchSize} did not fit (${
        describeTrial(failures[0])
      }); ${batchSize} is the largest below it that did`,
  };
}

/** The largest n in [low, high] with `test(n)` true, for a test that is true then false. */
function largestTrue(
  low: number,
  high: number,
  test: (n: number) => boolean,
): number | null {
  if (!test(low)) return null;
  let good = low;
  let bad = high + 1;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    if (test(middle)) good = middle;
    else bad = middle;
  }
  return good;
}

function describeTrial(trial: BatchTrial): string {
  if (trial.status === "ok") {
    return `batch ${trial.batchSize} measured ${trial.measuredPeakBytes} bytes, over the limit`;
  }
  return `batch ${trial.batchSize}: ${trial.status}${
    trial.message ? `, ${trial.message}` : ""
  }`;
}
