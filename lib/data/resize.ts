/**
 * Image resizing on Float32Arrays, matching `tf.image.resizeBilinear` / `resizeNearestNeighbor`
 * with `halfPixelCenters: true` (bilinear equals PyTorch `F.interpolate(mode="bilinear",
 * align_corners=False)`, nearest equals PyTorch `"nearest-exact"`). No antialiasing, as in both.
 *
 * Bilinear is computed separably (rows, then columns) with a float64 intermediate, the same
 * arithmetic as tfjs's kernel, so results agree to float32 rounding.
 *
 * @example
 * ```ts
 * import { resizeImages } from "./resize.ts";
 * const src = new Float32Array(2 * 3 * 32 * 32); // two planar RGB images
 * const out = resizeImages(src, { count: 2, height: 32, width: 32, outHeight: 224, outWidth: 224 });
 * out.length; // 2 * 3 * 224 * 224
 * ```
 * @module
 */
import { ConfigError } from "../util/errors.ts";

/** Interpolation method. */
export type ResizeMethod = "bilinear" | "nearest";
/** The resize methods, for validating user input. */
export const RESIZE_METHODS: readonly ResizeMethod[] = ["bilinear", "nearest"];
/** Memory layout of a batch of images: planar `[N, C, H, W]` or interleaved `[N, H, W, C]`. */
export type ImageLayout = "nchw" | "nhwc";

/** Options of {@linkcode resizeImages}. */
export interface ResizeOptions {
  /** Number of images. */
  count: number;
  /** Channels per image; default 3. */
  channels?: number;
  /** Source height in pixels. */
  height: number;
  /** Source width in pixels. */
  width: number;
  /** Output height in pixels. */
  outHeight: number;
  /** Output width in pixels; default `outHeight`. */
  outWidth?: number;
  /** Interpolation; default `"bilinear"`. */
  method?: ResizeMethod;
  /** Layout of `src`; default `"nchw"`. */
  inputLayout?: ImageLayout;
  /** Layout of the result; default `inputLayout`. */
  outputLayout?: ImageLayout;
  /** Where to write the result (length count*channels*outHeight*outWidth); default: a new array. */
  out?: Float32Array;
}

/**
 * Resizes `count` images held in `src` and returns the resized images.
 *
 * @example
 * ```ts
 * import { resizeImages } from "./resize.ts";
 * const src = Float32Array.from([0, 1, 2, 3]); // one 2x2 single-channel image
 * resizeImages(src, { count: 1, channels: 1, height: 2, width: 2, outHeight: 1 }); // [1.5]
 * ```
 */
export function resizeImages(
  src: Float32Array,
  options: ResizeOptions,
): Float32Array {
  const {
    count,
    channels = 3,
    height,
    width,
    outHeight,
    outWidth = outHeight,
    method = "bilinear",
    inputLayout = "nchw",
    outputLayout = inputLayout,
  } = options;
  for (
    const [name, value] of Object.entries({
      count,
      channels,
      height,
      width,
      outHeight,
      outWidth,
    })
  ) {
    const min = name === "count" ? 0 : 1;
    if (!Number.isInteger(value) || value < min) {
      const kind = min === 0 ? "a non-negative" : "a positive";
      throw new ConfigError(
        `resize: ${name} must be ${kind} integer, got ${value}`,
      );
    }
  }
  if (!RESIZE_METHODS.includes(method)) {
    throw new ConfigError(
      `resize: method must be one of ${
        RESIZE_METHODS.join(", ")
      }, got ${method}`,
    );
  }
  if (src.length !== count * channels * height * width) {
    throw new ConfigError(
      `resize: source has ${src.length} values, expected ${count}x${channels}x${height}x${width}`,
    );
  }
  const outLength = count * channels * outHeight * outWidth;
  const out = options.out ?? new Float32Array(outLength);
  if (out.length !== outLength) {
    throw new ConfigError(
      `resize: output has ${out.length} values, expected ${outLength}`,
    );
  }
  const srcPlane = planeAddressing(inputLayout, channels, height * width);
  const dstPlane = planeAddressing(
    outputLayout,
    channels,
    outHeight * outWidth,
  );
  const rows = sampleGrid(height, outHeight, method);
  const cols = sampleGrid(width, outWidth, method);
  const tmp = new Float64Array(height * outWidth);
  for (let n = 0; n < count; n++) {
    for (let c = 0; c < channels; c++) {
      const s = srcPlane(n, c);
      const d = dstPlane(n, c);
      if (method === "nearest") {
        nearestPlane(src, s, out, d, rows, cols, width, outWidth);
      } else {
        bilinearPlane(src, s, out, d, rows, cols, tmp, height, width, outWidth);
      }
    }
  }
  return out;
}

/** Where each output row (or column) samples the source: two neighbours and a weight. */
interface SampleGrid {
  low: Int32Array;
  high: Int32Array;
  frac: Float64Array;
}

/** Half-pixel-centre sample positions, computed as tfjs's cpu kernels do. */
function sampleGrid(
  inSize: number,
  outSize: number,
  method: ResizeMethod,
): SampleGrid {
  const ratio = inSize / outSize;
  const low = new Int32Array(outSize);
  const high = new Int32Array(outSize);
  const frac = new Float64Array(outSize);
  for (let i = 0; i < outSize; i++) {
    if (method === "nearest") {
      low[i] = Math.max(0, Math.min(inSize - 1, Math.floor(ratio * (i + 0.5))));
      high[i] = low[i];
    } else {
      const position = ratio * (i + 0.5) - 0.5;
      low[i] = Math.max(0, Math.floor(position));
      high[i] = Math.min(inSize - 1, Math.ceil(position));
      frac[i] = position - low[i];
    }
  }
  return { low, high, frac };
}

/** Maps (image, channel) to the offset of a plane's first pixel and the step between pixels. */
function planeAddressing(
  layout: ImageLayout,
  channels: number,
  pixels: number,
): (n: number, c: number) => { base: number; step: number } {
  return layout === "nchw"
    ? (n, c) => ({ base: (n * channels + c) * pixels, step: 1 })
    : (n, c) => ({ base: n * pixels * channels + c, step: channels });
}

function nearestPlane(
  src: Float32Array,
  s: { base: number; step: number },
  out: Float32Array,
  d: { base: number; step: number },
  rows: SampleGrid,
  cols: SampleGrid,
  width: number,
  outWidth: number,
): void {
  let o = d.base;
  for (let y = 0; y < rows.low.length; y++) {
    const rowBase = s.base + rows.low[y] * width * s.step;
    for (let x = 0; x < outWidth; x++, o += d.step) {
      out[o] = src[rowBase + cols.low[x] * s.step];
    }
  }
}

function bilinearPlane(
  src: Float32Array,
  s: { base: number; step: number },
  out: Float32Array,
  d: { base: number; step: number },
  rows: SampleGrid,
  cols: SampleGrid,
  tmp: Float64Array,
  height: number,
  width: number,
  outWidth: number,
): void {
  // Interpolate along each source row first; the column pass then blends two of these rows.
  for (let y = 0; y < height; y++) {
    const rowBase = s.base + y * width * s.step;
    for (let x = 0; x < outWidth; x++) {
      const left = src[rowBase + cols.low[x] * s.step];
      const right = src[rowBase + cols.high[x] * s.step];
      tmp[y * outWidth + x] = left + (right - left) * cols.frac[x];
    }
  }
  let o = d.base;
  for (let y = 0; y < rows.low.length; y++) {
    const top = rows.low[y] * outWidth;
    const bottom = rows.high[y] * outWidth;
    const f = rows.frac[y];
    for (let x = 0; x < outWidth; x++, o += d.step) {
      const t = tmp[top + x];
      out[o] = t + (tmp[bottom + x] - t) * f;
    }
  }
}
