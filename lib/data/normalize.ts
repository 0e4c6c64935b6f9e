/**
 * Per-channel normalisation of uint8 images to float32: `(pixel / 255 - mean[c]) / std[c]`,
 * with mean and std on the 0..1 scale (see `channelStats` in stats.ts).
 *
 * @example
 * ```ts
 * import { normalizeImages } from "./normalize.ts";
 * const images = new Uint8Array(3 * 32 * 32).fill(255); // one white planar image
 * const x = normalizeImages(images, { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
 * x[0]; // 1
 * ```
 * @module
 */
import { CHANNELS, IMAGE_BYTES, PLANE_BYTES } from "./cifar10.ts";
import { ConfigError } from "../util/errors.ts";

/** Per-channel mean and standard deviation on the 0..1 scale, in R, G, B order. */
export interface Normalization {
  /** Mean of each channel. */
  mean: readonly number[];
  /** Standard deviation of each channel; positive. */
  std: readonly number[];
}

/**
 * A 3x256 table mapping each channel's byte value to its normalised float: a lookup per pixel
 * instead of a division. Validates `mean` and `std`.
 *
 * @example
 * ```ts
 * import { normalizationTable } from "./normalize.ts";
 * const table = normalizationTable({ mean: [0, 0, 0], std: [1, 1, 1] });
 * table[255]; // 1 (red channel, value 255)
 * ```
 */
export function normalizationTable({ mean, std }: Normalization): Float32Array {
  if (mean.length !== CHANNELS || !mean.every(Number.isFinite)) {
    throw new ConfigError(
      `normalize: mean must be ${CHANNELS} finite numbers, got [${mean}]`,
    );
  }
  if (
    std.length !== CHANNELS || !std.every((s) => Number.isFinite(s) && s > 0)
  ) {
    throw new ConfigError(
      `normalize: std must be ${CHANNELS} positive numbers, got [${std}]`,
    );
  }
  const table = new Float32Array(CHANNELS * 256);
  for (let c = 0; c < CHANNELS; c++) {
    for (let v = 0; v < 256; v++) {
      table[c * 256 + v] = (v / 255 - mean[c]) / std[c];
    }
  }
  return table;
}

/**
 * Normalises planar images (`[N, 3, 32, 32]` uint8, as in a `CifarSplit`) into a new
 * planar Float32Array of the same shape.
 *
 * @example
 * ```ts
 * import { normalizeImages } from "./normalize.ts";
 * const x = normalizeImages(new Uint8Array(3072), { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] });
 * x[0]; // -2
 * ```
 */
export function normalizeImages(
  images: Uint8Array,
  normalization: Normalization,
): Float32Array {
  if (images.length % IMAGE_BYTES !== 0) {
    throw new ConfigError(
      `normalize: ${images.length} bytes is not a whole number of ${IMAGE_BYTES}-byte images`,
    );
  }
  const table = normalizationTable(normalization);
  const out = new Float32Array(images.length);
  for (let start = 0; start < images.length; start += PLANE_BYTES) {
    const offset = ((start / PLANE_BYTES) % CHANNELS) * 256;
    for (let p = start; p < start + PLANE_BYTES; p++) {
      out[p] = table[offset + images[p]];
    }
  }
  return out;
}
