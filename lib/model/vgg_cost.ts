/**
 * The cost of a VGG network computed from its config alone, without building it: each layer's
 * output shape, parameters and multiply-adds, and the totals for one image.
 *
 * Conventions: shapes are per image and channels-last (`[height, width, channels]`, as tfjs lays
 * them out); a MAC is one multiply-add of a weight with an activation, counted for conv and dense
 * layers only (bias adds, batch norm, ReLU and pooling are elementwise and left out, as in the
 * published VGG figures).
 *
 * @example
 * ```ts
 * import { resolveVggConfig } from "./vgg_config.ts";
 * import { countParameters, forwardMacs } from "./vgg_cost.ts";
 * const imagenet = resolveVggConfig({ numClasses: 1000 });
 * countParameters(imagenet); // 138_357_544
 * forwardMacs(imagenet); // 15_470_264_320
 * ```
 * @module
 */
import {
  resolveVggConfig,
  type VggConfig,
  vggConvLayers,
} from "./vgg_config.ts";

/** The kinds of layer a VGG network is made of. */
export type LayerKind =
  | "conv"
  | "bn"
  | "relu"
  | "pool"
  | "flatten"
  | "dense"
  | "dropout";

/**
 * One layer of the network and what it costs for one image.
 *
 * @example
 * ```ts
 * import type { LayerCost } from "./vgg_cost.ts";
 * const conv: LayerCost = {
 *   name: "conv1_1", kind: "conv", outputShape: [32, 32, 64],
 *   params: 1_792, trainableParams: 1_792, macs: 1_769_472, outputElements: 65_536,
 * };
 * ```
 */
export interface LayerCost {
  /** Layer name, the same as in the tfjs model: conv1_1, conv1_1_bn, conv1_1_relu, pool1, ... */
  name: string;
  /** What the layer does. */
  kind: LayerKind;
  /** Output shape for one image (no batch dimension). */
  outputShape: number[];
  /**
   * All weights, as tfjs `countParams()` counts them: for batch norm that includes the moving
   * mean and variance (4 per channel).
   */
  params: number;
  /** Weights the optimizer updates (and keeps gradients and state for): batch norm has 2 per channel. */
  trainableParams: number;
  /** Multiply-adds of the forward pass for one image (0 for elementwise layers). */
  macs: number;
  /** Elements of the output activation for one image. */
  outputElements: number;
}

/**
 * Every layer of the network `config` describes, in order, with its cost; `buildVgg` builds
 * exactly these layers with these names.
 *
 * @throws {ConfigError} when `config` is invalid (see `resolveVggConfig`).
 *
 * @example
 * ```ts
 * import { resolveVggConfig } from "./vgg_config.ts";
 * import { vggLayerCosts } from "./vgg_cost.ts";
 * const layers = vggLayerCosts(resolveVggConfig({ variant: "vgg11", inputSize: 32 }));
 * layers.map((l) => l.name).slice(0, 3); // ["conv1_1", "conv1_1_relu", "pool1"]
 * ```
 */
export function vggLayerCosts(config: VggConfig): LayerCost[] {
  const valid = resolveVggConfig(config);
  const layers: LayerCost[] = [];
  const add = (
    name: string,
    kind: LayerKind,
    outputShape: number[],
    costs: { params?: number; trainableParams?: number; macs?: number } = {},
  ) => {
    const params = costs.params ?? 0;
    layers.push({
      name,
      kind,
      outputShape,
      params,
      trainableParams: costs.trainableParams ?? params,
      macs: costs.macs ?? 0,
      outputElements: outputShape.reduce((a, b) => a * b, 1),
    });
  };

  let side = valid.inputSize;
  let channels = 3;
  let block = 1;
  for (const conv of vggConvLayers(valid)) {
    if (conv.block !== block) {
      side /= 2;
      add(`pool${block}`, "pool", [side, side, channels]);
      block = conv.block;
    }
    const shape = [side, side, conv.channels];
    const kernelWeights = 3 * 3 * channels * conv.channels;
    add(conv.name, "conv", shape, {
      params: kernelWeights + conv.channels,
      macs: side * side * kernelWeights,
    });
    if (valid.batchNorm) {
      add(`${conv.name}_bn`, "bn", shape, {
        params: 4 * conv.channels,
        trainableParams: 2 * conv.channels,
      });
    }
    add(`${conv.name}_relu`, "relu", shape);
    channels = conv.channels;
  }
  side /= 2;
  add(`pool${block}`, "pool", [side, side, channels]);

  let features = side * side * channels;
  add("flatten", "flatten", [features]);
  for (let i = 1; i <= valid.denseLayers; i++) {
    const units = valid.denseWidth;
    add(`fc${i}`, "dense", [units], {
      params: features * units + units,
      macs: features * units,
    });
    add(`fc${i}_relu`, "relu", [units]);
    if (valid.dropout > 0) add(`fc${i}_dropout`, "dropout", [units]);
    features = units;
  }
  const classes = valid.numClasses;
  add("logits", "dense", [classes], {
    params: features * classes + classes,
    macs: features * classes,
  });
  return layers;
}

/**
 * All weights of the network, as tfjs `model.countParams()` reports them (batch norm moving
 * statistics included).
 *
 * @throws {ConfigError} when `config` is invalid.
 *
 * @example
 * ```ts
 * import { resolveVggConfig } from "./vgg_config.ts";
 * import { countParameters } from "./vgg_cost.ts";
 * countParameters(resolveVggConfig({ numClasses: 1000 })); // 138_357_544, as published
 * ```
 */
export function countParameters(config: VggConfig): number {
  return sum(vggLayerCosts(config), (layer) => layer.params);
}

/**
 * Weights the optimizer trains: {@linkcode countParameters} less the batch norm moving
 * statistics. This is the figure PyTorch reports for the batch-norm variants.
 *
 * @throws {ConfigError} when `config` is invalid.
 *
 * @example
 * ```ts
 * import { resolveVggConfig } from "./vgg_config.ts";
 * import { countTrainableParameters } from "./vgg_cost.ts";
 * countTrainableParameters(resolveVggConfig({ numClasses: 1000, batchNorm: true })); // 138_365_992
 * ```
 */
export function countTrainableParameters(config: VggConfig): number {
  return sum(vggLayerCosts(config), (layer) => layer.trainableParams);
}

/**
 * Multiply-adds of one forward pass for ONE image (conv and dense layers).
 *
 * @throws {ConfigError} when `config` is invalid.
 *
 * @example
 * ```ts
 * import { resolveVggConfig } from "./vgg_config.ts";
 * import { forwardMacs } from "./vgg_cost.ts";
 * forwardMacs(resolveVggConfig({ numClasses: 1000 })); // 15_470_264_320 ("15.47 GFLOPs" in papers)
 * ```
 */
export function forwardMacs(config: VggConfig): number {
  return sum(vggLayerCosts(config), (layer) => layer.macs);
}

/**
 * Floating-point operations of one training step for ONE image, counting 2 FLOPs per MAC:
 * the forward pass (2 x MACs), the weight gradients (2 x MACs) and the input gradients
 * (2 x MACs) of every conv and dense layer, except the first layer's input gradient, which
 * backprop never computes because nothing upstream of the image is trained. That is just under
 * the usual "3 x forward" (6 FLOPs per MAC); elementwise layers and the optimizer update are left
 * out.
 *
 * @throws {ConfigError} when `config` is invalid.
 *
 * @example
 * ```ts
 * import { resolveVggConfig } from "./vgg_config.ts";
 * import { forwardMacs, trainingFlops } from "./vgg_cost.ts";
 * const config = resolveVggConfig({ inputSize: 32 });
 * trainingFlops(config) / (2 * forwardMacs(config)); // about 2.99
 * ```
 */
export function trainingFlops(config: VggConfig): number {
  const weighted = vggLayerCosts(config).filter((layer) => layer.macs > 0);
  return sum(weighted, (layer, index) => (index === 0 ? 4 : 6) * layer.macs);
}

function sum<T>(items: T[], value: (item: T, index: number) => number): number {
  return items.reduce((total, item, index) => total + value(item, index), 0);
}
