/**
 * How a training run ended, judged from its loss trace. The seed project's finding F3 was that a
 * too-large learning rate leaves the loss "stuck at 2.3": ln 10, the cross-entropy of a uniform
 * guess over ten classes. A run is `stuck_at_chance` when, after a warm-up, the mean loss of the
 * last `windowSteps` steps is no better than chance: at least ln(numClasses) - `tolerance`;
 * `diverged` when a loss is not finite.
 *
 * Why the mean, and why one-sided: no constant output does better than ln 10 on balanced
 * classes, and a network that has collapsed to one (dead ReLUs after a too-large step) still
 * sees its per-batch loss jitter as its output bias chases each batch's class mix — measured
 * here at lr 0.3: steps between 2.24 and 5.4, window mean 2.38, test accuracy 10%. A band of
 * ±0.02 around ln 10 called that run `ok`; "mean >= ln 10 - 0.02" calls it what it is.
 *
 * @example
 * ```ts
 * import { judgeLossTrace } from "./status.ts";
 * judgeLossTrace([2.9, 2.31, 2.29, 2.31], { warmupSteps: 1, windowSteps: 3 }); // "stuck_at_chance"
 * ```
 * @module
 */

/** Final state of a run. `oom` and `error` are set by the code that runs it, not by the trace. */
export type RunStatus = "ok" | "diverged" | "stuck_at_chance" | "oom" | "error";

/** Options of {@linkcode judgeLossTrace}. */
export interface StuckRule {
  /** Steps ignored at the start (every net begins near chance). Default 50. */
  warmupSteps?: number;
  /** The mean loss of the last this-many steps is compared with chance. Default 50. */
  windowSteps?: number;
  /** How far below ln(numClasses) the window's mean loss may be and still count as chance. Default 0.02. */
  tolerance?: number;
  /** Classes of the task; chance loss is ln(numClasses). Default 10 (ln 10 = 2.302585). */
  numClasses?: number;
}

/** Resolved {@linkcode StuckRule} with every default filled in. */
export function resolveStuckRule(rule: StuckRule = {}): Required<StuckRule> {
  return {
    warmupSteps: rule.warmupSteps ?? 50,
    windowSteps: rule.windowSteps ?? 50,
    tolerance: rule.tolerance ?? 0.02,
    numClasses: rule.numClasses ?? 10,
  };
}

/** True when `loss` is not a finite number: the run has diverged. */
export function isDivergedLoss(loss: number): boolean {
  return !Number.isFinite(loss);
}

/**
 * Judges a whole per-step loss trace: `diverged` if any loss is non-finite, `stuck_at_chance` if
 * the trace is at least warm-up + window long and its last window's mean loss is at least
 * ln(numClasses) - `tolerance`, else `ok`.
 */
export function judgeLossTrace(
  losses: readonly number[],
  rule: StuckRule = {},
): RunStatus {
  if (losses.some(isDivergedLoss)) return "diverged";
  const r = resolveStuckRule(rule);
  if (losses.length < r.warmupSteps + r.windowSteps) return "ok";
  const chance = Math.log(r.numClasses);
  return windowMean(losses, r.windowSteps) >= chance - r.tolerance
    ? "stuck_at_chance"
    : "ok";
}

/**
 * Mean of the last `windowSteps` losses (of all of them, when there are fewer).
 *
 * @example
 * ```ts
 * import { windowMean } from "./status.ts";
 * windowMean([3, 2, 4], 2); // 3
 * ```
 */
export function windowMean(
  losses: readonly number[],
  windowSteps: number,
): number {
  const window = losses.slice(Math.max(0, losses.length - windowSteps));
  return window.reduce((sum, loss) => sum + loss, 0) / window.length;
}
