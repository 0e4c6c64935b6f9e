/**
 * Memory budgets: a size such as `4GiB` or a GPU preset such as `gtx1050ti`, so a CPU machine can
 * replay the limit of the card a finding was made on.
 *
 * @example
 * ```ts
 * import { parseMemoryBudget } from "./budget.ts";
 * parseMemoryBudget("gtx1050ti"); // 4_294_967_296
 * parseMemoryBudget("512 MiB"); // 536_870_912
 * ```
 * @module
 */
import { ConfigError } from "../util/errors.ts";

const GIB = 2 ** 30;

/**
 * Named budgets: the memory of common GPUs. Cards sold as "8 GB" carry 8 GiB, so the `<n>gb`
 * presets are binary: `8gb` = 8 GiB, unlike the unit `8 GB` = 8 x 10^9 bytes.
 *
 * @example
 * ```ts
 * import { MEMORY_BUDGET_PRESETS } from "./budget.ts";
 * MEMORY_BUDGET_PRESETS.gtx1050ti; // 4 GiB: the seed project's card
 * ```
 */
export const MEMORY_BUDGET_PRESETS: Readonly<Record<string, number>> = Object
  .freeze({
    gtx1050ti: 4 * GIB,
    "4gb": 4 * GIB,
    "8gb": 8 * GIB,
    "16gb": 16 * GIB,
    "24gb": 24 * GIB,
  });

/** Bytes per unit; matched case-insensitively. */
const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: GIB,
  tib: 2 ** 40,
};

const SIZE = /^([+-]?[0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([a-z]*)$/i;

/**
 * Bytes of a memory budget given as text: a preset (case-insensitive, see
 * {@linkcode MEMORY_BUDGET_PRESETS}) or a positive number with an optional unit — B, KB, MB, GB,
 * TB (powers of 10) or KiB, MiB, GiB, TiB (powers of 2) — such as `4GiB`, `1.5 GB`, `6e9`.
 * Fractional bytes are rounded down.
 *
 * @throws {ConfigError} one line for text that is neither, or a size that is not above 0 bytes.
 *
 * @example
 * ```ts
 * import { parseMemoryBudget } from "./budget.ts";
 * parseMemoryBudget("4GiB"); // 4_294_967_296
 * parseMemoryBudget("8gb"); // 8_589_934_592 (the preset)
 * parseMemoryBudget("8 GB"); // 8_000_000_000 (the unit)
 * parseMemoryBudget("4 gigs"); // throws ConfigError
 * ```
 */
export function parseMemoryBudget(text: string): number {
  const trimmed = String(text).trim();
  const preset = MEMORY_BUDGET_PRESETS[trimmed.toLowerCase()];
  if (preset !== undefined) return preset;
  const match = SIZE.exec(trimmed);
  const unit = match ? UNITS[(match[2] || "b").toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new ConfigError(
      `memory budget must be a size such as 4GiB, 512MiB or 6e9, or a preset (${
        Object.keys(MEMORY_BUDGET_PRESETS).join(", ")
      }), got ${JSON.stringify(text)}`,
    );
  }
  const bytes = Math.floor(Number(match[1]) * unit);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new ConfigError(
      `memory budget must be more than 0 bytes and finite, got ${
        JSON.stringify(text)
      }`,
    );
  }
  return bytes;
}
