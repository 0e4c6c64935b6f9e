/**
 * Holding a training run to a memory budget, so a CPU machine can replay a smaller GPU: a run
 * whose predicted peak exceeds the budget is refused before any compute, and one whose measured
 * peak does (checked after every step) is stopped. Both end as `oom` with the predicted and the
 * measured bytes.
 *
 * @example
 * ```ts
 * import { resolveTrainConfig } from "../train/config.ts";
 * import { MemoryBudgetGuard } from "./budget_check.ts";
 * const config = resolveTrainConfig({ batchSize: 32, model: { inputSize: 224, denseWidth: 4096 } });
 * try {
 *   MemoryBudgetGuard.start(config, 4 * 2 ** 30);
 * } catch (error) {
 *   console.log((error as Error).message); // predicted peak 12.3 GiB (...) exceeds ...
 * }
 * ```
 * @module
 */
import { SuiteError } from "../util/errors.ts";
import { formatBytes } from "../util/format.ts";
import { MemoryPeakTracker } from "./peak_tracker.ts";
import {
  predictTrainingMemory,
  type TrainingMemoryInput,
} from "./training_memory.ts";

/** Predicted and measured peak of a run, with the budget it was held to. */
export interface MemoryRecord {
  /** What the memory model predicts for the run's config. */
  predictedPeakBytes: number;
  /** The highest tensor memory measured while it ran (absent before the first step). */
  measuredPeakBytes?: number;
  /** The budget, when there is one. */
  budgetBytes?: number;
}

/**
 * A run needs more memory than its budget: predicted before it started, or measured while it
 * ran. Its `memory` holds both numbers for the result files.
 *
 * @example
 * ```ts
 * import { MemoryBudgetError } from "./budget_check.ts";
 * const error = new MemoryBudgetError({ predictedPeakBytes: 5e9, budgetBytes: 4 * 2 ** 30 });
 * error.message; // "predicted peak 4.7 GiB (5000000000 bytes) exceeds the memory budget ..."
 * ```
 */
export class MemoryBudgetError extends SuiteError {
  /** Predicted, measured (if any) and budget bytes. */
  readonly memory: MemoryRecord & { budgetBytes: number };

  constructor(memory: MemoryRecord & { budgetBytes: number }) {
    const measured = memory.measuredPeakBytes;
    const which = measured !== undefined && measured > memory.budgetBytes
      ? `measured peak ${sized(measured)} (predicted ${
        sized(memory.predictedPeakBytes)
      })`
      : `predicted peak ${sized(memory.predictedPeakBytes)}`;
    super(
      `${which} exceeds the memory budget of ${
        sized(memory.budgetBytes)
      }; use a smaller batch, input or dense width`,
    );
    this.memory = memory;
  }
}

/**
 * Checks a run against a budget: its prediction at start, its measured peak after each step.
 *
 * @example
 * ```ts
 * import { resolveTrainConfig } from "../train/config.ts";
 * import { MemoryBudgetGuard } from "./budget_check.ts";
 * const config = resolveTrainConfig({ batchSize: 8 });
 * const guard = MemoryBudgetGuard.start(config, 4 * 2 ** 30); // throws if predicted over 4 GiB
 * // await train(config, data, { onStep: () => guard.check() }); // throws once measured over
 * guard.stop();
 * ```
 */
export class MemoryBudgetGuard {
  readonly #predicted: number;
  readonly #budget: number | undefined;
  readonly #tracker: MemoryPeakTracker;

  private constructor(predicted: number, budget: number | undefined) {
    this.#predicted = predicted;
    this.#budget = budget;
    this.#tracker = MemoryPeakTracker.start();
  }

  /**
   * Predicts the run's peak and, when it exceeds `budgetBytes`, throws a
   * {@linkcode MemoryBudgetError}; otherwise starts measuring. Start it before the model is built.
   * Without a budget it only records the numbers.
   *
   * @example
   * ```ts
   * import { resolveTrainConfig } from "../train/config.ts";
   * import { MemoryBudgetGuard } from "./budget_check.ts";
   * const guard = MemoryBudgetGuard.start(resolveTrainConfig(), 16 * 2 ** 30);
   * // await train(config, data, { onStep: () => guard.check() });
   * guard.stop();
   * guard.record(); // { predictedPeakBytes, measuredPeakBytes, budgetBytes }
   * ```
   */
  static start(
    config: TrainingMemoryInput,
    budgetBytes?: number,
  ): MemoryBudgetGuard {
    const predicted = predictTrainingMemory(config).totalPeakBytes;
    if (budgetBytes !== undefined && predicted > budgetBytes) {
      throw new MemoryBudgetError({
        predictedPeakBytes: predicted,
        budgetBytes,
      });
    }
    return new MemoryBudgetGuard(predicted, budgetBytes);
  }

  /**
   * Throws a {@linkcode MemoryBudgetError} when the tensor peak measured so far exceeds the
   * budget; call it after every step.
   */
  check(): void {
    const measured = this.#tracker.tensorPeakBytes;
    if (this.#budget !== undefined && measured > this.#budget) {
      throw new MemoryBudgetError({
        predictedPeakBytes: this.#predicted,
        measuredPeakBytes: measured,
        budgetBytes: this.#budget,
      });
    }
  }

  /** Stops measuring; {@linkcode record} keeps the numbers. */
  stop(): void {
    this.#tracker.stop();
  }

  /** The predicted and measured peaks and the budget, for summary.json. */
  record(): MemoryRecord {
    const measured = this.#tracker.tensorPeakBytes;
    return {
      predictedPeakBytes: this.#predicted,
      ...(measured > 0 ? { measuredPeakBytes: measured } : {}),
      ...(this.#budget !== undefined ? { budgetBytes: this.#budget } : {}),
    };
  }
}

function sized(bytes: number): string {
  return `${formatBytes(bytes)} (${bytes} bytes)`;
}
