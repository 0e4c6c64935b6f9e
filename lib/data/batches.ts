/**
 * Batches for training and evaluation: records are taken in a given order, and only the current
 * batch is converted to float, normalised, resized and turned into tensors, so memory stays
 * bounded by one batch whatever the input resolution. The caller disposes the tensors.
 *
 * @example
 * ```ts
 * import "@tensorflow/tfjs-backend-cpu";
 * import { batches } from "./batches.ts";
 * import { loadCifar10 } from "./cifar10.ts";
 * import { shuffledIndices } from "./shuffle.ts";
 * import { cachedChannelStats } from "./stats.ts";
 * const data = await loadCifar10("data/cifar-10-batches-bin");
 * const { mean, std } = await cachedChannelStats(data);
 * const order = shuffledIndices(data.train.count, 1);
 * for (const batch of batches(data.train, { batchSize: 128, inputSize: 64, mean, std, order })) {
 *   // ... train on batch.xs [128, 64, 64, 3] and batch.ys [128] ...
 *   batch.xs.dispose();
 *   batch.ys.dispose();
 * }
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  CHANNELS,
  type CifarSplit,
  IMAGE_BYTES,
  IMAGE_SIZE,
  NUM_CLASSES,
  PLANE_BYTES,
} from "./cifar10.ts";
import { type Normalization, normalizationTable } from "./normalize.ts";
import { RESIZE_METHODS, resizeImages, type ResizeMethod } from "./resize.ts";
import { ConfigError } from "../util/errors.ts";

/** Options of {@linkcode batches} and {@linkcode batchImages}. */
export interface BatchOptions extends Normalization {
  /** Records per batch; positive integer. */
  batchSize: number;
  /** Side of the square network input in pixels; default 32 (no resizing). */
  inputSize?: number;
  /** Interpolation used when `inputSize` is not 32; default `"bilinear"`. */
  resize?: ResizeMethod;
  /** Record indices in the order to visit them (e.g. a shuffle or subset); default all, in order. */
  order?: ArrayLike<number>;
  /** Skip a last batch smaller than `batchSize`; default false. */
  dropRemainder?: boolean;
  /** Also produce one-hot labels (`ysOneHot`); default false. */
  oneHot?: boolean;
}

/** One batch of tensors; the caller disposes them. */
export interface Batch {
  /** Normalised images, NHWC float32 `[size, inputSize, inputSize, 3]`. */
  xs: tf.Tensor4D;
  /** Sparse labels, int32 `[size]`. */
  ys: tf.Tensor1D;
  /** One-hot labels, float32 `[size, 10]`, when `oneHot` was set. */
  ysOneHot?: tf.Tensor2D;
  /** The record indices in this batch. */
  indices: Int32Array;
}

/**
 * Yields the batches of `split` visited in `options.order`. Options are checked before the first
 * batch. Tensors are created only when a batch is yielded, so stopping early leaks nothing.
 *
 * @example
 * ```ts
 * import "@tensorflow/tfjs-backend-cpu";
 * import { batches } from "./batches.ts";
 * import { parseCifarRecords, RECORD_BYTES } from "./cifar10.ts";
 * const split = parseCifarRecords(new Uint8Array(RECORD_BYTES * 10), "ten.bin");
 * const stats = { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] };
 * for (const { xs, ys } of batches(split, { batchSize: 4, ...stats })) {
 *   xs.dispose(); // shapes [4,32,32,3], [4,32,32,3], [2,32,32,3]
 *   ys.dispose();
 * }
 * ```
 */
export function batches(
  split: CifarSplit,
  options: BatchOptions,
): Generator<Batch> {
  const order = checkedOrder(split, options);
  const table = normalizationTable(options);
  const size = inputSizeOf(options);
  return generate(split, options, order, table, size);
}

function* generate(
  split: CifarSplit,
  options: BatchOptions,
  order: Int32Array,
  table: Float32Array,
  size: number,
): Generator<Batch> {
  const { batchSize } = options;
  const end = options.dropRemainder
    ? order.length - (order.length % batchSize)
    : order.length;
  for (let start = 0; start < end; start += batchSize) {
    const indices = order.slice(start, Math.min(start + batchSize, end));
    const pixels = toNhwc(
      split,
      indices,
      table,
      size,
      options.resize ?? "bilinear",
    );
    const labels = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      labels[k] = split.labels[indices[k]];
    }
    const xs = tf.tensor4d(
      pixels,
      [indices.length, size, size, CHANNELS],
      "float32",
    );
    const ys = tf.tensor1d(labels, "int32");
    const ysOneHot = options.oneHot
      ? tf.oneHot(ys, NUM_CLASSES, 1, 0, "float32") as tf.Tensor2D
      : undefined;
    yield ysOneHot ? { xs, ys, ysOneHot, indices } : { xs, ys, indices };
  }
}

/**
 * The pixels of the records at `indices` as one normalised, resized NHWC float32 array
 * (`[indices.length, inputSize, inputSize, 3]`), without creating tensors. `batchSize` and
 * `order` are ignored.
 *
 * @example
 * ```ts
 * import { batchImages } from "./batches.ts";
 * import { parseCifarRecords, RECORD_BYTES } from "./cifar10.ts";
 * const split = parseCifarRecords(new Uint8Array(RECORD_BYTES * 2), "two.bin");
 * const x = batchImages(split, [1, 0], { mean: [0, 0, 0], std: [1, 1, 1], inputSize: 64 });
 * x.length; // 2 * 64 * 64 * 3
 * ```
 */
export function batchImages(
  split: CifarSplit,
  indices: ArrayLike<number>,
  options: Omit<BatchOptions, "batchSize" | "order">,
): Float32Array {
  const order = checkedOrder(split, {
    ...options,
    batchSize: 1,
    order: indices,
  });
  return toNhwc(
    split,
    order,
    normalizationTable(options),
    inputSizeOf(options),
    options.resize ?? "bilinear",
  );
}

/** Normalises (via `table`) and, when `size` is not 32, resizes the records to NHWC floats. */
function toNhwc(
  split: CifarSplit,
  indices: Int32Array,
  table: Float32Array,
  size: number,
  method: ResizeMethod,
): Float32Array {
  const count = indices.length;
  if (size === IMAGE_SIZE) {
    // No resize: normalise straight from the planar bytes into the interleaved output.
    const out = new Float32Array(count * IMAGE_BYTES);
    for (let k = 0; k < count; k++) {
      const image = indices[k] * IMAGE_BYTES;
      for (let c = 0; c < CHANNELS; c++) {
        const plane = image + c * PLANE_BYTES;
        const offset = c * 256;
        let o = k * IMAGE_BYTES + c;
        for (let p = 0; p < PLANE_BYTES; p++, o += CHANNELS) {
          out[o] = table[offset + split.images[plane + p]];
        }
      }
    }
    return out;
  }
  // Normalising before resizing is exact (interpolation weights sum to 1) and 32x32 is cheaper.
  const planar = new Float32Array(count * IMAGE_BYTES);
  for (let k = 0; k < count; k++) {
    for (let c = 0; c < CHANNELS; c++) {
      const plane = indices[k] * IMAGE_BYTES + c * PLANE_BYTES;
      const offset = c * 256;
      const o = k * IMAGE_BYTES + c * PLANE_BYTES;
      for (let p = 0; p < PLANE_BYTES; p++) {
        planar[o + p] = table[offset + split.images[plane + p]];
      }
    }
  }
  return resizeImages(planar, {
    count,
    height: IMAGE_SIZE,
    width: IMAGE_SIZE,
    outHeight: size,
    method,
    inputLayout: "nchw",
    outputLayout: "nhwc",
  });
}

function inputSizeOf(
  options: { inputSize?: number; resize?: ResizeMethod },
): number {
  const size = options.inputSize ?? IMAGE_SIZE;
  if (!Number.isInteger(size) || size < 1) {
    throw new ConfigError(`inputSize must be a positive integer, got ${size}`);
  }
  const method = options.resize ?? "bilinear";
  if (!RESIZE_METHODS.includes(method)) {
    throw new ConfigError(
      `resize must be one of ${RESIZE_METHODS.join(", ")}, got ${method}`,
    );
  }
  return size;
}

function checkedOrder(
  split: CifarSplit,
  options: { batchSize: number; order?: ArrayLike<number> },
): Int32Array {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new ConfigError(
      `batchSize must be a positive integer, got ${options.batchSize}`,
    );
  }
  if (options.order === undefined) {
    const all = new Int32Array(split.count);
    for (let i = 0; i < split.count; i++) all[i] = i;
    return all;
  }
  const order = new Int32Array(options.order.length);
  for (let k = 0; k < order.length; k++) {
    const i = options.order[k];
    if (!Number.isInteger(i) || i < 0 || i >= split.count) {
      throw new ConfigError(
        `order: index ${i} at position ${k} is outside 0..${split.count - 1}`,
      );
    }
    order[k] = i;
  }
  return order;
}
