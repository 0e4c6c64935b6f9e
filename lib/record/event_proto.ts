/**
 * Protobuf encoding of the two TensorBoard `Event` messages the suite writes: the file header
 * (`file_version`) and a scalar summary. Hand-written because it is a handful of varints and
 * fixed-width numbers:
 *
 * ```proto
 * message Event   { double wall_time = 1; int64 step = 2;
 *                   oneof what { string file_version = 3; Summary summary = 5; } }
 * message Summary { repeated Value value = 1; }
 * message Value   { string tag = 1; float simple_value = 2; }
 * ```
 *
 * @example
 * ```ts
 * import { encodeScalarEvent } from "./event_proto.ts";
 * const bytes = encodeScalarEvent({ wallTime: 1700000000, step: 3, tag: "loss", value: 0.5 });
 * ```
 * @module
 */

/** The `file_version` TensorBoard expects in the first event of a file. */
export const EVENT_FILE_VERSION = "brain.Event:2";

/** One scalar point: `value` of series `tag` at training `step`, logged at `wallTime`. */
export interface ScalarEvent {
  /** Seconds since the Unix epoch (fractions allowed). */
  wallTime: number;
  /** Training step (a non-negative integer). */
  step: number;
  /** Series name, e.g. "train/loss". */
  tag: string;
  /** The value; stored as a 32-bit float, as TensorBoard's `simple_value` is. */
  value: number;
}

// Field keys: (field number << 3) | wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).
const EVENT_WALL_TIME = (1 << 3) | 1;
const EVENT_STEP = (2 << 3) | 0;
const EVENT_FILE_VERSION_KEY = (3 << 3) | 2;
const EVENT_SUMMARY = (5 << 3) | 2;
const SUMMARY_VALUE = (1 << 3) | 2;
const VALUE_TAG = (1 << 3) | 2;
const VALUE_SIMPLE_VALUE = (2 << 3) | 5;

const utf8 = new TextEncoder();

/**
 * Encodes the header event every event file starts with.
 *
 * @example
 * ```ts
 * import { encodeFileVersionEvent } from "./event_proto.ts";
 * encodeFileVersionEvent(1700000000).length; // 24
 * ```
 */
export function encodeFileVersionEvent(wallTime: number): Uint8Array {
  return concat([
    [EVENT_WALL_TIME],
    float64(wallTime),
    lengthDelimited(EVENT_FILE_VERSION_KEY, utf8.encode(EVENT_FILE_VERSION)),
  ]);
}

/**
 * Encodes an event holding one scalar summary value.
 *
 * @example
 * ```ts
 * import { encodeScalarEvent } from "./event_proto.ts";
 * encodeScalarEvent({ wallTime: 1700000000.25, step: 1, tag: "acc", value: 0.9 });
 * ```
 */
export function encodeScalarEvent(event: ScalarEvent): Uint8Array {
  const value = concat([
    lengthDelimited(VALUE_TAG, utf8.encode(event.tag)),
    [VALUE_SIMPLE_VALUE],
    float32(event.value),
  ]);
  const summary = lengthDelimited(SUMMARY_VALUE, value);
  return concat([
    [EVENT_WALL_TIME],
    float64(event.wallTime),
    [EVENT_STEP],
    varint(event.step),
    lengthDelimited(EVENT_SUMMARY, summary),
  ]);
}

/** Base-128 varint of a non-negative safe integer (exact up to 2^53, beyond any step count). */
function varint(n: number): number[] {
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  bytes.push(n);
  return bytes;
}

function lengthDelimited(key: number, payload: Uint8Array): Uint8Array {
  return concat([[key], varint(payload.length), payload]);
}

function float64(x: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, x, true);
  return bytes;
}

function float32(x: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setFloat32(0, x, true);
  return bytes;
}

function concat(parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
