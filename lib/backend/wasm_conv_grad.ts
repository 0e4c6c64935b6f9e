/**
 * The two gradients of a 2-D convolution for the wasm backend, both computed as forward XNNPACK
 * convolutions (tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter at all, and its
 * Conv2DBackpropInput is a plain loop that runs ~8x slower than XNNPACK).
 *
 * - filter gradient: a convolution of transposes. With x as [Ci, H, W, N] (Ci images of N
 *   channels) and dy as a [Ho, Wo, N, Co] filter dilated by the stride, the convolution yields
 *   [Ci, kh, kw, Co], which is dW after one transpose.
 * - input gradient: dy (zero-stuffed when strided) convolved with the filter flipped in space and
 *   with in/out channels swapped, padded by k-1-pad.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { conv2DBackpropFilterConfig, conv2DBackpropInputConfig } from "./wasm_conv_grad.ts";
 * tf.registerKernel(conv2DBackpropFilterConfig);
 * tf.registerKernel(conv2DBackpropInputConfig);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import {
  callWasmKernel,
  heapFloats,
  releaseTensorInfos,
  type WasmKernelArgs,
} from "./wasm_kernel_call.ts";

type Pad = [
  [number, number],
  [number, number],
  [number, number],
  [number, number],
];

function explicitPad(
  top: number,
  bottom: number,
  left: number,
  right: number,
): Pad {
  return [[0, 0], [top, bottom], [left, right], [0, 0]];
}

function assertChannelsLast(kernelName: string, dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== "NHWC") {
    throw new Error(
      `wasm ${kernelName} supports only NHWC data, got ${dataFormat}`,
    );
  }
}

function conv2DBackpropFilter(
  { inputs, backend: wasm, attrs }: WasmKernelArgs,
): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  assertChannelsLast("Conv2DBackpropFilter", dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const {
    filterHeight: kh,
    filterWidth: kw,
    strideHeight: sh,
    strideWidth: sw,
  } = info;
  const { top, left } = info.padInfo;
  // Bottom/right padding that makes the output exactly kh x kw; rows the forward pass never read
  // (negative padding) are cut from the output instead.
  const bottom = kh + (info.outHeight - 1) * sh - info.inHeight - top;
  const right = kw + (info.outWidth - 1) * sw - info.inWidth - left;
  const xT = callWasmKernel(wasm, "Transpose", { x }, { perm: [3, 1, 2, 0] });
  const dyT = callWasmKernel(wasm, "Transpose", { x: dy }, {
    perm: [1, 2, 0, 3],
  });
  const grad = callWasmKernel(wasm, "Conv2D", { x: xT, filter: dyT }, {
    strides: [1, 1],
    pad: explicitPad(top, Math.max(0, bottom), left, Math.max(0, right)),
    dilations: [sh, sw],
    dataFormat: "NHWC",
  });
  releaseTensorInfos(wasm, xT, dyT);
  let cropped = grad;
  if (bottom < 0 || right < 0) {
    cropped = callWasmKernel(wasm, "Slice", { x: grad }, {
      begin: [0, 0, 0, 0],
      size: [info.inChannels, kh, kw, info.outChannels],
    });
    releaseTensorInfos(wasm, grad);
  }
  const dW = callWasmKernel(wasm, "Transpose", { x: cropped }, {
    perm: [1, 2, 0, 3],
  });
  releaseTensorInfos(wasm, cropped);
  return dW;
}

/**
 * The filter flipped in space with in/out channels swapped: [kh, kw, Ci, Co] ->
 * [kh, kw, Co, Ci] with out[a, b] = w[kh-1-a, kw-1-b]. Rows of [kh*kw, Ci*Co] are reversed by
 * memcpy on the heap (the wasm Reverse kernel is several times slower), then transposed.
 */
function flipFilter(wasm: BackendWasm, filter: tf.TensorInfo): tf.TensorInfo {
  const [kh, kw, ci, co] = filter.shape;
  const taps = kh * kw;
  const rowSize = ci * co;
  const reversed = wasm.makeOutput([taps, ci, co], "float32");
  const source = heapFloats(wasm, filter);
  const target = heapFloats(wasm, reversed);
  for (let tap = 0; tap < taps; tap++) {
    const from = (taps - 1 - tap) * rowSize;
    target.set(source.subarray(from, from + rowSize), tap * rowSize);
  }
  const swapped = callWasmKernel(wasm, "Transpose", { x: reversed }, {
    perm: [0, 2, 1],
  });
  releaseTensorInfos(wasm, reversed);
  swapped.shape = [kh, kw, co, ci];
  return swapped;
}

/**
 * dy with s-1 zero rows after every row and s-1 zero columns after every column (the input
 * gradient of a strided convolution is a stride-1 convolution of that).
 */
function zeroStuff(
  wasm: BackendWasm,
  dy: tf.TensorInfo,
  sh: number,
  sw: number,
): tf.TensorInfo {
  const [n, ho, wo, c] = dy.shape;
  const spread = callWasmKernel(wasm, "Reshape", { x: dy }, {
    shape: [n, ho, 1, wo, 1, c],
  });
  const padded = callWasmKernel(wasm, "PadV2", { x: spread }, {
    paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]],
    constantValue: 0,
  });
  releaseTensorInfos(wasm, spread);
  padded.shape = [n, ho * sh, wo * sw, c];
  return padded;
}

function conv2DBackpropInput(
  { inputs, backend: wasm, attrs }: WasmKernelArgs,
): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
    attrs as unknown as tf.Conv2DBackpropInputAttrs;
  assertChannelsLast("Conv2DBackpropInput", dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const {
    filterHeight: kh,
    filterWidth: kw,
    strideHeight: sh,
    strideWidth: sw,
  } = info;
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  // dy zero-stuffed spans outHeight*sh rows; pad the bottom so the output has inHeight rows.
  const bottom = info.inHeight - info.outHeight * sh + info.padInfo.top;
  const right = info.inWidth - info.outWidth * sw + info.padInfo.left;
  const stuffed = sh === 1 && sw === 1 ? dy : zeroStuff(wasm, dy, sh, sw);
  const flipped = flipFilter(wasm, filter);
  // Negative padding (explicit padding wider than the filter, or input rows the forward pass never
  // read) becomes zero padding and a crop of the surplus output rows and columns.
  const dx = callWasmKernel(wasm, "Conv2D", { x: stuffed, filter: flipped }, {
    strides: [1, 1],
    pad: explicitPad(
      Math.max(0, top),
      Math.max(0, bottom),
      Math.max(0, left),
      Math.max(0, right),
    ),
    dilations: [1, 1],
    dataFormat: "NHWC",
  });
  releaseTensorInfos(wasm, flipped);
  if (stuffed !== dy) releaseTensorInfos(wasm, stuffed);
  if (Math.min(top, bottom, left, right) >= 0) return dx;
  const cropped = callWasmKernel(wasm, "Slice", { x: dx }, {
    begin: [0, Math.max(0, -top), Math.max(0, -left), 0],
    size: inputShape,
  });
  releaseTensorInfos(wasm, dx);
  return cropped;
}

/**
 * Conv2DBackpropFilter for the wasm backend (missing from tfjs-backend-wasm 4.22).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { conv2DBackpropFilterConfig } from "./wasm_conv_grad.ts";
 * tf.registerKernel(conv2DBackpropFilterConfig);
 * ```
 */
export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: "wasm",
  kernelFunc: conv2DBackpropFilter as tf.KernelFunc,
};

/**
 * Conv2DBackpropInput for the wasm backend on XNNPACK (replaces the slow built-in one).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { conv2DBackpropInputConfig } from "./wasm_conv_grad.ts";
 * tf.registerKernel(conv2DBackpropInputConfig);
 * ```
 */
export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: "wasm",
  kernelFunc: conv2DBackpropInput as tf.KernelFunc,
};
