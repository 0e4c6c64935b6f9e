/**
 * BatchMatMul for the wasm backend that always lands on XNNPACK. The built-in kernel uses XNNPACK
 * only when neither operand is transposed, and a slow loop (~1.5 GFLOP/s) otherwise, which is
 * what a dense layer's backward pass asks for (dy·Wᵀ and xᵀ·dy). Here transposes are made
 * explicit, choosing the cheapest form:
 * - aᵀ·b: transpose a (the activations, small next to the weights);
 * - a·bᵀ: whichever of transposing b, or computing (b·aᵀ)ᵀ, moves fewer elements; for dy·Wᵀ the
 *   latter transposes only the batch-sized operands, never the weight matrix;
 * - aᵀ·bᵀ = (b·a)ᵀ.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { batchMatMulConfig } from "./wasm_matmul.ts";
 * tf.registerKernel(batchMatMulConfig);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  builtinWasmKernel,
  callWasmKernel,
  releaseTensorInfos,
  type WasmKernelArgs,
} from "./wasm_kernel_call.ts";

/** Swaps the last two axes. */
function transposeInner(wasm: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  return callWasmKernel(wasm, "Transpose", { x }, { perm });
}

function matMul(
  wasm: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
): tf.TensorInfo {
  return callWasmKernel(wasm, "BatchMatMul", { a, b }, {
    transposeA: false,
    transposeB: false,
  });
}

function size(x: tf.TensorInfo): number {
  return tf.util.sizeFromShape(x.shape);
}

function batchMatMul(
  { inputs, backend: wasm, attrs }: WasmKernelArgs,
): tf.TensorInfo {
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
  if (!transposeA && !transposeB) return matMul(wasm, a, b);
  if (transposeA && !transposeB) {
    const aT = transposeInner(wasm, a);
    const product = matMul(wasm, aT, b);
    releaseTensorInfos(wasm, aT);
    return product;
  }
  if (!transposeA) {
    // a: [.., m, k], b: [.., n, k]. (b·aᵀ)ᵀ transposes a and the [m, n] output instead of b.
    const [m, k] = a.shape.slice(-2);
    const n = b.shape[b.shape.length - 2];
    const batch = Math.max(size(a), size(b)) / ((Math.max(m, n) * k) || 1);
    if (size(b) <= size(a) + batch * m * n) {
      const bT = transposeInner(wasm, b);
      const product = matMul(wasm, a, bT);
      releaseTensorInfos(wasm, bT);
      return product;
    }
    const aT = transposeInner(wasm, a);
    const productT = matMul(wasm, b, aT);
    releaseTensorInfos(wasm, aT);
    const product = transposeInner(wasm, productT);
    releaseTensorInfos(wasm, productT);
    return product;
  }
  const productT = matMul(wasm, b, a);
  const product = transposeInner(wasm, productT);
  releaseTensorInfos(wasm, productT);
  return product;
}

/**
 * BatchMatMul for the wasm backend, on XNNPACK for every combination of transpose flags.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { batchMatMulConfig } from "./wasm_matmul.ts";
 * tf.registerKernel(batchMatMulConfig);
 * ```
 */
export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: "wasm",
  setupFunc: builtinWasmKernel("BatchMatMul").setupFunc,
  kernelFunc: batchMatMul as tf.KernelFunc,
};
