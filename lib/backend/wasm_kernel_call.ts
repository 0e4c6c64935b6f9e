/**
 * Calls tfjs-backend-wasm's own kernels from inside another wasm kernel, on `TensorInfo`s (no
 * engine tensors, so nothing is tracked, taped or leaked behind the caller's back). The training
 * kernels in this folder are compositions of these calls.
 *
 * The built-in kernels are captured when this module loads, before the training kernels replace
 * some of them, so a replacement can still delegate to the kernel it replaced.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { initWasm } from "./wasm.ts";
 * import { callWasmKernel, releaseTensorInfos, wasmBackend } from "./wasm_kernel_call.ts";
 * await initWasm();
 * const x = tf.ones([2, 3]);
 * const backend = wasmBackend();
 * const xT = callWasmKernel(backend, "Transpose", { x }, { perm: [1, 0] });
 * console.log(xT.shape); // [3, 2]
 * releaseTensorInfos(backend, xT);
 * x.dispose();
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
// Imported for its side effect too: it registers the built-in kernels captured below.
import "@tensorflow/tfjs-backend-wasm";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** The arguments tfjs passes to a wasm kernel function. */
export interface WasmKernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: BackendWasm;
  attrs?: tf.NamedAttrMap;
}

/** The wasm backend's kernels as registered by tfjs-backend-wasm itself. */
const builtinKernels = new Map<string, tf.KernelConfig>(
  tf.getKernelsForBackend("wasm").map((config) => [config.kernelName, config]),
);

/**
 * The kernel tfjs-backend-wasm registered under `kernelName`, even after a training kernel has
 * replaced it.
 *
 * @example
 * ```ts
 * import { builtinWasmKernel } from "./wasm_kernel_call.ts";
 * console.log(builtinWasmKernel("Conv2D").backendName); // "wasm"
 * ```
 */
export function builtinWasmKernel(kernelName: string): tf.KernelConfig {
  const config = builtinKernels.get(kernelName);
  if (config === undefined) {
    throw new Error(`tfjs-backend-wasm has no built-in kernel ${kernelName}`);
  }
  return config;
}

/**
 * Runs the built-in wasm kernel `kernelName` and returns its output, which the caller owns and
 * must hand to {@linkcode releaseTensorInfos} or return from its own kernel.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { initWasm } from "./wasm.ts";
 * import { callWasmKernel, releaseTensorInfos, wasmBackend } from "./wasm_kernel_call.ts";
 * await initWasm();
 * const backend = wasmBackend();
 * const a = tf.ones([2, 3]);
 * const y = callWasmKernel(backend, "Reshape", { x: a }, { shape: [3, 2] });
 * releaseTensorInfos(backend, y);
 * a.dispose();
 * ```
 */
export function callWasmKernel(
  backend: BackendWasm,
  kernelName: string,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const kernelFunc = builtinWasmKernel(kernelName).kernelFunc;
  return kernelFunc({ inputs, backend, attrs }) as tf.TensorInfo;
}

/**
 * Releases intermediate outputs of {@linkcode callWasmKernel} (drops one reference to each
 * buffer; a buffer shared by a reshape stays alive while another reference holds it).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { initWasm } from "./wasm.ts";
 * import { callWasmKernel, releaseTensorInfos, wasmBackend } from "./wasm_kernel_call.ts";
 * await initWasm();
 * const backend = wasmBackend();
 * const x = tf.ones([4]);
 * const doubled = callWasmKernel(backend, "Add", { a: x, b: x });
 * releaseTensorInfos(backend, doubled);
 * x.dispose();
 * ```
 */
export function releaseTensorInfos(
  backend: BackendWasm,
  ...infos: tf.TensorInfo[]
): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/**
 * A float32 view of a tensor's data on the wasm heap. Valid only until the next allocation
 * (the heap may grow and move), so use it at once.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { initWasm } from "./wasm.ts";
 * import { heapFloats, wasmBackend } from "./wasm_kernel_call.ts";
 * await initWasm();
 * const x = tf.tensor1d([1, 2]);
 * console.log(heapFloats(wasmBackend(), x)); // Float32Array [1, 2]
 * x.dispose();
 * ```
 */
export function heapFloats(
  backend: BackendWasm,
  info: tf.TensorInfo,
): Float32Array {
  if (info.dtype !== "float32") {
    throw new Error(`expected a float32 tensor, got ${info.dtype}`);
  }
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/**
 * The active wasm backend; throws when wasm is not the active backend.
 *
 * @example
 * ```ts
 * import { initWasm } from "./wasm.ts";
 * import { wasmBackend } from "./wasm_kernel_call.ts";
 * await initWasm();
 * console.log(wasmBackend().floatPrecision()); // 32
 * ```
 */
export function wasmBackend(): BackendWasm {
  if (tf.getBackend() !== "wasm") {
    throw new Error(`the active tfjs backend is ${tf.getBackend()}, not wasm`);
  }
  return tf.backend() as BackendWasm;
}
