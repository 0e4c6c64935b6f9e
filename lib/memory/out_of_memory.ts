/**
 * Recognising "out of memory" on every backend, and where each backend's ceiling is. A training
 * step that does not fit must end as a result (`oom`, with the bytes it asked for), so the
 * failures of the different backends are read into one shape here.
 *
 * @example
 * ```ts
 * import { outOfMemoryOf } from "./out_of_memory.ts";
 * const oom = outOfMemoryOf(new Error(
 *   "OOM when allocating tensor with shape[64,224,224,64] and type float on GPU_0_bfc",
 * ));
 * oom?.requestedBytes; // 822_083_584
 * ```
 * @module
 */
import type { BackendName } from "../backend/select.ts";
import { WasmOutOfMemoryError } from "../backend/wasm.ts";

/** An allocation that failed: what it asked for (when the message says) and the message. */
export interface OutOfMemory {
  /** Bytes of the allocation that failed; null when the backend does not say. */
  requestedBytes: number | null;
  /** The backend's message, on one line. */
  message: string;
}

/** Where a backend runs out of memory, as far as this suite knows. */
export interface BackendCeiling {
  /** The hard limit in bytes, when there is one independent of the machine. */
  bytes: number | null;
  /** One line: what the limit is and how crossing it shows. */
  description: string;
}

/**
 * The memory ceiling of each backend (tfjs 4.22).
 *
 * @example
 * ```ts
 * import { BACKEND_MEMORY_CEILINGS } from "./out_of_memory.ts";
 * BACKEND_MEMORY_CEILINGS.wasm.bytes; // 4_294_901_760: 4 GiB less one 64 KiB page
 * ```
 */
export const BACKEND_MEMORY_CEILINGS: Readonly<
  Record<BackendName, BackendCeiling>
> = Object.freeze({
  wasm: {
    bytes: 4294901760,
    description:
      "wasm32 linear memory: emscripten's getHeapMax() in tfjs-backend-wasm " +
      "4.22 is 4 GiB less one 64 KiB page, for all tensors, XNNPACK's packed weights and " +
      "allocator slack; a failed malloc is a WasmOutOfMemoryError (lib/backend/wasm.ts)",
  },
  tensorflow: {
    bytes: null,
    description:
      "the GPU's memory less what CUDA and cuDNN reserve (TensorFlow's BFC " +
      'allocator); fails with "OOM when allocating tensor with shape[...]"',
  },
  webgpu: {
    bytes: null,
    description: "the GPU's memory in total, and per tensor the adapter's " +
      "maxStorageBufferBindingSize (128 MiB on lavapipe); a larger tensor is a validation " +
      "error that WebGPU does not throw: the op silently returns zeros",
  },
  cpu: {
    bytes: null,
    description:
      "the process' memory: tensors are JavaScript typed arrays; fails with " +
      '"Array buffer allocation failed" or the JavaScript heap limit',
  },
});

/** Messages that mean an allocation failed, with the group that holds the byte count. */
const TEXT_PATTERNS: readonly {
  pattern: RegExp;
  bytes?: (m: RegExpMatchArray) => number;
}[] = [
  {
    pattern: /could not allocate (\d+) bytes/i,
    bytes: (m) => Number(m[1]),
  },
  {
    pattern:
      /OOM when allocating tensor with shape\s*\[([\d,\s]*)\]\s*and type (\w+)/i,
    bytes: (m) => tensorBytes(m[1], m[2]),
  },
  {
    pattern: /binding \d+ range (\d+) exceeds/i,
    bytes: (m) => Number(m[1]),
  },
  {
    pattern: /buffer size \(?(\d+)\)? (?:is greater than|exceeds)/i,
    bytes: (m) => Number(m[1]),
  },
  {
    pattern:
      /out of memory|Cannot enlarge memory|Array buffer allocation failed/i,
  },
  { pattern: /heap limit|not enough memory|device (?:was )?lost/i },
];

/**
 * The out-of-memory failure `error` reports, or null when it is some other error. Knows the wasm
 * guard's {@linkcode WasmOutOfMemoryError}, TensorFlow's "OOM when allocating tensor", WebGPU's
 * buffer-size validation errors and device loss, emscripten's and V8's allocation failures.
 *
 * @example
 * ```ts
 * import { outOfMemoryOf } from "./out_of_memory.ts";
 * outOfMemoryOf(new Error("shapes do not match")); // null
 * outOfMemoryOf(new RangeError("Array buffer allocation failed"))?.requestedBytes; // null
 * ```
 */
export function outOfMemoryOf(error: unknown): OutOfMemory | null {
  if (error instanceof WasmOutOfMemoryError) {
    return { requestedBytes: error.requestedBytes, message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return outOfMemoryInText(message);
}

/**
 * The out-of-memory failure a message (e.g. a crashed process' stderr, a WebGPU device error)
 * describes, or null. The first matching line is the message.
 *
 * @example
 * ```ts
 * import { outOfMemoryInText } from "./out_of_memory.ts";
 * outOfMemoryInText("Buffer binding 0 range 240000000 exceeds `max_*_buffer_binding_size`")
 *   ?.requestedBytes; // 240_000_000
 * ```
 */
export function outOfMemoryInText(text: string): OutOfMemory | null {
  for (const { pattern, bytes } of TEXT_PATTERNS) {
    const match = text.match(pattern);
    if (!match) continue;
    const line = text.split("\n").find((l) => pattern.test(l)) ?? match[0];
    return {
      requestedBytes: bytes ? bytes(match) : null,
      message: line.trim(),
    };
  }
  return null;
}

/** Bytes of a TensorFlow tensor from its message's shape ("64,224,224,64") and type ("float"). */
function tensorBytes(shape: string, type: string): number {
  const size: Record<string, number> = {
    float: 4,
    int32: 4,
    half: 2,
    bfloat16: 2,
    double: 8,
    int64: 8,
    bool: 1,
    uint8: 1,
    int8: 1,
  };
  const elements = shape.split(",").map((d) => Number(d.trim())).filter((d) =>
    Number.isFinite(d)
  ).reduce((a, b) => a * b, 1);
  return elements * (size[type] ?? 4);
}
