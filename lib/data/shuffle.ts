/**
 * Seeded, deterministic shuffling: the same seed gives the same order on every run and runtime.
 *
 * @example
 * ```ts
 * import { shuffledIndices } from "./shuffle.ts";
 * const order = shuffledIndices(50_000, 1); // a permutation of 0..49999, fixed by seed 1
 * ```
 * @module
 */
import { createRng, randomInt, type Rng } from "../util/random.ts";
import { ConfigError } from "../util/errors.ts";

/**
 * Shuffles `array` in place (Fisher-Yates) with numbers drawn from `rng`, and returns it.
 *
 * @example
 * ```ts
 * import { shuffleInPlace } from "./shuffle.ts";
 * import { createRng } from "../util/random.ts";
 * shuffleInPlace([1, 2, 3, 4], createRng(7)); // the same order for seed 7 every time
 * ```
 */
export function shuffleInPlace<
  T extends { [index: number]: unknown; length: number },
>(
  array: T,
  rng: Rng,
): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const swap = array[i];
    array[i] = array[j];
    array[j] = swap;
  }
  return array;
}

/**
 * A permutation of `0..n-1` determined by `seed`.
 *
 * @example
 * ```ts
 * import { shuffledIndices } from "./shuffle.ts";
 * shuffledIndices(5, 42); // e.g. Int32Array [3, 0, 4, 1, 2], always the same for seed 42
 * ```
 */
export function shuffledIndices(n: number, seed: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) {
    throw new ConfigError(
      `shuffle: n must be a non-negative integer, got ${n}`,
    );
  }
  if (!Number.isInteger(seed)) {
    throw new ConfigError(`shuffle: seed must be an integer, got ${seed}`);
  }
  const indices = new Int32Array(n);
  for (let i = 0; i < n; i++) indices[i] = i;
  return shuffleInPlace(indices, createRng(seed));
}
