/**
 * Human-readable numbers for progress lines and reports.
 *
 * @example
 * ```ts
 * import { formatBytes, formatDuration } from "./format.ts";
 * formatBytes(170_498_071); // "162.6 MiB"
 * formatDuration(3725);     // "1h02m05s"
 * ```
 * @module
 */

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

/** Bytes in binary units with one decimal ("162.6 MiB"). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "?";
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** Seconds as "45s", "3m07s" or "1h02m05s"; "?" when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  if (h > 0) return `${h}h${pad(m)}m${pad(rest)}s`;
  if (m > 0) return `${m}m${pad(rest)}s`;
  return `${rest}s`;
}
