/**
 * The learning-rate range test (Smith, 2017; fastai's `lr_find`, Lightning's `lr_find`): train
 * with a learning rate that grows exponentially every step, record the loss, and stop when it
 * has clearly blown up (smoothed loss above `divergeFactor` x its best, or a non-finite loss).
 * Two suggestions are read off the curve: "steepest" (where the smoothed loss falls fastest
 * against log lr) and "valley" (fastai's: partway down the longest falling stretch).
 *
 * Made robust against the complaints filed against Lightning's and fastai's finders: a NaN or
 * Infinity loss ends the test and is never used in a suggestion; the smoothing passes the losses
 * through a running median of 5 first, so a one-batch spike neither ends the test nor picks a
 * suggestion, and is bias-corrected (an EMA started at 0 makes the first points look tiny); the
 * blow-up rule is off for the first `minSteps` steps; and the slope is taken over a window of
 * points, skipping the noisy start and end.
 *
 * @example
 * ```ts
 * import { suggestLearningRates } from "./lr_find.ts";
 * const points = [1e-4, 1e-3, 1e-2, 1e-1, 1].map((lr, i) => ({
 *   step: i + 1, lr, loss: [2.3, 2.2, 1.6, 1.5, 9][i], smoothedLoss: [2.3, 2.2, 1.6, 1.5, 9][i],
 * }));
 * suggestLearningRates(points, { skipStart: 0, skipEnd: 0, slopeWindow: 1 });
 * // { steepest: 0.001, valley: ... }
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { batches } from "../data/batches.ts";
import { shuffledIndices } from "../data/shuffle.ts";
import { buildVgg } from "../model/vgg_build.ts";
import { ConfigError } from "../util/errors.ts";
import type { TrainConfig } from "./config.ts";
import { isDivergedLoss } from "./status.ts";
import { subsetIndices, type TrainData, trainStep } from "./train.ts";

/** One step of the test. */
export interface LrFindPoint {
  /** 1-based step. */
  step: number;
  /** Learning rate used at this step. */
  lr: number;
  /** The batch's loss (null when not finite). */
  loss: number | null;
  /** Bias-corrected exponential moving average of the finite losses so far. */
  smoothedLoss: number | null;
}

/** The two suggested learning rates (null when the curve is too short or never falls). */
export interface LrSuggestions {
  steepest: number | null;
  valley: number | null;
}

/** Options of {@linkcode lrRangeTest}. */
export interface LrFindOptions {
  /** First learning rate. Default 1e-5. */
  startLr?: number;
  /** Learning rate the last step would reach. Default 10. */
  endLr?: number;
  /** Steps from startLr to endLr (the test may stop earlier). Default 200. */
  steps?: number;
  /** Stop once the smoothed loss exceeds this multiple of its best. Default 4. */
  divergeFactor?: number;
  /** EMA factor of the smoothing: weight of the newest loss. Default 0.05 (fastai's beta 0.98 is 0.02). */
  smoothing?: number;
  /** Losses in the running median before the EMA. Default 5. */
  medianOf?: number;
  /** The blow-up rule applies only after this many steps. Default steps / 10. */
  minSteps?: number;
  /** Called after every step, e.g. for a progress line. */
  onPoint?: (point: LrFindPoint) => void | Promise<void>;
}

/**
 * The defaults of {@linkcode LrFindOptions}.
 *
 * @example
 * ```ts
 * import { LR_FIND_DEFAULTS } from "./lr_find.ts";
 * LR_FIND_DEFAULTS.divergeFactor; // 4
 * ```
 */
export const LR_FIND_DEFAULTS = Object.freeze({
  startLr: 1e-5,
  endLr: 10,
  steps: 200,
  divergeFactor: 4,
  smoothing: 0.05,
  medianOf: 5,
});

/** What {@linkcode lrRangeTest} found. */
export interface LrFindResult {
  points: LrFindPoint[];
  /** One line: why the test ended. */
  stoppedBecause: string;
  suggestions: LrSuggestions;
  /** The lr where the smoothed loss was lowest: past it, larger steps make the loss worse. */
  minLossLr: number | null;
}

/**
 * The learning rate of step `step` (1-based) of an exponential sweep from `startLr` (step 1) to
 * `endLr` (step `steps`).
 *
 * @example
 * ```ts
 * import { sweepLr } from "./lr_find.ts";
 * sweepLr(1, 3, 1e-4, 1); // 0.0001
 * sweepLr(2, 3, 1e-4, 1); // 0.01
 * ```
 */
export function sweepLr(
  step: number,
  steps: number,
  startLr: number,
  endLr: number,
): number {
  if (steps <= 1) return startLr;
  return startLr * (endLr / startLr) ** ((step - 1) / (steps - 1));
}

/**
 * Runs the range test: a fresh model from `config` (its variant, width, optimiser, momentum,
 * batch size, seed and subset), trained one batch per step at a growing learning rate, cycling
 * through the training subset as often as needed. `config.lr` and `config.epochs` are ignored.
 * The model is disposed before returning.
 */
export async function lrRangeTest(
  config: TrainConfig,
  data: TrainData,
  options: LrFindOptions = {},
): Promise<LrFindResult> {
  const startLr = options.startLr ?? LR_FIND_DEFAULTS.startLr;
  const endLr = options.endLr ?? LR_FIND_DEFAULTS.endLr;
  const steps = options.steps ?? LR_FIND_DEFAULTS.steps;
  const divergeFactor = options.divergeFactor ?? LR_FIND_DEFAULTS.divergeFactor;
  const smoothing = options.smoothing ?? LR_FIND_DEFAULTS.smoothing;
  const medianOf = options.medianOf ?? LR_FIND_DEFAULTS.medianOf;
  const minSteps = options.minSteps ?? Math.ceil(steps / 10);
  validate({ startLr, endLr, steps, divergeFactor, smoothing });

  const indices = subsetIndices(data.train, config.trainSubset, config.seed);
  const model = buildVgg(config.model);
  const optimizer = config.optimizer === "adam"
    ? tf.train.adam(startLr)
    : config.momentum > 0
    ? tf.train.momentum(startLr, config.momentum)
    : tf.train.sgd(startLr);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const smoother = new LossSmoother(smoothing, medianOf);
  const points: LrFindPoint[] = [];
  let best = Infinity;
  let stoppedBecause = `reached the end lr ${endLr} after ${steps} steps`;
  try {
    let pass = 0;
    sweep: while (points.length < steps) {
      pass++;
      const order = shuffledIndices(indices.length, config.seed + pass).map((
        i,
      ) => indices[i]);
      for (
        const batch of batches(data.train, {
          batchSize: config.batchSize,
          inputSize: config.model.inputSize,
          resize: config.resize,
          mean: data.normalization.mean,
          std: data.normalization.std,
          order,
        })
      ) {
        const step = points.length + 1;
        const lr = sweepLr(step, steps, startLr, endLr);
        setLearningRate(optimizer, lr);
        const [loss, correct] = trainStep(
          model,
          optimizer,
          variables,
          batch.xs,
          batch.ys,
        );
        tf.dispose([batch.xs, batch.ys]);
        const [value] = await loss.data();
        tf.dispose([loss, correct]);
        const point = smoother.add(step, lr, value);
        points.push(point);
        await options.onPoint?.(point);
        if (isDivergedLoss(value)) {
          stoppedBecause = `loss became ${value} at lr ${lr.toPrecision(3)}`;
          break sweep;
        }
        const smoothed = point.smoothedLoss as number;
        if (step > minSteps && smoothed > divergeFactor * best) {
          stoppedBecause =
            `smoothed loss ${smoothed.toFixed(3)} exceeded ${divergeFactor}x ` +
            `its best (${best.toFixed(3)}) at lr ${lr.toPrecision(3)}`;
          break sweep;
        }
        best = Math.min(best, smoothed);
        if (step >= steps) break sweep;
      }
    }
  } finally {
    optimizer.dispose();
    // tfjs 4.22's MomentumOptimizer.dispose() forgets the SGD parent's kept lr scalar.
    const { c } = optimizer as unknown as { c?: tf.Tensor };
    if (c && !c.isDisposed) c.dispose();
    model.dispose();
  }
  return {
    points,
    stoppedBecause,
    suggestions: suggestLearningRates(points),
    minLossLr: minLossLr(points),
  };
}

function validate(o: {
  startLr: number;
  endLr: number;
  steps: number;
  divergeFactor: number;
  smoothing: number;
}): void {
  if (!(o.startLr > 0 && Number.isFinite(o.startLr))) {
    throw new ConfigError(`start lr must be positive, got ${o.startLr}`);
  }
  if (!(o.endLr > o.startLr && Number.isFinite(o.endLr))) {
    throw new ConfigError(
      `end lr must be above the start lr (${o.startLr}), got ${o.endLr}`,
    );
  }
  if (!Number.isSafeInteger(o.steps) || o.steps < 2) {
    throw new ConfigError(`steps must be an integer >= 2, got ${o.steps}`);
  }
  if (!(o.divergeFactor > 1)) {
    throw new ConfigError(
      `divergence factor must be > 1, got ${o.divergeFactor}`,
    );
  }
  if (!(o.smoothing > 0 && o.smoothing <= 1)) {
    throw new ConfigError(`smoothing must be in (0, 1], got ${o.smoothing}`);
  }
}

function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  if (optimizer instanceof tf.SGDOptimizer) optimizer.setLearningRate(lr);
  else (optimizer as unknown as { learningRate: number }).learningRate = lr;
}

/**
 * The smoothed loss curve: a running median of the last `medianOf` finite losses (a single spike,
 * however large, never gets through), then a bias-corrected exponential moving average. A
 * non-finite loss is recorded as null and leaves the curve as it was.
 *
 * @example
 * ```ts
 * import { LossSmoother } from "./lr_find.ts";
 * const smoother = new LossSmoother(0.5, 1);
 * smoother.add(1, 0.1, 2).smoothedLoss; // 2 (bias-corrected: not 1)
 * smoother.add(2, 0.2, NaN).loss; // null
 * ```
 */
export class LossSmoother {
  readonly #alpha: number;
  readonly #medianOf: number;
  readonly #recent: number[] = [];
  #average = 0;
  #count = 0;

  /** `alpha`: weight of the newest value in the average; `medianOf`: losses in the median. */
  constructor(alpha: number, medianOf = 5) {
    this.#alpha = alpha;
    this.#medianOf = medianOf;
  }

  /** Adds the loss of `step` and returns its point. */
  add(step: number, lr: number, loss: number): LrFindPoint {
    if (!Number.isFinite(loss)) {
      return { step, lr, loss: null, smoothedLoss: this.#current() };
    }
    this.#recent.push(loss);
    if (this.#recent.length > this.#medianOf) this.#recent.shift();
    this.#count++;
    this.#average = (1 - this.#alpha) * this.#average +
      this.#alpha * median(this.#recent);
    return { step, lr, loss, smoothedLoss: this.#current() };
  }

  #current(): number | null {
    if (this.#count === 0) return null;
    return this.#average / (1 - (1 - this.#alpha) ** this.#count);
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Options of {@linkcode suggestLearningRates}. */
export interface SuggestOptions {
  /** Points ignored at the start (noisy, and the smoothing is still settling). Default 10%. */
  skipStart?: number;
  /** Points ignored at the end (the blow-up). Default 5%. */
  skipEnd?: number;
  /** The slope at a point spans this many points either side. Default 2% of the points, at least 1. */
  slopeWindow?: number;
}

/**
 * Suggestions from a finished curve; only points with a finite smoothed loss before the first
 * non-finite loss count.
 *
 * - steepest: the lr where the smoothed loss falls fastest against log10(lr), the slope taken
 *   over `slopeWindow` points either side.
 * - valley: fastai's rule: take the longest falling run of smoothed losses (a longest decreasing
 *   subsequence) and return the lr about half-way down it (at a third plus a sixth of its span):
 *   late enough to be past the flat start, early enough to be short of the minimum.
 *
 * @example
 * ```ts
 * import { suggestLearningRates } from "./lr_find.ts";
 * suggestLearningRates([]); // { steepest: null, valley: null }
 * ```
 */
export function suggestLearningRates(
  points: readonly LrFindPoint[],
  options: SuggestOptions = {},
): LrSuggestions {
  const usable = usablePoints(points);
  const n = usable.length;
  const skipStart = options.skipStart ?? Math.floor(n * 0.1);
  const skipEnd = options.skipEnd ?? Math.floor(n * 0.05);
  const window = options.slopeWindow ?? Math.max(1, Math.round(n * 0.02));
  return {
    steepest: steepest(usable, skipStart, skipEnd, window),
    valley: valley(usable.slice(skipStart, n - skipEnd)),
  };
}

/**
 * The lr with the lowest smoothed loss (null for an empty curve).
 *
 * @example
 * ```ts
 * import { minLossLr } from "./lr_find.ts";
 * minLossLr([
 *   { step: 1, lr: 0.01, loss: 2, smoothedLoss: 2 },
 *   { step: 2, lr: 0.1, loss: 1, smoothedLoss: 1 },
 * ]); // 0.1
 * ```
 */
export function minLossLr(points: readonly LrFindPoint[]): number | null {
  const usable = usablePoints(points);
  if (usable.length === 0) return null;
  return usable.reduce((a, b) => (b.smoothed < a.smoothed ? b : a)).lr;
}

interface UsablePoint {
  lr: number;
  smoothed: number;
}

function usablePoints(points: readonly LrFindPoint[]): UsablePoint[] {
  const firstBad = points.findIndex((p) => p.loss === null);
  const kept = firstBad === -1 ? points : points.slice(0, firstBad);
  return kept.filter((p) => p.smoothedLoss !== null).map((p) => ({
    lr: p.lr,
    smoothed: p.smoothedLoss as number,
  }));
}

function steepest(
  points: readonly UsablePoint[],
  skipStart: number,
  skipEnd: number,
  window: number,
): number | null {
  let best: { lr: number; slope: number } | null = null;
  for (let i = skipStart; i < points.length - skipEnd; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(points.length - 1, i + window);
    if (hi === lo) continue;
    const slope = (points[hi].smoothed - points[lo].smoothed) /
      (Math.log10(points[hi].lr) - Math.log10(points[lo].lr));
    if (slope < 0 && (best === null || slope < best.slope)) {
      best = { lr: points[i].lr, slope };
    }
  }
  return best?.lr ?? null;
}

function valley(points: readonly UsablePoint[]): number | null {
  const n = points.length;
  if (n < 2) return null;
  // Longest strictly falling subsequence ending at each point.
  const length = new Array<number>(n).fill(1);
  let end = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (
        points[i].smoothed < points[j].smoothed && length[i] < length[j] + 1
      ) {
        length[i] = length[j] + 1;
      }
    }
    if (length[i] > length[end]) end = i;
  }
  if (length[end] < 2) return null;
  const start = end - length[end] + 1;
  const third = (end - start) / 3;
  return points[start + Math.floor(third) + Math.floor(third / 2)].lr;
}
