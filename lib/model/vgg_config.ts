/**
 * What a VGG network looks like: the variant's conv stack (configurations A/B/D/E of Simonyan &
 * Zisserman, 2015), widths, classifier head and seed, with defaults and one-line validation.
 *
 * @example
 * ```ts
 * import { resolveVggConfig } from "./vgg_config.ts";
 * const config = resolveVggConfig({ variant: "vgg11", inputSize: 32, denseWidth: 512 });
 * config.denseLayers; // 2 (the default)
 * ```
 * @module
 */
import { ConfigError } from "../util/errors.ts";

/** The conv stacks of the paper: vgg11 = A, vgg13 = B, vgg16 = D, vgg19 = E. */
export type VggVariant = "vgg11" | "vgg13" | "vgg16" | "vgg19";

/**
 * Everything that determines a VGG network's layers and initial weights.
 *
 * @example
 * ```ts
 * import { DEFAULT_VGG_CONFIG, type VggConfig } from "./vgg_config.ts";
 * const cifar: VggConfig = { ...DEFAULT_VGG_CONFIG, inputSize: 32, denseWidth: 512 };
 * ```
 */
export interface VggConfig {
  /** Which conv stack. */
  variant: VggVariant;
  /** Scales every conv layer's channels: `round(c * widthMultiplier)`, each must stay >= 1. */
  widthMultiplier: number;
  /** Units per hidden dense layer; any positive integer. */
  denseWidth: number;
  /** Hidden dense layers (Dense + ReLU + Dropout) between the conv stack and the classifier. */
  denseLayers: number;
  /** Dropout rate after each hidden dense layer, in [0, 1); 0 leaves the dropout layers out. */
  dropout: number;
  /** Conv -> BatchNorm -> ReLU when true, Conv -> ReLU when false. */
  batchNorm: boolean;
  /** Side of the square RGB input; a multiple of 32 (five 2x2 poolings) and at least 32. */
  inputSize: number;
  /** Number of classes, i.e. of output logits. */
  numClasses: number;
  /** Seed of the weight initialisation: an integer in [0, 2^32). */
  seed: number;
}

/**
 * The paper's ImageNet network shape (vgg16, 224x224 input, two 4096-unit dense layers with
 * dropout 0.5), with CIFAR-10's 10 classes.
 *
 * @example
 * ```ts
 * import { DEFAULT_VGG_CONFIG } from "./vgg_config.ts";
 * DEFAULT_VGG_CONFIG.denseWidth; // 4096
 * ```
 */
export const DEFAULT_VGG_CONFIG: Readonly<VggConfig> = Object.freeze({
  variant: "vgg16",
  widthMultiplier: 1,
  denseWidth: 4096,
  denseLayers: 2,
  dropout: 0.5,
  batchNorm: false,
  inputSize: 224,
  numClasses: 10,
  seed: 0,
});

/**
 * The variants, in order of depth.
 *
 * @example
 * ```ts
 * import { VGG_VARIANTS } from "./vgg_config.ts";
 * VGG_VARIANTS.includes("vgg19"); // true
 * ```
 */
export const VGG_VARIANTS: readonly VggVariant[] = Object.freeze([
  "vgg11",
  "vgg13",
  "vgg16",
  "vgg19",
]);

/**
 * Channels of each of the five conv blocks at width multiplier 1; every block ends in a 2x2 max
 * pooling.
 *
 * @example
 * ```ts
 * import { VGG_BLOCK_CHANNELS } from "./vgg_config.ts";
 * VGG_BLOCK_CHANNELS[4]; // 512
 * ```
 */
export const VGG_BLOCK_CHANNELS: readonly number[] = Object.freeze([
  64,
  128,
  256,
  512,
  512,
]);

/**
 * Conv layers in each of the five blocks, per variant.
 *
 * @example
 * ```ts
 * import { VGG_BLOCK_DEPTHS } from "./vgg_config.ts";
 * VGG_BLOCK_DEPTHS.vgg16; // [2, 2, 3, 3, 3]: 13 conv layers
 * ```
 */
export const VGG_BLOCK_DEPTHS: Readonly<Record<VggVariant, readonly number[]>> =
  Object.freeze({
    vgg11: Object.freeze([1, 1, 2, 2, 2]),
    vgg13: Object.freeze([2, 2, 2, 2, 2]),
    vgg16: Object.freeze([2, 2, 3, 3, 3]),
    vgg19: Object.freeze([2, 2, 4, 4, 4]),
  });

/** One conv layer of the stack: its readable name ("conv3_2"), block (1-5) and output channels. */
export interface VggConvLayer {
  /** `conv<block>_<index in block>`, both counted from 1. */
  name: string;
  /** Conv block, 1 to 5; block b ends in the pooling layer `pool<b>`. */
  block: number;
  /** Output channels after the width multiplier. */
  channels: number;
}

/**
 * The conv layers of `config`'s stack with the width multiplier applied, in order.
 *
 * @example
 * ```ts
 * import { resolveVggConfig, vggConvLayers } from "./vgg_config.ts";
 * const layers = vggConvLayers(resolveVggConfig({ variant: "vgg11", widthMultiplier: 0.5 }));
 * layers[0]; // { name: "conv1_1", block: 1, channels: 32 }
 * ```
 */
export function vggConvLayers(
  config: Pick<VggConfig, "variant" | "widthMultiplier">,
): VggConvLayer[] {
  const layers: VggConvLayer[] = [];
  VGG_BLOCK_DEPTHS[config.variant].forEach((depth, blockIndex) => {
    const channels = Math.round(
      VGG_BLOCK_CHANNELS[blockIndex] * config.widthMultiplier,
    );
    for (let i = 1; i <= depth; i++) {
      layers.push({
        name: `conv${blockIndex + 1}_${i}`,
        block: blockIndex + 1,
        channels,
      });
    }
  });
  return layers;
}

const CONFIG_KEYS = Object.keys(DEFAULT_VGG_CONFIG) as (keyof VggConfig)[];
const MAX_SEED = 2 ** 32 - 1;

/**
 * Fills the missing fields of `partial` from {@linkcode DEFAULT_VGG_CONFIG} and validates the
 * result, so that every later step can trust it.
 *
 * @throws {ConfigError} one line naming the bad field: an unknown field or variant, a width
 * multiplier that leaves a conv layer with 0 channels, an input side that is not a multiple of
 * 32 of at least 32, a dense width, dense layer count or class count that is not a positive
 * integer (dense layers may be 0; classes must be at least 2), a dropout rate outside [0, 1), or a
 * seed that is not an integer in [0, 2^32).
 *
 * @example
 * ```ts
 * import { resolveVggConfig } from "./vgg_config.ts";
 * resolveVggConfig({ variant: "vgg13", batchNorm: true }).inputSize; // 224
 * resolveVggConfig({ variant: "vgg12" as never }); // throws ConfigError: unknown VGG variant ...
 * ```
 */
export function resolveVggConfig(partial: Partial<VggConfig> = {}): VggConfig {
  if (partial === null || typeof partial !== "object") {
    throw new ConfigError(
      `VGG config must be an object, got ${describe(partial)}`,
    );
  }
  for (const key of Object.keys(partial)) {
    if (!CONFIG_KEYS.includes(key as keyof VggConfig)) {
      throw new ConfigError(
        `unknown VGG config field "${key}" (valid: ${CONFIG_KEYS.join(", ")})`,
      );
    }
  }
  const config: VggConfig = { ...DEFAULT_VGG_CONFIG };
  for (const key of CONFIG_KEYS) {
    if (partial[key] !== undefined) {
      (config as unknown as Record<string, unknown>)[key] = partial[key];
    }
  }

  if (!VGG_VARIANTS.includes(config.variant)) {
    throw new ConfigError(
      `unknown VGG variant ${describe(config.variant)} (valid: ${
        VGG_VARIANTS.join(", ")
      })`,
    );
  }
  if (!isFiniteNumber(config.widthMultiplier) || config.widthMultiplier <= 0) {
    throw new ConfigError(
      `widthMultiplier must be a positive number, got ${
        describe(config.widthMultiplier)
      }`,
    );
  }
  const emptyLayer = vggConvLayers(config).find((layer) => layer.channels < 1);
  if (emptyLayer) {
    const base = VGG_BLOCK_CHANNELS[emptyLayer.block - 1];
    throw new ConfigError(
      `widthMultiplier ${config.widthMultiplier} leaves ${emptyLayer.name} with 0 channels ` +
        `(round(${base} x ${config.widthMultiplier}) = 0); use at least ${
          0.5 / base
        }`,
    );
  }
  requireInteger("denseWidth", config.denseWidth, 1);
  requireInteger("denseLayers", config.denseLayers, 0);
  if (
    !isFiniteNumber(config.dropout) || config.dropout < 0 || config.dropout >= 1
  ) {
    throw new ConfigError(
      `dropout must be in [0, 1), got ${describe(config.dropout)}`,
    );
  }
  if (typeof config.batchNorm !== "boolean") {
    throw new ConfigError(
      `batchNorm must be true or false, got ${describe(config.batchNorm)}`,
    );
  }
  if (
    !Number.isSafeInteger(config.inputSize) || config.inputSize < 32 ||
    config.inputSize % 32 !== 0
  ) {
    throw new ConfigError(
      `inputSize must be a multiple of 32 and at least 32 (five 2x2 poolings), ` +
        `got ${describe(config.inputSize)}`,
    );
  }
  requireInteger("numClasses", config.numClasses, 2);
  if (
    !Number.isInteger(config.seed) || config.seed < 0 || config.seed > MAX_SEED
  ) {
    throw new ConfigError(
      `seed must be an integer in [0, ${MAX_SEED}], got ${
        describe(config.seed)
      }`,
    );
  }
  return config;
}

function requireInteger(field: string, value: unknown, min: number): void {
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    const kind = min === 0
      ? "a non-negative integer"
      : min === 1
      ? "a positive integer"
      : `an integer >= ${min}`;
    throw new ConfigError(`${field} must be ${kind}, got ${describe(value)}`);
  }
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
