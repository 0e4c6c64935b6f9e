/**
 * Builds a VGG network as a tfjs-layers model on the current tfjs backend, with seeded weights.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { resolveVggConfig } from "./vgg_config.ts";
 * import { buildVgg } from "./vgg_build.ts";
 * await tf.setBackend("cpu");
 * const model = buildVgg(resolveVggConfig({ variant: "vgg11", inputSize: 32, denseWidth: 64 }));
 * model.outputs[0].shape; // [null, 10]: logits
 * ```
 * @module
 */
import * as tfl from "@tensorflow/tfjs-layers";
import { createRng, randomInt } from "../util/random.ts";
import { resolveVggConfig, type VggConfig } from "./vgg_config.ts";
import { vggLayerCosts } from "./vgg_cost.ts";
import { SeededDropout } from "./seeded_dropout.ts";

/**
 * The network `config` describes, layer for layer as `vggLayerCosts` lists it: for each conv,
 * Conv2D 3x3 'same' stride 1 (with bias) [-> BatchNormalization] -> ReLU, a 2x2 stride-2 max
 * pooling after each of the five blocks, then Flatten, `denseLayers` x (Dense -> ReLU ->
 * Dropout) and a Dense layer named "logits". The input is `[batch, inputSize, inputSize, 3]`
 * (channels-last); the output is `[batch, numClasses]` LOGITS, with no softmax (the trainer
 * applies softmax cross-entropy).
 *
 * Initialisation follows torchvision's VGG: conv kernels are Kaiming/He normal in fan-out mode
 * for ReLU (untruncated normal, stddev `sqrt(2 / (3 * 3 * outChannels))`). Dense kernels are
 * He normal over their fan-in (stddev `sqrt(2 / fanIn)`), not torchvision's normal(0, 0.01): that
 * fixed scale shrinks the signal by `0.01 * sqrt(denseWidth)` per layer, which at the narrow dense
 * widths this suite sweeps (down to 32) leaves the network unable to start learning, confounding
 * the dense-width ablation. All biases are 0; batch norm starts at gamma 1, beta 0, moving mean 0, moving
 * variance 1, with PyTorch's momentum 0.1 (tfjs momentum 0.9) and epsilon 1e-5.
 *
 * Every random initializer gets its own nonzero seed drawn from `config.seed`, so two builds
 * with the same seed have identical weights (tfjs samples initial weights in JavaScript, so they
 * are also the same on every backend); tfjs treats seed 0 as "unseeded", hence nonzero. Dropout
 * is a {@linkcode SeededDropout}: its masks change every step and repeat for the same seed.
 *
 * @throws {ConfigError} when `config` is invalid.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { resolveVggConfig } from "./vgg_config.ts";
 * import { buildVgg } from "./vgg_build.ts";
 * await tf.setBackend("cpu");
 * const config = resolveVggConfig({ inputSize: 32, denseWidth: 512, batchNorm: true, seed: 7 });
 * const model = buildVgg(config);
 * const logits = model.predict(tf.zeros([2, 32, 32, 3])) as tf.Tensor; // shape [2, 10]
 * ```
 */
export function buildVgg(config: VggConfig): tfl.LayersModel {
  const valid = resolveVggConfig(config);
  const rng = createRng(valid.seed);
  const nextSeed = () => 1 + randomInt(rng, 0x7fffffff);

  const input = tfl.input({
    shape: [valid.inputSize, valid.inputSize, 3],
    name: "image",
  });
  let x = input;
  for (const layer of vggLayerCosts(valid)) {
    const name = layer.name;
    const width = layer.outputShape[layer.outputShape.length - 1];
    x = (() => {
      switch (layer.kind) {
        case "conv":
          return tfl.layers.conv2d({
            name,
            filters: width,
            kernelSize: 3,
            strides: 1,
            padding: "same",
            kernelInitializer: tfl.initializers.randomNormal({
              mean: 0,
              stddev: Math.sqrt(2 / (3 * 3 * width)),
              seed: nextSeed(),
            }),
            biasInitializer: "zeros",
          });
        case "bn":
          return tfl.layers.batchNormalization({
            name,
            axis: -1,
            momentum: 0.9,
            epsilon: 1e-5,
          });
        case "relu":
          return tfl.layers.reLU({ name });
        case "pool":
          return tfl.layers.maxPooling2d({ name, poolSize: 2, strides: 2 });
        case "flatten":
          return tfl.layers.flatten({ name });
        case "dense":
          return tfl.layers.dense({
            name,
            units: width,
            kernelInitializer: tfl.initializers.randomNormal({
              mean: 0,
              // He normal over fan-in (params / units = fan-in + 1 bias).
              stddev: Math.sqrt(2 / (layer.params / width - 1)),
              seed: nextSeed(),
            }),
            biasInitializer: "zeros",
          });
        case "dropout":
          return new SeededDropout({
            name,
            rate: valid.dropout,
            seed: nextSeed(),
          });
      }
    })().apply(x) as tfl.SymbolicTensor;
  }
  return tfl.model({ inputs: input, outputs: x, name: valid.variant });
}
