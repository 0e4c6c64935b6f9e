/**
 * Stratified subsets: the same number of records from every class, chosen by a seed, for quick
 * experiments on a balanced slice of the data.
 *
 * @example
 * ```ts
 * import { selectRecords, stratifiedSubset } from "./subset.ts";
 * import { loadCifar10 } from "./cifar10.ts";
 * const { train } = await loadCifar10("data/cifar-10-batches-bin");
 * const small = selectRecords(train, stratifiedSubset(train, 100, 0)); // 1,000 records
 * ```
 * @module
 */
import { type CifarSplit, IMAGE_BYTES, NUM_CLASSES } from "./cifar10.ts";
import { shuffleInPlace } from "./shuffle.ts";
import { ConfigError } from "../util/errors.ts";
import { createRng } from "../util/random.ts";

/**
 * Indices of `perClass` records of each class, chosen at random with `seed`, in ascending order.
 * Throws a {@linkcode ConfigError} when a class has fewer than `perClass` records.
 *
 * @example
 * ```ts
 * import { stratifiedSubset } from "./subset.ts";
 * import { parseCifarRecords, RECORD_BYTES } from "./cifar10.ts";
 * const split = parseCifarRecords(new Uint8Array(RECORD_BYTES * 4), "four-airplanes.bin");
 * stratifiedSubset(split, 0, 1); // Int32Array []
 * ```
 */
export function stratifiedSubset(
  split: CifarSplit,
  perClass: number,
  seed: number,
): Int32Array {
  if (!Number.isInteger(perClass) || perClass < 0) {
    throw new ConfigError(
      `subset: perClass must be a non-negative integer, got ${perClass}`,
    );
  }
  if (!Number.isInteger(seed)) {
    throw new ConfigError(`subset: seed must be an integer, got ${seed}`);
  }
  const byClass: number[][] = Array.from({ length: NUM_CLASSES }, () => []);
  for (let i = 0; i < split.count; i++) byClass[split.labels[i]].push(i);
  const rng = createRng(seed);
  const chosen: number[] = [];
  byClass.forEach((members, label) => {
    if (members.length < perClass) {
      throw new ConfigError(
        `subset: ${perClass} per class requested, but class ${label} has only ${members.length} records`,
      );
    }
    chosen.push(...shuffleInPlace(members, rng).slice(0, perClass));
  });
  return Int32Array.from(chosen).sort();
}

/**
 * A new split holding copies of the records at `indices`, in that order.
 *
 * @example
 * ```ts
 * import { selectRecords } from "./subset.ts";
 * import { parseCifarRecords, RECORD_BYTES } from "./cifar10.ts";
 * const split = parseCifarRecords(new Uint8Array(RECORD_BYTES * 4), "four.bin");
 * selectRecords(split, [3, 1]).count; // 2
 * ```
 */
export function selectRecords(
  split: CifarSplit,
  indices: ArrayLike<number>,
): CifarSplit {
  const count = indices.length;
  const images = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= split.count) {
      throw new ConfigError(
        `select: index ${i} at position ${k} is outside 0..${split.count - 1}`,
      );
    }
    labels[k] = split.labels[i];
    images.set(
      split.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES),
      k * IMAGE_BYTES,
    );
  }
  return { images, labels, count };
}
