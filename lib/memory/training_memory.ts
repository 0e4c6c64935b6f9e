/**
 * An analytic model of the memory one VGG training step holds on TensorFlow.js, computed from
 * the config alone (no tensors): parameters, their gradients, optimizer slots, the activations the
 * gradient tape saves, the gradients backprop keeps, and the transient peak — per layer and in
 * total.
 *
 * It counts bytes the way tfjs' engine does (`tf.memory().numBytes`, `tf.profile().peakBytes`):
 * every tensor at its logical size, so a tensor that shares another's buffer (a reshape, the
 * clones the tape saves) counts again. That is the number tfjs reports and the one this model is
 * checked against. What tfjs keeps, read from tfjs-core 4.22 and tfjs-layers 4.22:
 *
 * - Forward: every op run under the tape saves clones of the inputs/outputs its gradient needs
 *   (conv: input, kernel, bias, output; ReLU: input; max-pool: input and output; dense: its 2-D
 *   and 3-D input views, the kernel and its 3-D view, the bias and the output; dropout: its mask
 *   chain). The clones live until the gradients are done; the layer outputs themselves are freed
 *   when `model.apply` returns.
 * - Backward: tfjs frees nothing until every gradient is computed: the gradient of every
 *   activation and weight (and its reshaped copy) stays, so the backward pass ends holding about
 *   as much again as the forward saved. The peak is usually at the first ReLU's gradient, whose
 *   step mask and cast are momentary.
 * - Update: SGD makes 2 weight-sized temporaries per weight, momentum 4 (one weight at a time);
 *   Adam makes 14 per weight inside ONE tidy over all weights, so its update peak is 14x the
 *   trainable parameters on top of weights, gradients and 2 slots.
 *
 * Per-channel tensors of batch norm (means, variances) and scalars are left out: < 0.1%.
 *
 * @example
 * ```ts
 * import { predictTrainingMemory } from "./training_memory.ts";
 * const seed = predictTrainingMemory({
 *   model: { inputSize: 224, denseWidth: 4096 }, optimizer: "sgd", momentum: 0.9, batchSize: 32,
 * });
 * console.log((seed.totalPeakBytes / 2 ** 30).toFixed(1), "GiB at", seed.peak.phase);
 * ```
 * @module
 */
import { resolveVggConfig, type VggConfig } from "../model/vgg_config.ts";
import { type LayerKind, vggLayerCosts } from "../model/vgg_cost.ts";
import type { OptimizerName } from "../train/config.ts";
import { ConfigError } from "../util/errors.ts";

/** The parts of a training config memory depends on (a `TrainConfig` fits). */
export interface TrainingMemoryInput {
  /** The network; missing fields take `resolveVggConfig`'s defaults (vgg16, 224x224, 4096). */
  model: Partial<VggConfig>;
  /** "sgd" (momentum > 0 keeps 1 slot per weight) or "adam" (2 slots). */
  optimizer: OptimizerName;
  /** SGD momentum; 0 is plain SGD, without a slot. Ignored by Adam. */
  momentum: number;
  /** Images per step. */
  batchSize: number;
}

/**
 * How the optimizer updates the weights, as far as memory goes: plain SGD keeps no slot,
 * SGD with momentum one per weight, Adam two.
 *
 * @example
 * ```ts
 * import type { UpdateRule } from "./training_memory.ts";
 * const rules: UpdateRule[] = ["sgd", "momentum", "adam"];
 * ```
 */
export type UpdateRule = "sgd" | "momentum" | "adam";

/**
 * The update rule of an optimizer setting.
 *
 * @example
 * ```ts
 * import { updateRuleOf } from "./training_memory.ts";
 * updateRuleOf({ optimizer: "sgd", momentum: 0.9 }); // "momentum"
 * updateRuleOf({ optimizer: "sgd", momentum: 0 }); // "sgd"
 * ```
 */
export function updateRuleOf(
  input: Pick<TrainingMemoryInput, "optimizer" | "momentum">,
): UpdateRule {
  if (input.optimizer === "adam") return "adam";
  return input.momentum > 0 ? "momentum" : "sgd";
}

/** Options of {@linkcode predictTrainingMemory}. */
export interface TrainingMemoryOptions {
  /** Bytes per weight and activation element: 4 (float32, all tfjs trains in) or 2. */
  bytesPerElement?: number;
}

/** Memory of one layer of the network, in bytes, at the configured batch size. */
export interface LayerMemory {
  /** Layer name, as in the tfjs model (conv1_1, pool1, fc1, logits, ...). */
  name: string;
  /** What the layer does. */
  kind: LayerKind;
  /** Channels (conv, batch norm, pool) or units (dense) of its output. */
  outputChannels: number;
  /** Its weights (batch norm's moving statistics included). */
  parameterBytes: number;
  /** Gradients of its trainable weights. */
  gradientBytes: number;
  /** Optimizer slots of its trainable weights. */
  optimizerBytes: number;
  /** Tensors the tape saves for backward (clones); held from the layer's forward to the update. */
  savedBytes: number;
  /** Its forward outputs, held until the forward pass returns. */
  outputBytes: number;
  /** Gradients its backward computes (activations' and weights', with reshaped copies); held
   * until the backward pass ends. */
  backwardBytes: number;
  /** Momentary extra above the held tensors inside its forward (intermediates of the op). */
  forwardTransientBytes: number;
  /** Momentary extra inside its backward (e.g. ReLU's step mask and its cast). */
  backwardTransientBytes: number;
}

/** When in the step the peak occurs. */
export type MemoryPhase = "forward" | "backward" | "update";

/** What {@linkcode predictTrainingMemory} returns. All sizes in bytes. */
export interface TrainingMemoryPrediction {
  /** The highest tfjs-accounted tensor memory during one steady-state training step. */
  totalPeakBytes: number;
  /** All weights (trainable and batch norm's moving statistics). */
  parameterBytes: number;
  /** Gradient tensors held at the peak: weights' and activations' (all weights' in the update). */
  gradientBytes: number;
  /** Optimizer slots (momentum: 1 per trainable weight, Adam: 2). */
  optimizerBytes: number;
  /** Activation tensors held at the peak: the tape's saved clones, live outputs, the loss. */
  activationBytes: number;
  /** The input batch: images and labels. */
  inputBytes: number;
  /** Momentary temporaries at the peak (an op's intermediates, the optimizer's update). */
  transientBytes: number;
  /** Where the peak is: the phase and the layer (or "optimizer"). */
  peak: { phase: MemoryPhase; layer: string };
  /** Trainable parameters (elements), for the record. */
  trainableParameters: number;
  /** Per layer, in network order. */
  perLayer: LayerMemory[];
}

/** Multiple of batch x classes the loss and accuracy tensors hold (measured: ~11). */
const LOSS_TENSORS_PER_LOGIT = 12;
/** Weight-sized temporaries of one weight's update, per optimizer. */
const UPDATE_TEMPORARIES = { sgd: 2, momentum: 4, adam: 14 } as const;

/**
 * Predicts the memory tfjs holds during one steady-state training step (from the second step on,
 * when the optimizer's slots exist; the first step peaks lower by up to the slots) of the network
 * and batch `input` describes. Pure: no tensors, no backend.
 *
 * The total is the sum of the parts at the peak:
 * `parameterBytes + optimizerBytes + inputBytes + activationBytes + gradientBytes +
 * transientBytes`.
 *
 * @throws {ConfigError} for an invalid model (see `resolveVggConfig`), a batch size that is not a
 * positive integer, momentum outside [0, 1), an unknown optimizer or a bytesPerElement other
 * than 2 or 4.
 *
 * @example
 * ```ts
 * import { predictTrainingMemory } from "./training_memory.ts";
 * const small = predictTrainingMemory({
 *   model: { variant: "vgg11", inputSize: 32, widthMultiplier: 0.125, denseWidth: 64 },
 *   optimizer: "adam", momentum: 0, batchSize: 8,
 * });
 * small.peak.phase; // "update": Adam's temporaries outweigh a small net's activations
 * ```
 */
export function predictTrainingMemory(
  input: TrainingMemoryInput,
  options: TrainingMemoryOptions = {},
): TrainingMemoryPrediction {
  const element = options.bytesPerElement ?? 4;
  if (element !== 4 && element !== 2) {
    throw new ConfigError(
      `bytesPerElement must be 4 (float32) or 2 (float16), got ${element}`,
    );
  }
  const batch = input.batchSize;
  if (!Number.isSafeInteger(batch) || batch < 1) {
    throw new ConfigError(`batch size must be an integer >= 1, got ${batch}`);
  }
  if (input.optimizer !== "sgd" && input.optimizer !== "adam") {
    throw new ConfigError(
      `unknown optimizer "${input.optimizer}" (valid: sgd, adam)`,
    );
  }
  if (
    !Number.isFinite(input.momentum) || input.momentum < 0 ||
    input.momentum >= 1
  ) {
    throw new ConfigError(`momentum must be in [0, 1), got ${input.momentum}`);
  }
  const model = resolveVggConfig(input.model);
  const update = updateRuleOf(input);
  const slotsPerWeight = { sgd: 0, momentum: 1, adam: 2 }[update];

  const perLayer = layerMemory(model, batch, element, slotsPerWeight);
  const trainableParameters = vggLayerCosts(model).reduce(
    (total, layer) => total + layer.trainableParams,
    0,
  );
  const parameterBytes = sum(perLayer, (l) => l.parameterBytes);
  const optimizerBytes = sum(perLayer, (l) => l.optimizerBytes);
  const allGradients = sum(perLayer, (l) => l.gradientBytes);
  const side = model.inputSize;
  const inputBytes = batch * side * side * 3 * element + batch * 4;
  const base = parameterBytes + optimizerBytes + inputBytes;
  const lossBytes = LOSS_TENSORS_PER_LOGIT * batch * model.numClasses *
    element;

  let best: Omit<TrainingMemoryPrediction, "perLayer" | "trainableParameters"> =
    {
      totalPeakBytes: base,
      parameterBytes,
      gradientBytes: 0,
      optimizerBytes,
      activationBytes: 0,
      inputBytes,
      transientBytes: 0,
      peak: { phase: "forward", layer: perLayer[0].name },
    };
  const consider = (
    phase: MemoryPhase,
    layer: string,
    activationBytes: number,
    gradientBytes: number,
    transientBytes: number,
  ) => {
    const total = base + activationBytes + gradientBytes + transientBytes;
    if (total > best.totalPeakBytes) {
      best = {
        totalPeakBytes: total,
        parameterBytes,
        gradientBytes,
        optimizerBytes,
        activationBytes,
        inputBytes,
        transientBytes,
        peak: { phase, layer },
      };
    }
  };

  // Forward: saved clones and outputs accumulate; outputs are freed when apply returns.
  let saved = 0;
  let outputs = 0;
  for (const layer of perLayer) {
    saved += layer.savedBytes;
    outputs += layer.outputBytes;
    consider(
      "forward",
      layer.name,
      saved + outputs,
      0,
      layer.forwardTransientBytes,
    );
  }
  const logits = perLayer[perLayer.length - 1];
  const activations = saved + logits.outputBytes + lossBytes;

  // Backward, last layer first: every gradient stays until the pass ends.
  let gradients = 0;
  for (const layer of [...perLayer].reverse()) {
    gradients += layer.backwardBytes;
    consider(
      "backward",
      layer.name,
      activations,
      gradients,
      layer.backwardTransientBytes,
    );
  }

  // Update: only the weights' gradients are left; the optimizer's temporaries come on top.
  const weightSizes = perLayer.flatMap((l) => trainableTensorBytes(l, element));
  const temporaries = UPDATE_TEMPORARIES[update];
  const updateTransient = update === "adam"
    ? temporaries * sum(weightSizes, (w) => w)
    : temporaries * Math.max(...weightSizes);
  consider("update", "optimizer", 0, allGradients, updateTransient);

  return { ...best, trainableParameters, perLayer };
}

/** The per-layer memory of `model` at `batch` images; see the module comment for the rules. */
function layerMemory(
  model: VggConfig,
  batch: number,
  element: number,
  slotsPerWeight: number,
): LayerMemory[] {
  const layers = vggLayerCosts(model);
  const side = model.inputSize;
  let inputElements = side * side * 3;
  return layers.map((layer) => {
    const x = batch * inputElements * element;
    const y = batch * layer.outputElements * element;
    inputElements = layer.outputElements;
    const parameterBytes = layer.params * element;
    const trainableBytes = layer.trainableParams * element;
    const units = layer.outputShape[layer.outputShape.length - 1];
    const memory: LayerMemory = {
      name: layer.name,
      kind: layer.kind,
      outputChannels: units,
      parameterBytes,
      gradientBytes: trainableBytes,
      optimizerBytes: slotsPerWeight * trainableBytes,
      savedBytes: 0,
      outputBytes: y,
      backwardBytes: 0,
      forwardTransientBytes: 0,
      backwardTransientBytes: 0,
    };
    const bias = units * element;
    const kernel = parameterBytes - bias;
    switch (layer.kind) {
      case "conv":
        // Fused conv+bias: clones of input, kernel, bias, output; backward: dx, dW, db twice.
        memory.savedBytes = x + kernel + bias + y;
        memory.backwardBytes = x + kernel + 2 * bias;
        break;
      case "bn":
        // Moments, the fused normalisation and a reshape: six activation-sized clones.
        memory.savedBytes = 6 * y;
        memory.forwardTransientBytes = y;
        memory.backwardBytes = 9 * y;
        memory.backwardTransientBytes = 2 * y;
        break;
      case "relu":
        memory.savedBytes = y;
        memory.backwardBytes = y;
        memory.backwardTransientBytes = 2 * y;
        break;
      case "pool":
        memory.savedBytes = x + y;
        memory.backwardBytes = x;
        break;
      case "flatten":
        memory.savedBytes = y;
        memory.backwardBytes = y;
        break;
      case "dense":
        // Fused matmul on 3-D views: the input and kernel each saved twice (2-D and 3-D).
        memory.savedBytes = 2 * x + 2 * kernel + y + bias;
        memory.outputBytes = x + kernel + y;
        memory.forwardTransientBytes = y;
        memory.backwardBytes = y + 2 * x + 2 * kernel + 2 * bias;
        break;
      case "dropout":
        // Uniform noise, +keep, floor, /keep, x*mask: 9 activation-sized tensors, 4 saved.
        memory.savedBytes = 4 * y;
        memory.outputBytes = 5 * y;
        memory.backwardBytes = y;
        memory.backwardTransientBytes = y;
        break;
    }
    return memory;
  });
}

/**
 * Byte sizes of a layer's trainable weight tensors: kernel and bias of conv and dense layers,
 * gamma and beta of batch norm (which also holds two untrained moving statistics).
 */
function trainableTensorBytes(layer: LayerMemory, element: number): number[] {
  if (layer.gradientBytes === 0) return [];
  if (layer.kind === "bn") {
    return [layer.gradientBytes / 2, layer.gradientBytes / 2];
  }
  const bias = layer.outputChannels * element;
  return [layer.gradientBytes - bias, bias];
}

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
