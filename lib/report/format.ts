/**
 * How numbers read in the report: learning rates without float noise, accuracies as percent,
 * memory in GiB, changes with a sign.
 *
 * @example
 * ```ts
 * import { formatLr, formatPercent } from "./format.ts";
 * formatLr(0.0003); // "3e-4"
 * formatPercent(0.4127); // "41.3%"
 * ```
 * @module
 */

/**
 * A learning rate: plain decimals from 0.001 up, else scientific ("1e-4", "3.2e-5").
 *
 * @example
 * ```ts
 * import { formatLr } from "./format.ts";
 * formatLr(0.1); // "0.1"
 * formatLr(0.000316); // "3.16e-4"
 * ```
 */
export function formatLr(lr: number): string {
  if (!Number.isFinite(lr)) return "?";
  if (lr >= 1e-3 && lr < 1e4) return String(Number(lr.toPrecision(3)));
  const [mantissa, exponent] = lr.toExponential(2).split("e");
  return `${Number(mantissa)}e${Number(exponent)}`;
}

/**
 * A fraction as percent with `digits` decimals (default 1); "?" when not finite.
 *
 * @example
 * ```ts
 * import { formatPercent } from "./format.ts";
 * formatPercent(0.1); // "10.0%"
 * ```
 */
export function formatPercent(fraction: number, digits = 1): string {
  return Number.isFinite(fraction)
    ? `${(fraction * 100).toFixed(digits)}%`
    : "?";
}

/**
 * A difference of fractions in percentage points, with its sign: "+2.1 pt", "-0.4 pt".
 *
 * @example
 * ```ts
 * import { formatPoints } from "./format.ts";
 * formatPoints(-0.0123); // "-1.2 pt"
 * ```
 */
export function formatPoints(difference: number): string {
  if (!Number.isFinite(difference)) return "?";
  const value = (difference * 100).toFixed(1);
  return `${difference >= 0 && value !== "-0.0" ? "+" : ""}${
    value === "-0.0" ? "0.0" : value
  } pt`;
}

/**
 * Bytes in GiB with two decimals: "3.27 GiB".
 *
 * @example
 * ```ts
 * import { formatGiB } from "./format.ts";
 * formatGiB(4 * 1024 ** 3); // "4.00 GiB"
 * ```
 */
export function formatGiB(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1024 ** 3).toFixed(2)} GiB` : "?";
}

/**
 * A number with `digits` significant digits, without trailing zeros; "?" when not finite.
 *
 * @example
 * ```ts
 * import { formatNumber } from "./format.ts";
 * formatNumber(2.302585, 4); // "2.303"
 * ```
 */
export function formatNumber(value: number, digits = 3): string {
  return Number.isFinite(value)
    ? String(Number(value.toPrecision(digits)))
    : "?";
}

/**
 * Seconds with a unit that fits: "850 ms", "12.3 s", "4.1 min", "2.5 h".
 *
 * @example
 * ```ts
 * import { formatSeconds } from "./format.ts";
 * formatSeconds(246); // "4.1 min"
 * ```
 */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 120) return `${formatNumber(seconds, 3)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
