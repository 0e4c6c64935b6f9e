/**
 * A least-squares line through (x, y) points, and how far the points stray from it: the check
 * that measured memory grows affinely with the batch size (a fixed part for weights, gradients
 * and optimizer slots, plus a part per image).
 *
 * @example
 * ```ts
 * import { fitAffine } from "./affine.ts";
 * const fit = fitAffine([[2, 120], [4, 140], [8, 180]]);
 * fit.slope; // 10: bytes per image
 * fit.intercept; // 100: bytes that do not depend on the batch
 * ```
 * @module
 */
import { ConfigError } from "../util/errors.ts";

/** The fitted line and the worst deviation from it. */
export interface AffineFit {
  /** dy/dx: here, bytes per image. */
  slope: number;
  /** y at x = 0: here, the bytes that do not depend on the batch. */
  intercept: number;
  /** Coefficient of determination (1 = all points on the line). */
  rSquared: number;
  /** Largest |y - line(x)| / y over the points. */
  maxRelativeResidual: number;
}

/**
 * Fits y = slope * x + intercept to `points` by least squares.
 *
 * @throws {ConfigError} with fewer than two distinct x values.
 *
 * @example
 * ```ts
 * import { fitAffine } from "./affine.ts";
 * fitAffine([[1, 5], [2, 7], [3, 9]]).rSquared; // 1: on the line
 * ```
 */
export function fitAffine(
  points: readonly (readonly [number, number])[],
): AffineFit {
  const n = points.length;
  const meanX = points.reduce((s, [x]) => s + x, 0) / n;
  const meanY = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const [x, y] of points) {
    sxx += (x - meanX) ** 2;
    sxy += (x - meanX) * (y - meanY);
    syy += (y - meanY) ** 2;
  }
  if (n < 2 || sxx === 0) {
    throw new ConfigError(
      `an affine fit needs at least two distinct x values, got ${n} point(s)`,
    );
  }
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  const residuals = points.map(([x, y]) => y - (slope * x + intercept));
  const sse = residuals.reduce((s, r) => s + r * r, 0);
  return {
    slope,
    intercept,
    rSquared: syy === 0 ? 1 : 1 - sse / syy,
    maxRelativeResidual: Math.max(
      ...points.map(([, y], i) => Math.abs(residuals[i]) / Math.abs(y || 1)),
    ),
  };
}
