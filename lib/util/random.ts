/**
 * Seeded pseudo-random numbers, so that shuffles, subsets and initialisations repeat exactly
 * for the same seed on every runtime.
 *
 * @example
 * ```ts
 * import { createRng } from "./random.ts";
 * const rng = createRng(42);
 * const x = rng(); // in [0, 1), the same for seed 42 on every run
 * ```
 * @module
 */

/** A function returning uniformly distributed numbers in [0, 1). */
export type Rng = () => number;

/**
 * Mulberry32: a small, fast 32-bit generator; good enough for shuffling and sampling, and
 * identical on every JavaScript engine because it uses only 32-bit integer arithmetic.
 */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [0, n) drawn from `rng`. */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}
