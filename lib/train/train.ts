/**
 * The training loop: builds the VGG a {@linkcode TrainConfig} describes, trains it with SGD
 * (momentum) or Adam on seeded, shuffled batches, evaluates on the test subset after every epoch,
 * and judges the run (`ok`, `diverged`, `stuck_at_chance`). It writes nothing itself: callers
 * observe steps and epochs through hooks (metrics.jsonl, TensorBoard, a progress bar).
 *
 * @example
 * ```ts
 * import { selectBackend } from "../backend/select.ts";
 * import { loadCifar10 } from "../data/cifar10.ts";
 * import { cachedChannelStats } from "../data/stats.ts";
 * import { resolveTrainConfig } from "./config.ts";
 * import { train } from "./train.ts";
 * await selectBackend({ backend: "wasm" });
 * const data = await loadCifar10("data/cifar-10-batches-bin");
 * const config = resolveTrainConfig({ trainSubset: 1000, testSubset: 500, epochs: 1 });
 * const result = await train(config, { ...data, normalization: await cachedChannelStats(data) });
 * console.log(result.status, result.final?.testAccuracy);
 * result.model.dispose();
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { batches } from "../data/batches.ts";
import { type CifarSplit, NUM_CLASSES } from "../data/cifar10.ts";
import type { Normalization } from "../data/normalize.ts";
import { shuffledIndices } from "../data/shuffle.ts";
import { stratifiedSubset } from "../data/subset.ts";
import { buildVgg } from "../model/vgg_build.ts";
import type { TrainConfig } from "./config.ts";
import { createOptimizer, disposeOptimizer } from "./optimizer.ts";
import { isDivergedLoss, judgeLossTrace, type RunStatus } from "./status.ts";

/** The data a run trains and evaluates on. */
export interface TrainData {
  /** Training split (the run draws its stratified subset from it). */
  train: CifarSplit;
  /** Test split (the run draws its stratified evaluation subset from it). */
  test: CifarSplit;
  /** Per-channel mean/std computed from the training set. */
  normalization: Normalization;
}

/** One optimisation step, as hooks see it. */
export interface StepMetrics {
  /** 1-based step count over the whole run. */
  step: number;
  /** 1-based epoch. */
  epoch: number;
  /** 1-based step within the epoch, and the epoch's step count. */
  epochStep: number;
  epochSteps: number;
  /** Mean cross-entropy of the batch (NaN/Infinity when diverged). */
  loss: number;
  /** Fraction of the batch classified right. */
  accuracy: number;
  /** Images in the batch. */
  images: number;
}

/** Metrics of one finished epoch. */
export interface EpochMetrics {
  /** 1-based epoch. */
  epoch: number;
  /** Steps taken so far in the run. */
  step: number;
  /** Mean training loss and accuracy over the epoch's batches (running, with dropout). */
  trainLoss: number;
  trainAccuracy: number;
  /** Loss and accuracy on the test subset, in inference mode. */
  testLoss: number;
  testAccuracy: number;
  /** Training time of the epoch (evaluation excluded) and its throughput. */
  trainSeconds: number;
  imagesPerSecond: number;
}

/** Observers of a run; awaited, so a slow writer slows the run rather than losing data. */
export interface TrainHooks {
  /** After every step. */
  onStep?: (metrics: StepMetrics) => void | Promise<void>;
  /** After every epoch's evaluation. */
  onEpoch?: (metrics: EpochMetrics) => void | Promise<void>;
}

/** How a run ended, with the trained model (the caller disposes it). */
export interface TrainResult {
  /** `ok`, `diverged` (a non-finite loss ended it) or `stuck_at_chance`. */
  status: RunStatus;
  /** One line saying why the status is what it is. */
  statusReason: string;
  /** The network, with its final weights. */
  model: tfl.LayersModel;
  /** Steps taken. */
  steps: number;
  /** Per-step training loss. */
  losses: number[];
  /** Per-epoch metrics (fewer than `epochs` when the run diverged). */
  epochs: EpochMetrics[];
  /** The last epoch's metrics, if one finished. */
  final?: EpochMetrics;
  /** Best test accuracy over the epochs (NaN when none finished). */
  bestTestAccuracy: number;
  /** Training images per second over the run (evaluation excluded). */
  imagesPerSecond: number;
  /** Wall time of the whole run, evaluation included. */
  wallSeconds: number;
}

/**
 * Trains the model `config` describes on `data` on the current tfjs backend. The same config and
 * backend give the same numbers: weights, subset, batch order and dropout masks all derive from
 * `config.seed`. Tensors are disposed step by step, so memory stays flat across epochs.
 */
export async function train(
  config: TrainConfig,
  data: TrainData,
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  const started = performance.now();
  const trainIndices = subsetIndices(
    data.train,
    config.trainSubset,
    config.seed,
  );
  const testIndices = subsetIndices(data.test, config.testSubset, config.seed);
  const batchOptions = {
    batchSize: config.batchSize,
    inputSize: config.model.inputSize,
    resize: config.resize,
    mean: data.normalization.mean,
    std: data.normalization.std,
  };
  const model = buildVgg(config.model);
  const optimizer = createOptimizer(config);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const epochSteps = Math.ceil(trainIndices.length / config.batchSize);

  const losses: number[] = [];
  const epochs: EpochMetrics[] = [];
  let trainSeconds = 0;
  let trainedImages = 0;
  let diverged = false;
  try {
    for (let epoch = 1; epoch <= config.epochs && !diverged; epoch++) {
      const order = permute(trainIndices, epochSeed(config.seed, epoch));
      const epochStart = performance.now();
      let lossSum = 0;
      let correctSum = 0;
      let seen = 0;
      let epochStep = 0;
      for (const batch of batches(data.train, { ...batchOptions, order })) {
        const [loss, correct] = trainStep(
          model,
          optimizer,
          variables,
          batch.xs,
          batch.ys,
        );
        tf.dispose([batch.xs, batch.ys]);
        const [lossValue] = await loss.data();
        const [correctValue] = await correct.data();
        tf.dispose([loss, correct]);
        const images = batch.indices.length;
        epochStep++;
        losses.push(lossValue);
        lossSum += lossValue * images;
        correctSum += correctValue;
        seen += images;
        trainedImages += images;
        await hooks.onStep?.({
          step: losses.length,
          epoch,
          epochStep,
          epochSteps,
          loss: lossValue,
          accuracy: correctValue / images,
          images,
        });
        if (isDivergedLoss(lossValue)) {
          diverged = true;
          break;
        }
      }
      const epochSeconds = (performance.now() - epochStart) / 1000;
      trainSeconds += epochSeconds;
      if (diverged) break;
      const test = await evaluate(model, data.test, {
        ...batchOptions,
        order: testIndices,
      });
      const metrics: EpochMetrics = {
        epoch,
        step: losses.length,
        trainLoss: lossSum / seen,
        trainAccuracy: correctSum / seen,
        testLoss: test.loss,
        testAccuracy: test.accuracy,
        trainSeconds: epochSeconds,
        imagesPerSecond: seen / epochSeconds,
      };
      epochs.push(metrics);
      await hooks.onEpoch?.(metrics);
    }
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    disposeOptimizer(optimizer);
  }

  const status = judgeLossTrace(losses, config.stuck);
  return {
    status,
    statusReason: describeStatus(status, losses, config),
    model,
    steps: losses.length,
    losses,
    epochs,
    final: epochs.at(-1),
    bestTestAccuracy: epochs.length
      ? Math.max(...epochs.map((e) => e.testAccuracy))
      : NaN,
    imagesPerSecond: trainSeconds > 0 ? trainedImages / trainSeconds : 0,
    wallSeconds: (performance.now() - started) / 1000,
  };
}

/** Mean loss and accuracy of `model` over the records of `split` in `options.order`. */
export async function evaluate(
  model: tfl.LayersModel,
  split: CifarSplit,
  options: Parameters<typeof batches>[1],
): Promise<{ loss: number; accuracy: number }> {
  let lossSum = 0;
  let correctSum = 0;
  let seen = 0;
  for (const batch of batches(split, options)) {
    const [loss, correct] = tf.tidy(() => {
      const logits = model.apply(batch.xs, { training: false }) as tf.Tensor2D;
      return [
        tf.losses.softmaxCrossEntropy(
          tf.oneHot(batch.ys, NUM_CLASSES),
          logits,
          undefined,
          undefined,
          tf.Reduction.SUM,
        ),
        correctCount(logits, batch.ys),
      ];
    });
    tf.dispose([batch.xs, batch.ys]);
    lossSum += (await loss.data())[0];
    correctSum += (await correct.data())[0];
    tf.dispose([loss, correct]);
    seen += batch.indices.length;
  }
  return { loss: lossSum / seen, accuracy: correctSum / seen };
}

/**
 * One optimisation step on a batch: forward in training mode, softmax cross-entropy, gradients of
 * `variables`, and the optimiser's update. Returns the batch's mean loss and its count of correct
 * predictions as scalars the caller disposes; every other tensor is freed.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { buildVgg } from "../model/vgg_build.ts";
 * import { resolveVggConfig } from "../model/vgg_config.ts";
 * import { trainStep } from "./train.ts";
 * await tf.setBackend("cpu");
 * const model = buildVgg(resolveVggConfig({ inputSize: 32, widthMultiplier: 0.125, denseWidth: 16 }));
 * const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
 * const [loss, correct] = trainStep(model, tf.train.sgd(0.01), variables,
 *   tf.randomNormal([4, 32, 32, 3]), tf.tensor1d([0, 1, 2, 3], "int32"));
 * console.log(loss.dataSync()[0]); // about 2.30
 * tf.dispose([loss, correct]);
 * ```
 */
export function trainStep(
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  xs: tf.Tensor4D,
  ys: tf.Tensor1D,
): [tf.Scalar, tf.Scalar] {
  let correct: tf.Scalar | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const logits = model.apply(xs, { training: true }) as tf.Tensor2D;
    correct = tf.keep(correctCount(logits, ys));
    return tf.losses.softmaxCrossEntropy(
      tf.oneHot(ys, NUM_CLASSES),
      logits,
    ) as tf.Scalar;
  }, variables);
  optimizer.applyGradients(grads);
  tf.dispose(Object.values(grads));
  return [value, correct!];
}

function correctCount(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), "float32"));
}

/**
 * The records of `split` a run uses: a stratified subset of `size` (equal per class, fixed by
 * `seed`), or all of them when `size` is 0.
 *
 * @example
 * ```ts
 * import { subsetIndices } from "./train.ts";
 * import { parseCifarRecords, RECORD_BYTES } from "../data/cifar10.ts";
 * const split = parseCifarRecords(new Uint8Array(RECORD_BYTES * 3), "three.bin");
 * subsetIndices(split, 0, 1); // Int32Array [0, 1, 2]
 * ```
 */
export function subsetIndices(
  split: CifarSplit,
  size: number,
  seed: number,
): Int32Array {
  if (size === 0) return Int32Array.from({ length: split.count }, (_, i) => i);
  return stratifiedSubset(split, size / NUM_CLASSES, seed);
}

/** A seed per epoch, so each epoch visits the subset in a new, repeatable order. */
function epochSeed(seed: number, epoch: number): number {
  return (Math.imul(seed, 0x9e3779b1) + epoch) >>> 0;
}

function permute(indices: Int32Array, seed: number): Int32Array {
  const permutation = shuffledIndices(indices.length, seed);
  return permutation.map((i) => indices[i]);
}

function describeStatus(
  status: RunStatus,
  losses: number[],
  config: TrainConfig,
): string {
  const { warmupSteps, windowSteps, tolerance } = config.stuck;
  switch (status) {
    case "diverged":
      return `loss became ${losses.at(-1)} at step ${losses.length}`;
    case "stuck_at_chance":
      return `every loss of the last ${windowSteps} steps (after ${warmupSteps} warm-up) ` +
        `was within ${tolerance} of ln ${config.model.numClasses}`;
    default:
      return losses.length < warmupSteps + windowSteps
        ? `${losses.length} steps: too few to judge stuck_at_chance (needs ${
          warmupSteps + windowSteps
        })`
        : `final loss ${losses.at(-1)?.toFixed(4)}`;
  }
}
