/**
 * The few statistics the report needs: means, medians, spreads, grouping runs by the value of
 * the knob they sweep, and the exponent of a power law fitted on a log-log scale.
 *
 * @example
 * ```ts
 * import { mean, powerLawExponent } from "./stats.ts";
 * mean([1, 2, 3]); // 2
 * powerLawExponent([32, 64], [1, 4]); // 2
 * ```
 * @module
 */

/**
 * Mean of the finite values; NaN when there are none.
 *
 * @example
 * ```ts
 * import { mean } from "./stats.ts";
 * mean([1, NaN, 3]); // 2
 * ```
 */
export function mean(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0
    ? NaN
    : finite.reduce((sum, v) => sum + v, 0) / finite.length;
}

/**
 * Median of the finite values; NaN when there are none.
 *
 * @example
 * ```ts
 * import { median } from "./stats.ts";
 * median([3, 1, 2, 10]); // 2.5
 * ```
 */
export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[mid]
    : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Largest minus smallest finite value: how far seeds of one setting are spread. 0 for one value,
 * NaN for none.
 *
 * @example
 * ```ts
 * import { spread } from "./stats.ts";
 * spread([0.4, 0.45, 0.41]); // 0.05 (to rounding)
 * ```
 */
export function spread(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? NaN : Math.max(...finite) - Math.min(...finite);
}

/**
 * Groups items by a numeric key, in ascending key order.
 *
 * @example
 * ```ts
 * import { groupByNumber } from "./stats.ts";
 * groupByNumber([{ v: 2 }, { v: 1 }, { v: 2 }], (x) => x.v); // [[1, [{v:1}]], [2, [{v:2},{v:2}]]]
 * ```
 */
export function groupByNumber<T>(
  items: readonly T[],
  key: (item: T) => number,
): [number, T[]][] {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b);
}

/**
 * The exponent k of the least-squares fit y = c·x^k on log-log axes; NaN with fewer than two
 * distinct positive x values. Time per epoch against input side gives k ≈ 2 when cost is
 * quadratic in the side.
 *
 * @example
 * ```ts
 * import { powerLawExponent } from "./stats.ts";
 * powerLawExponent([32, 64, 128], [1, 4, 16]); // 2
 * ```
 */
export function powerLawExponent(
  xs: readonly number[],
  ys: readonly number[],
): number {
  const points = xs.map((x, i) => [x, ys[i]])
    .filter(([x, y]) => x > 0 && y > 0 && Number.isFinite(x * y))
    .map(([x, y]) => [Math.log(x), Math.log(y)]);
  const mx = mean(points.map(([x]) => x));
  const my = mean(points.map(([, y]) => y));
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : NaN;
}
