/**
 * TFRecord framing, the container format of TensorBoard event files: each record is
 * `u64 LE length | u32 LE masked CRC32C(length bytes) | data | u32 LE masked CRC32C(data)`.
 *
 * @example
 * ```ts
 * import { frameRecord } from "./tfrecord.ts";
 * const record = frameRecord(new TextEncoder().encode("hello"));
 * record.length; // 8 + 4 + 5 + 4 = 21
 * ```
 * @module
 */
import CRC32C from "crc-32/crc32c.js";

/** Bytes a record adds around its data: length (8), length CRC (4), data CRC (4). */
export const RECORD_OVERHEAD_BYTES = 16;

const MASK_DELTA = 0xa282ead8;

/**
 * CRC32C (Castagnoli) of `bytes` as an unsigned 32-bit integer.
 *
 * @example
 * ```ts
 * import { crc32c } from "./tfrecord.ts";
 * crc32c(new TextEncoder().encode("123456789")); // 0xe3069283
 * ```
 */
export function crc32c(bytes: Uint8Array): number {
  return CRC32C.buf(bytes) >>> 0;
}

/**
 * The masked CRC TFRecord stores: rotating right by 15 bits and adding a constant keeps a CRC of
 * data that itself contains CRCs from being trivially related to them.
 *
 * @example
 * ```ts
 * import { maskCrc } from "./tfrecord.ts";
 * maskCrc(0); // 0xa282ead8
 * ```
 */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/**
 * Frames `data` as one TFRecord (length, masked CRCs of length and data).
 *
 * @example
 * ```ts
 * import { frameRecord } from "./tfrecord.ts";
 * const record = frameRecord(Uint8Array.of(1, 2, 3));
 * new DataView(record.buffer).getBigUint64(0, true); // 3n
 * ```
 */
export function frameRecord(data: Uint8Array): Uint8Array {
  const record = new Uint8Array(data.length + RECORD_OVERHEAD_BYTES);
  const view = new DataView(record.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskCrc(crc32c(record.subarray(0, 8))), true);
  record.set(data, 12);
  view.setUint32(12 + data.length, maskCrc(crc32c(data)), true);
  return record;
}
