/**
 * Starts TensorFlow.js on the WebAssembly backend, ready to train conv nets: points tfjs at the
 * `.wasm` binaries in node_modules, registers the training kernels that tfjs-backend-wasm lacks or
 * gets wrong ({@linkcode registerWasmTrainingKernels}), and turns a failed heap allocation into a
 * catchable {@linkcode WasmOutOfMemoryError} instead of silent memory corruption.
 *
 * Runs on Deno and Node.
 *
 * @example
 * ```ts
 * import { initWasm } from "./wasm.ts";
 * const info = await initWasm();
 * console.log(`wasm ${info.version}, simd ${info.simd}, ${info.threads} thread(s)`);
 * ```
 * @module
 */
import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import {
  type BackendWasm,
  getThreadsCount,
  setThreadsCount,
  setWasmPaths,
  version_wasm,
} from "@tensorflow/tfjs-backend-wasm";
import { ConfigError, SuiteError } from "../util/errors.ts";
import { registerWasmTrainingKernels } from "./wasm_kernels.ts";

export { registerWasmTrainingKernels };

/** What {@linkcode initWasm} started. */
export interface WasmInfo {
  /** tfjs-backend-wasm version, e.g. "4.22.0". */
  version: string;
  /** Whether the SIMD binary was loaded. */
  simd: boolean;
  /** Threads XNNPACK computes with (1 on Deno and Node with stock tfjs 4.22). */
  threads: number;
  /** Largest the wasm heap can grow to (wasm32: just under 4 GiB). */
  heapLimitBytes: number;
}

/** Options of {@linkcode initWasm}. */
export interface InitWasmOptions {
  /**
   * Threads for XNNPACK's pool. tfjs 4.22 loads the single-threaded binary under Deno and Node,
   * so more than 1 only takes effect where tfjs supports threads. Default: tfjs' own choice.
   */
  threads?: number;
}

/**
 * A wasm heap allocation failed: the model, batch or image size needs more than the wasm32 heap
 * (4 GiB) holds. Thrown instead of tfjs' default of writing the tensor at address 0.
 *
 * @example
 * ```ts
 * import { WasmOutOfMemoryError } from "./wasm.ts";
 * try {
 *   // ... a training step ...
 * } catch (error) {
 *   if (error instanceof WasmOutOfMemoryError) console.error(`needs ${error.requestedBytes} B`);
 * }
 * ```
 */
export class WasmOutOfMemoryError extends SuiteError {
  /** Bytes the failed allocation asked for. */
  readonly requestedBytes: number;

  constructor(requestedBytes: number, heapBytes: number) {
    super(
      `wasm out of memory: could not allocate ${requestedBytes} bytes ` +
        `(heap ${heapBytes} bytes, limit ${WASM_HEAP_LIMIT_BYTES} bytes); ` +
        `use a smaller batch, width or image size`,
    );
    this.requestedBytes = requestedBytes;
  }
}

/** emscripten's getHeapMax() in tfjs-backend-wasm 4.22: 4 GiB less one 64 KiB page. */
const WASM_HEAP_LIMIT_BYTES = 4294901760;

/**
 * The subset of the emscripten module of tfjs-backend-wasm this file touches.
 * `_malloc` is what every tensor allocation goes through.
 */
interface WasmModule {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPU8: Uint8Array;
}

const guardedModules = new WeakSet<object>();

/**
 * Initialises the wasm backend and makes it the active tfjs backend. Safe to call again: later
 * calls return the same info without re-initialising.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { initWasm } from "./wasm.ts";
 * await initWasm();
 * console.log(tf.getBackend()); // "wasm"
 * ```
 */
export async function initWasm(
  options: InitWasmOptions = {},
): Promise<WasmInfo> {
  const { threads } = options;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    throw new ConfigError(
      `wasm threads must be an integer >= 1, got ${threads}`,
    );
  }
  if (tf.findBackend("wasm") === null) {
    setWasmPaths(wasmBinaryDirectory());
    if (threads !== undefined) setThreadsCount(threads);
  }
  if (!(await tf.setBackend("wasm"))) {
    throw new SuiteError(
      "could not initialise the tfjs wasm backend (see the warning above)",
    );
  }
  registerWasmTrainingKernels();
  const module = (tf.backend() as BackendWasm).wasm as unknown as WasmModule;
  guardMalloc(module);
  return {
    version: version_wasm,
    simd: await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT") as boolean,
    threads: getThreadsCount(),
    heapLimitBytes: WASM_HEAP_LIMIT_BYTES,
  };
}

/** The folder holding tfjs-backend-wasm's `.wasm` files, with a trailing separator. */
function wasmBinaryDirectory(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve("@tensorflow/tfjs-backend-wasm");
  return path.dirname(entry) + path.sep;
}

/**
 * Wraps `_malloc` so a failed allocation throws instead of handing tfjs memory that is not there.
 * When the heap cannot grow, this build's malloc returns 0 (tfjs then writes the tensor over
 * address 0, corrupting live tensors) or, past 2 GiB, a block that runs off the end of the heap.
 * Both are caught here. The backend's bookkeeping is untouched by the throw (tfjs records a buffer
 * only after `_malloc` returns). A block that ran off the heap is not freed: handing it back would
 * return memory that does not exist to the allocator.
 */
function guardMalloc(module: WasmModule): void {
  if (guardedModules.has(module)) return;
  // emscripten's first `_malloc` call replaces the property with the raw export; call it once so
  // the wrapper below is not overwritten.
  module._free(module._malloc(0));
  const malloc = module._malloc;
  module._malloc = (bytes: number): number => {
    // malloc takes a 32-bit size: a larger request would wrap around and "succeed" too small.
    const pointer = bytes > WASM_HEAP_LIMIT_BYTES ? 0 : malloc(bytes) >>> 0;
    if (
      bytes > 0 && (pointer === 0 || pointer + bytes > module.HEAPU8.length)
    ) {
      throw new WasmOutOfMemoryError(bytes, module.HEAPU8.length);
    }
    return pointer;
  };
  guardedModules.add(module);
}
