import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
// tfjs-core's Node bundle registers no gradients; tfjs-layers does.
import "@tensorflow/tfjs-layers";
import { resolveTrainConfig } from "./config.ts";
import { createOptimizer, disposeOptimizer } from "./optimizer.ts";

Deno.test("each optimiser is created as named and disposed without a leaked tensor", async () => {
  await tf.setBackend("cpu");
  const cases = [
    [{ optimizer: "sgd", momentum: 0.9 }, tf.MomentumOptimizer],
    [{ optimizer: "sgd", momentum: 0 }, tf.SGDOptimizer],
    [{ optimizer: "adam" }, tf.AdamOptimizer],
  ] as const;
  for (const [input, kind] of cases) {
    const before = tf.memory().numTensors;
    const w = tf.tidy(() => tf.variable(tf.ones([3])));
    const optimizer = createOptimizer(
      resolveTrainConfig({ ...input, lr: 0.1 }),
    );
    assert.ok(optimizer instanceof kind, `${input.optimizer} -> ${optimizer}`);
    optimizer.minimize(() => tf.sum(tf.square(w)) as tf.Scalar);
    disposeOptimizer(optimizer);
    w.dispose();
    assert.equal(tf.memory().numTensors, before, `${JSON.stringify(input)}`);
  }
});
