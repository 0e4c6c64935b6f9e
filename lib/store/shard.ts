/**
 * `--shard K/N`: a deterministic slice of a plan, so N machines (a Slurm job array, a Kubernetes
 * Indexed Job) sharing one results directory each run their part of a suite. Runs are dealt
 * round-robin in plan order: shard K gets runs K-1, K-1+N, K-1+2N, ... Every shard must be given
 * the same grids, profile and flags, so that all of them compute the same plan.
 *
 * @example
 * ```ts
 * import { parseShard, shardOf } from "./shard.ts";
 * const shard = parseShard("2/3"); // { index: 2, count: 3 }
 * shardOf(["a", "b", "c", "d", "e"], shard); // ["b", "e"]
 * ```
 * @module
 */
import { ConfigError } from "../util/errors.ts";

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Parses "K/N" with 1 <= K <= N; anything else is a one-line ConfigError.
 *
 * @example
 * ```ts
 * import { parseShard } from "./shard.ts";
 * parseShard("1/1"); // { index: 1, count: 1 }
 * parseShard("3/2"); // throws ConfigError: --shard 3/2: K must be between 1 and N
 * ```
 */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) {
    throw new ConfigError(
      `--shard must look like K/N (e.g. 2/4), got "${text}"`,
    );
  }
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) throw new ConfigError(`--shard ${text}: N must be >= 1`);
  if (index < 1 || index > count) {
    throw new ConfigError(`--shard ${text}: K must be between 1 and N`);
  }
  return { index, count };
}

/**
 * The items of `shard`, dealt round-robin in the given order.
 *
 * @example
 * ```ts
 * import { shardOf } from "./shard.ts";
 * shardOf([1, 2, 3, 4], { index: 1, count: 2 }); // [1, 3]
 * ```
 */
export function shardOf<T>(items: readonly T[], shard: Shard): T[] {
  return items.filter((_, i) => i % shard.count === shard.index - 1);
}
