/**
 * Per-channel pixel statistics (mean and population standard deviation on the 0..1 scale),
 * computed from the data rather than hard-coded, and cached per version of the training files.
 *
 * @example
 * ```ts
 * import { cachedChannelStats } from "./stats.ts";
 * import { loadCifar10 } from "./cifar10.ts";
 * const data = await loadCifar10("data/cifar-10-batches-bin");
 * const { mean, std } = await cachedChannelStats(data); // mean ≈ [0.4914, 0.4822, 0.4465]
 * ```
 * @module
 */
import path from "node:path";
import { cachedValue, type CacheOptions, filesIdentity } from "./cache.ts";
import {
  CHANNELS,
  type CifarSplit,
  PLANE_BYTES,
  TRAIN_FILES,
} from "./cifar10.ts";
import type { Normalization } from "./normalize.ts";
import { DataError } from "../util/errors.ts";

/** Per-channel statistics in R, G, B order, on the 0..1 scale. */
export interface ChannelStats extends Normalization {
  /** Mean of each channel. */
  mean: [number, number, number];
  /** Population standard deviation of each channel. */
  std: [number, number, number];
}

/**
 * Mean and population standard deviation of each channel over every pixel of `split`,
 * computed exactly from per-channel histograms.
 *
 * @example
 * ```ts
 * import { channelStats } from "./stats.ts";
 * import { parseCifarRecords, RECORD_BYTES } from "./cifar10.ts";
 * channelStats(parseCifarRecords(new Uint8Array(RECORD_BYTES), "black.bin")).mean; // [0, 0, 0]
 * ```
 */
export function channelStats(split: CifarSplit): ChannelStats {
  if (split.count === 0) {
    throw new DataError("channel statistics of an empty split are undefined");
  }
  const histograms = [
    new Float64Array(256),
    new Float64Array(256),
    new Float64Array(256),
  ];
  const { images } = split;
  for (let start = 0; start < images.length; start += PLANE_BYTES) {
    const histogram = histograms[(start / PLANE_BYTES) % CHANNELS];
    const end = start + PLANE_BYTES;
    for (let p = start; p < end; p++) histogram[images[p]]++;
  }
  const pixels = split.count * PLANE_BYTES;
  const mean: number[] = [];
  const std: number[] = [];
  for (const histogram of histograms) {
    let sum = 0;
    let sumSquares = 0;
    for (let v = 0; v < 256; v++) {
      sum += histogram[v] * v;
      sumSquares += histogram[v] * v * v;
    }
    const m = sum / pixels;
    mean.push(m / 255);
    std.push(Math.sqrt(Math.max(0, sumSquares / pixels - m * m)) / 255);
  }
  return {
    mean: mean as ChannelStats["mean"],
    std: std as ChannelStats["std"],
  };
}

/**
 * {@linkcode channelStats} of the training split, cached in memory and on disk under the
 * identity of `dir`'s training files (see cache.ts), so later runs skip the pass over the data.
 *
 * @example
 * ```ts
 * import { cachedChannelStats } from "./stats.ts";
 * import { loadCifar10 } from "./cifar10.ts";
 * const stats = await cachedChannelStats(await loadCifar10("data/cifar-10-batches-bin"));
 * ```
 */
export async function cachedChannelStats(
  data: { dir: string; train: CifarSplit },
  options: Omit<CacheOptions, "validate"> = {},
): Promise<ChannelStats> {
  const key = await filesIdentity(
    TRAIN_FILES.map((name) => path.join(data.dir, name)),
  );
  return cachedValue("channel-stats", key, () => channelStats(data.train), {
    ...options,
    validate: isChannelStats,
  });
}

function isChannelStats(value: unknown): boolean {
  const v = value as ChannelStats | null;
  const triple = (a: unknown) =>
    Array.isArray(a) && a.length === CHANNELS &&
    a.every((x) => Number.isFinite(x));
  return triple(v?.mean) && triple(v?.std);
}
