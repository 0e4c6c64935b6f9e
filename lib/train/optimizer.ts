/**
 * The optimiser a {@linkcode TrainConfig} names, and its clean disposal.
 *
 * @example
 * ```ts
 * import "@tensorflow/tfjs-backend-cpu";
 * import { createOptimizer, disposeOptimizer } from "./optimizer.ts";
 * import { resolveTrainConfig } from "./config.ts";
 * const optimizer = createOptimizer(resolveTrainConfig({ lr: 0.05 })); // SGD, momentum 0.9
 * disposeOptimizer(optimizer);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { TrainConfig } from "./config.ts";

/** Adam, SGD with momentum, or plain SGD when momentum is 0. */
export function createOptimizer(
  config: Pick<TrainConfig, "optimizer" | "lr" | "momentum">,
): tf.Optimizer {
  if (config.optimizer === "adam") return tf.train.adam(config.lr);
  return config.momentum > 0
    ? tf.train.momentum(config.lr, config.momentum)
    : tf.train.sgd(config.lr);
}

/**
 * Disposes an optimiser and its state. tfjs 4.22's MomentumOptimizer.dispose() forgets its parent
 * SGDOptimizer's kept learning-rate scalar (`c`), leaking one tensor per run; free it here.
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  if (optimizer instanceof tf.MomentumOptimizer) {
    const { c } = optimizer as unknown as { c?: tf.Tensor };
    if (c && !c.isDisposed) c.dispose();
  }
}
