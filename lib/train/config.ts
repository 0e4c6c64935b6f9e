/**
 * A training run as plain data: the network, the optimiser and the data it sees. Every knob has a
 * default and a one-line error when it is out of range, raised before any compute.
 *
 * @example
 * ```ts
 * import { resolveTrainConfig } from "./config.ts";
 * const config = resolveTrainConfig({ lr: 0.01, epochs: 2, model: { inputSize: 64 } });
 * config.batchSize; // 64
 * ```
 * @module
 */
import { RESIZE_METHODS, type ResizeMethod } from "../data/resize.ts";
import { resolveVggConfig, type VggConfig } from "../model/vgg_config.ts";
import { ConfigError } from "../util/errors.ts";
import { resolveStuckRule, type StuckRule } from "./status.ts";

/** Optimisers the trainer knows. */
export type OptimizerName = "sgd" | "adam";

/** Every optimiser name, for `--help` and errors. */
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ["sgd", "adam"];

/** A fully resolved training run. */
export interface TrainConfig {
  /** The network (its `inputSize` is the resolution images are resized to). */
  model: VggConfig;
  /** "sgd" (with `momentum`) or "adam" (beta1 0.9, beta2 0.999, epsilon 1e-7). */
  optimizer: OptimizerName;
  /** Learning rate; positive and finite. The seed's F3 is about this knob. */
  lr: number;
  /** SGD momentum in [0, 1); 0 is plain SGD. Ignored by Adam. */
  momentum: number;
  /** Passes over the training subset. */
  epochs: number;
  /** Images per training step. */
  batchSize: number;
  /** Seeds the weights, the data subset, the data order and dropout. */
  seed: number;
  /** Training images, drawn stratified (equal per class); 0 = all 50,000. */
  trainSubset: number;
  /** Test images evaluated after each epoch, stratified; 0 = all 10,000. */
  testSubset: number;
  /** How 32x32 images are resized to `model.inputSize`. */
  resize: ResizeMethod;
  /** When a loss trace counts as stuck at chance (ln 10). */
  stuck: Required<StuckRule>;
}

/** What a caller may give: any field, with `model` itself partial. */
export type TrainConfigInput = Partial<Omit<TrainConfig, "model" | "stuck">> & {
  model?: Partial<VggConfig>;
  stuck?: StuckRule;
};

/**
 * Defaults: a CIFAR-sized VGG16 (32x32 input, dense 512) trained with SGD, lr 0.01, momentum 0.9,
 * batch 64 — sized to run on a CPU. The seed project's own setting (224x224, dense 4096) is one
 * override away: `model: { inputSize: 224, denseWidth: 4096 }`.
 */
export const DEFAULT_TRAIN_CONFIG: Readonly<TrainConfigInput> = Object.freeze({
  optimizer: "sgd",
  lr: 0.01,
  momentum: 0.9,
  epochs: 1,
  batchSize: 64,
  seed: 0,
  trainSubset: 0,
  testSubset: 0,
  resize: "bilinear",
});

const CIFAR_TRAIN = 50_000;
const CIFAR_TEST = 10_000;

/**
 * Fills defaults and validates. The model's seed follows the run's seed unless given. Throws a
 * one-line {@linkcode ConfigError} for: lr <= 0 or not finite, batch < 1, epochs < 1, a subset
 * that is not a multiple of 10 (equal per class) or exceeds the split, unknown optimiser or resize
 * mode, momentum outside [0, 1), and every model error of `resolveVggConfig`.
 *
 * @example
 * ```ts
 * import { resolveTrainConfig } from "./config.ts";
 * resolveTrainConfig({ lr: -1 }); // throws ConfigError: lr must be a positive finite number, got -1
 * ```
 */
export function resolveTrainConfig(input: TrainConfigInput = {}): TrainConfig {
  const merged = { ...DEFAULT_TRAIN_CONFIG, ...withoutUndefined(input) };
  const seed = merged.seed as number;
  if (!Number.isSafeInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new ConfigError(
      `seed must be an integer in [0, 2^32), got ${merged.seed}`,
    );
  }
  const model = resolveVggConfig({
    inputSize: 32,
    denseWidth: 512,
    seed,
    ...withoutUndefined(input.model ?? {}),
  });
  const lr = merged.lr as number;
  if (typeof lr !== "number" || !Number.isFinite(lr) || lr <= 0) {
    throw new ConfigError(`lr must be a positive finite number, got ${lr}`);
  }
  const optimizer = merged.optimizer as OptimizerName;
  if (!OPTIMIZER_NAMES.includes(optimizer)) {
    throw new ConfigError(
      `unknown optimizer "${optimizer}" (valid: ${OPTIMIZER_NAMES.join(", ")})`,
    );
  }
  const momentum = merged.momentum as number;
  if (!Number.isFinite(momentum) || momentum < 0 || momentum >= 1) {
    throw new ConfigError(`momentum must be in [0, 1), got ${momentum}`);
  }
  const resize = merged.resize as ResizeMethod;
  if (!RESIZE_METHODS.includes(resize)) {
    throw new ConfigError(
      `unknown resize mode "${resize}" (valid: ${RESIZE_METHODS.join(", ")})`,
    );
  }
  return {
    model,
    optimizer,
    lr,
    momentum,
    epochs: positiveInteger("epochs", merged.epochs),
    batchSize: positiveInteger("batch size", merged.batchSize),
    seed,
    trainSubset: subsetSize("train subset", merged.trainSubset, CIFAR_TRAIN),
    testSubset: subsetSize("test subset", merged.testSubset, CIFAR_TEST),
    resize,
    stuck: resolveStuckRule(input.stuck),
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

function positiveInteger(name: string, value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new ConfigError(`${name} must be an integer >= 1, got ${value}`);
  }
  return value as number;
}

function subsetSize(name: string, value: unknown, max: number): number {
  const n = value as number;
  if (!Number.isSafeInteger(n) || n < 0 || n > max || n % 10 !== 0) {
    throw new ConfigError(
      `${name} must be 0 (all) or a multiple of 10 up to ${max} (equal per class), got ${value}`,
    );
  }
  return n;
}
