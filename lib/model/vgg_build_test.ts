import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import "@tensorflow/tfjs-backend-cpu";
import { ConfigError } from "../util/errors.ts";
import { resolveVggConfig, type VggConfig } from "./vgg_config.ts";
import { countParameters, vggLayerCosts } from "./vgg_cost.ts";
import { buildVgg } from "./vgg_build.ts";

await tf.setBackend("cpu");

/** Small networks (an eighth of the channels, 32x32 input) that build in milliseconds. */
const small = (partial: Partial<VggConfig> = {}) =>
  resolveVggConfig({
    variant: "vgg11",
    widthMultiplier: 0.125,
    inputSize: 32,
    denseWidth: 32,
    ...partial,
  });

async function kernelOf(
  model: tfl.LayersModel,
  layer: string,
): Promise<Float32Array> {
  return await model.getLayer(layer).getWeights()[0].data() as Float32Array;
}

Deno.test("buildVgg has the layers, shapes and parameter counts of the cost model", () => {
  const configs = [
    small(),
    small({ batchNorm: true }),
    small({
      variant: "vgg13",
      widthMultiplier: 0.3,
      inputSize: 64,
      denseLayers: 1,
    }),
    small({ variant: "vgg16", denseLayers: 0, numClasses: 3 }),
    small({ variant: "vgg19", dropout: 0, batchNorm: true, denseWidth: 7 }),
  ];
  for (const config of configs) {
    const model = buildVgg(config);
    const costs = vggLayerCosts(config);
    const label = JSON.stringify(config);
    assert.equal(model.countParams(), countParameters(config), label);
    assert.deepEqual(
      model.layers.slice(1).map((
        layer,
      ) => [layer.name, (layer.outputShape as number[]).slice(1)]),
      costs.map((cost) => [cost.name, cost.outputShape]),
      label,
    );
    const trainable = model.trainableWeights.reduce(
      (n, w) => n + tf.util.sizeFromShape(w.shape as number[]),
      0,
    );
    assert.equal(
      trainable,
      costs.reduce((n, cost) => n + cost.trainableParams, 0),
      label,
    );
    model.dispose();
  }
});

Deno.test("buildVgg outputs logits of shape [N, numClasses]", async () => {
  const config = small({ batchNorm: true, numClasses: 7 });
  const model = buildVgg(config);
  const images = tf.randomUniform([3, 32, 32, 3], 0, 1, "float32", 5);
  const logits = model.predict(images) as tf.Tensor;
  assert.deepEqual(logits.shape, [3, 7]);
  // Logits are the last dense layer's affine output: no softmax on top.
  const features = tfl.model({
    inputs: model.inputs,
    outputs: model.getLayer("fc2_dropout").output as tfl.SymbolicTensor,
  })
    .predict(images) as tf.Tensor;
  const [kernel, bias] = model.getLayer("logits").getWeights();
  const expected = tf.add(tf.matMul(features, kernel), bias);
  const difference = tf.max(tf.abs(tf.sub(logits, expected)));
  assert.ok((await difference.data())[0] < 1e-5);
  tf.dispose([images, logits, features, expected, difference]);
  model.dispose();
});

Deno.test("buildVgg weights repeat for the same seed and differ for another", async () => {
  const config = small({ batchNorm: true, seed: 1234 });
  const first = buildVgg(config);
  const again = buildVgg(config);
  const other = buildVgg({ ...config, seed: 1235 });
  const [a, b, c] = [first, again, other].map((model) => model.getWeights());
  for (let i = 0; i < a.length; i++) {
    const name = first.weights[i].originalName;
    const [x, y, z] = await Promise.all([
      a[i].data(),
      b[i].data(),
      c[i].data(),
    ]);
    assert.deepEqual(x, y, `${name} differs between two builds with seed 1234`);
    if (name.endsWith("/kernel")) {
      assert.notDeepEqual(x, z, `${name} ignores the seed`);
    }
  }
  // Same-shaped layers get their own seeds, not copies of one another.
  assert.notDeepEqual(
    await kernelOf(first, "conv5_1"),
    await kernelOf(first, "conv5_2"),
  );
  // Seed 0 is a seed like any other (tfjs itself would take 0 to mean "unseeded").
  const zero = [buildVgg(small({ seed: 0 })), buildVgg(small({ seed: 0 }))];
  assert.deepEqual(
    await kernelOf(zero[0], "conv1_1"),
    await kernelOf(zero[1], "conv1_1"),
  );
  for (const model of [first, again, other, ...zero]) model.dispose();
});

Deno.test("buildVgg initialises conv as He normal (fan-out), dense as He normal (fan-in), biases 0", async () => {
  const model = buildVgg(small({ denseWidth: 256 }));
  const stats = async (layer: string) => {
    const values = await kernelOf(model, layer);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const std = Math.sqrt(
      values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length,
    );
    const maxAbs = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    return { mean, std, maxAbs };
  };
  const conv = await stats("conv5_2"); // 3x3x64x64 = 36,864 weights
  const heStd = Math.sqrt(2 / (3 * 3 * 64));
  assert.ok(
    Math.abs(conv.std / heStd - 1) < 0.03,
    `conv std ${conv.std}, expected ${heStd}`,
  );
  assert.ok(Math.abs(conv.mean) < 0.03 * heStd);
  // An untruncated normal: tfjs's heNormal would cut every weight off at 2 standard deviations.
  assert.ok(
    conv.maxAbs > 3 * heStd,
    `conv weights look truncated (max ${conv.maxAbs})`,
  );
  const dense = await stats("fc2"); // 256x256 = 65,536 weights
  const denseStd = Math.sqrt(2 / 256); // fc2's fan-in is fc1's 256 units
  assert.ok(
    Math.abs(dense.std / denseStd - 1) < 0.03,
    `dense std ${dense.std}, expected ${denseStd}`,
  );
  for (
    const weight of model.weights.filter((w) =>
      w.originalName.endsWith("/bias")
    )
  ) {
    assert.ok(
      (await weight.read().data()).every((v) => v === 0),
      `${weight.originalName} not 0`,
    );
  }
  model.dispose();
});

Deno.test("buildVgg builds the published VGG16 (138,357,544 parameters at 224x224)", () => {
  const model = buildVgg(
    resolveVggConfig({ variant: "vgg16", numClasses: 1000 }),
  );
  assert.equal(model.countParams(), 138_357_544);
  assert.deepEqual(model.outputs[0].shape, [null, 1000]);
  assert.deepEqual(model.inputs[0].shape, [null, 224, 224, 3]);
  model.dispose();
});

Deno.test("buildVgg rejects an invalid config with a ConfigError", () => {
  assert.throws(
    () => buildVgg({ ...small(), widthMultiplier: 0.001 }),
    ConfigError,
  );
});
