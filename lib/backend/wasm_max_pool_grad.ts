/**
 * MaxPoolGrad for the wasm backend. The built-in one starts its max search at the smallest
 * positive float, so a window whose values are all <= 0 (all zeros after a ReLU is common)
 * routes its gradient to the wrong element. This one routes each window's gradient to the first
 * element (row-major within the window) holding the window's maximum, exactly as the cpu backend
 * does, including ties.
 *
 * It is a single pass over the heap in JavaScript: cheaper than composing element-wise kernels.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { maxPoolGradConfig } from "./wasm_max_pool_grad.ts";
 * tf.registerKernel(maxPoolGradConfig);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { heapFloats, type WasmKernelArgs } from "./wasm_kernel_call.ts";

function maxPoolGrad(
  { inputs, backend: wasm, attrs }: WasmKernelArgs,
): tf.TensorInfo {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } =
    attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels: channels,
    outHeight,
    outWidth,
  } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;

  const out = wasm.makeOutput(input.shape, "float32");
  const dx = heapFloats(wasm, out);
  const x = heapFloats(wasm, input);
  const dyValues = heapFloats(wasm, dy);
  dx.fill(0);
  const best = new Float32Array(channels);
  const bestAt = new Int32Array(channels);
  const rowStride = inWidth * channels;
  let dyAt = 0;
  for (let b = 0; b < batchSize; b++) {
    const imageAt = b * inHeight * rowStride;
    for (let yR = 0; yR < outHeight; yR++) {
      const rStart = yR * strideHeight - top;
      const rFrom = Math.max(0, rStart);
      const rTo = Math.min(inHeight, rStart + filterHeight);
      for (let yC = 0; yC < outWidth; yC++) {
        const cStart = yC * strideWidth - left;
        const cFrom = Math.max(0, cStart);
        const cTo = Math.min(inWidth, cStart + filterWidth);
        best.fill(-Infinity);
        bestAt.fill(-1);
        for (let r = rFrom; r < rTo; r++) {
          for (let c = cFrom; c < cTo; c++) {
            const pixelAt = imageAt + r * rowStride + c * channels;
            for (let d = 0; d < channels; d++) {
              const value = x[pixelAt + d];
              if (value > best[d]) {
                best[d] = value;
                bestAt[d] = pixelAt + d;
              }
            }
          }
        }
        for (let d = 0; d < channels; d++) {
          if (bestAt[d] >= 0) dx[bestAt[d]] += dyValues[dyAt + d];
        }
        dyAt += channels;
      }
    }
  }
  return out;
}

/**
 * MaxPoolGrad for the wasm backend, matching the cpu backend (replaces the built-in one).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { maxPoolGradConfig } from "./wasm_max_pool_grad.ts";
 * tf.registerKernel(maxPoolGradConfig);
 * ```
 */
export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: "wasm",
  kernelFunc: maxPoolGrad as tf.KernelFunc,
};
