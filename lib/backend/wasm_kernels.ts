/**
 * Registers the kernels that make tfjs-backend-wasm 4.22 train conv nets fast and correctly:
 *
 * - Conv2DBackpropFilter (missing) and Conv2DBackpropInput (slow), on XNNPACK convolutions;
 * - MaxPoolGrad (the built-in one is wrong for windows whose values are all <= 0);
 * - BatchMatMul with transpose flags routed to XNNPACK;
 * - Sum over leading axes (a bias gradient) as one XNNPACK average pool;
 * - Identity sharing the input's buffer instead of copying it (the gradient tape clones every
 *   saved input, which on wasm is a full copy of, e.g., every dense weight matrix).
 *
 * @example
 * ```ts
 * import { registerWasmTrainingKernels } from "./wasm_kernels.ts";
 * registerWasmTrainingKernels();
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
} from "./wasm_conv_grad.ts";
import { maxPoolGradConfig } from "./wasm_max_pool_grad.ts";
import { batchMatMulConfig } from "./wasm_matmul.ts";
import {
  builtinWasmKernel,
  callWasmKernel,
  heapFloats,
  releaseTensorInfos,
  type WasmKernelArgs,
} from "./wasm_kernel_call.ts";

function identity(
  { inputs, backend }: WasmKernelArgs,
): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  // Tensors are immutable on this backend (every kernel writes a fresh output), so sharing the
  // buffer under a second reference is safe; Reshape does the same.
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/** Identity that shares the input's buffer. */
const identityConfig: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: "wasm",
  kernelFunc: identity as tf.KernelFunc,
};

/** Whether `axes` are exactly the leading `axes.length` axes (in any order, no repeats). */
function isLeadingAxes(axes: number[]): boolean {
  const sorted = [...axes].sort((p, q) => p - q);
  return sorted.every((axis, i) => axis === i);
}

function sum(args: WasmKernelArgs): tf.TensorInfo {
  const { inputs, backend: wasm, attrs } = args;
  const { x } = inputs as { x: tf.TensorInfo };
  const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
  const axes = tf.util.parseAxisParam(axis, x.shape);
  const rows = tf.util.sizeFromShape(axes.map((a) => x.shape[a]));
  const columns = tf.util.sizeFromShape(x.shape) / rows;
  if (
    x.dtype !== "float32" || axes.length === 0 || !isLeadingAxes(axes) ||
    rows < 2 || !columns
  ) {
    return builtinWasmKernel("Sum").kernelFunc(args) as tf.TensorInfo;
  }
  // A sum over the leading axes is a column sum of a [rows, columns] matrix: one average pool
  // over a [1, rows, 1, columns] image, times rows. The built-in Sum transposes first.
  const image = callWasmKernel(wasm, "Reshape", { x }, {
    shape: [1, rows, 1, columns],
  });
  const mean = callWasmKernel(wasm, "AvgPool", { x: image }, {
    filterSize: [rows, 1],
    strides: [rows, 1],
    pad: "valid",
  });
  releaseTensorInfos(wasm, image);
  const values = heapFloats(wasm, mean);
  for (let i = 0; i < values.length; i++) values[i] *= rows;
  const outShape = keepDims
    ? x.shape.map((extent, i) => (axes.includes(i) ? 1 : extent))
    : x.shape.slice(axes.length);
  mean.shape = outShape;
  return mean;
}

/** Sum with a fast path for reductions over leading axes (bias gradients). */
const sumConfig: tf.KernelConfig = {
  kernelName: tf.Sum,
  backendName: "wasm",
  setupFunc: builtinWasmKernel("Sum").setupFunc,
  kernelFunc: sum as tf.KernelFunc,
};

/** The kernels {@linkcode registerWasmTrainingKernels} installs, by kernel name. */
export const wasmTrainingKernels: readonly tf.KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  maxPoolGradConfig,
  batchMatMulConfig,
  sumConfig,
  identityConfig,
];

/**
 * Registers {@linkcode wasmTrainingKernels} for the "wasm" backend, replacing the built-in kernels
 * of the same names. Idempotent. Works before or after the backend is initialised.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { registerWasmTrainingKernels } from "./wasm_kernels.ts";
 * registerWasmTrainingKernels();
 * console.log(tf.getKernel("Conv2DBackpropFilter", "wasm") !== undefined); // true
 * ```
 */
export function registerWasmTrainingKernels(): void {
  for (const config of wasmTrainingKernels) {
    const registered = tf.getKernel(config.kernelName, "wasm");
    if (registered === config) continue;
    if (registered !== undefined) {
      tf.unregisterKernel(config.kernelName, "wasm");
    }
    tf.registerKernel(config);
  }
}
