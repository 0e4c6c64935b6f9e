/**
 * CIFAR-10 images as RGB rasters for display: one record as stored, the same record upsampled
 * the way the training pipeline does it (nearest or bilinear), pixel-replicated enlargements,
 * and tiles of many images with gaps between them.
 *
 * @example
 * ```ts
 * import { cifarImage, tileImages, upsampleImage } from "./images.ts";
 * import { encodePng } from "../util/png.ts";
 * // split: a CifarSplit from loadCifar10
 * const small = cifarImage(split, 0);
 * const big = upsampleImage(split, 0, { size: 224, method: "bilinear" });
 * const png = encodePng(tileImages([small, big], { columns: 2, gap: 4 }));
 * ```
 * @module
 */
import {
  CHANNELS,
  type CifarSplit,
  IMAGE_BYTES,
  IMAGE_SIZE,
  PLANE_BYTES,
} from "./cifar10.ts";
import { resizeImages, type ResizeMethod } from "./resize.ts";
import { ConfigError } from "../util/errors.ts";
import type { RgbImage } from "../util/png.ts";

/**
 * Record `index` of `split` as a 32x32 RGB raster, exactly as stored.
 *
 * @example
 * ```ts
 * import { parseCifarRecords, RECORD_BYTES } from "./cifar10.ts";
 * import { cifarImage } from "./images.ts";
 * const split = parseCifarRecords(new Uint8Array(RECORD_BYTES), "one.bin");
 * cifarImage(split, 0).width; // 32
 * ```
 */
export function cifarImage(split: CifarSplit, index: number): RgbImage {
  checkIndex(split, index);
  const rgb = new Uint8Array(IMAGE_BYTES);
  const start = index * IMAGE_BYTES;
  for (let c = 0; c < CHANNELS; c++) {
    const plane = split.images.subarray(
      start + c * PLANE_BYTES,
      start + (c + 1) * PLANE_BYTES,
    );
    for (let p = 0; p < PLANE_BYTES; p++) rgb[p * CHANNELS + c] = plane[p];
  }
  return { width: IMAGE_SIZE, height: IMAGE_SIZE, rgb };
}

/**
 * Options of {@linkcode upsampleImage}.
 *
 * @example
 * ```ts
 * import type { UpsampleOptions } from "./images.ts";
 * const seedInput: UpsampleOptions = { size: 224, method: "nearest" };
 * ```
 */
export interface UpsampleOptions {
  /** Output side in pixels; default 224, the VGG input of the seed project. */
  size?: number;
  /** Interpolation, as in training (`--resize`); default `"bilinear"`. */
  method?: ResizeMethod;
}

/**
 * Record `index` of `split` resized to `size` x `size` with the same resize the training batches
 * use (lib/data/resize.ts), rounded back to bytes.
 *
 * @example
 * ```ts
 * import { parseCifarRecords, RECORD_BYTES } from "./cifar10.ts";
 * import { upsampleImage } from "./images.ts";
 * const split = parseCifarRecords(new Uint8Array(RECORD_BYTES), "one.bin");
 * upsampleImage(split, 0, { size: 64, method: "nearest" }).width; // 64
 * ```
 */
export function upsampleImage(
  split: CifarSplit,
  index: number,
  options: UpsampleOptions = {},
): RgbImage {
  const { size = 224, method = "bilinear" } = options;
  checkIndex(split, index);
  const start = index * IMAGE_BYTES;
  const planar = Float32Array.from(
    split.images.subarray(start, start + IMAGE_BYTES),
  );
  const resized = resizeImages(planar, {
    count: 1,
    height: IMAGE_SIZE,
    width: IMAGE_SIZE,
    outHeight: size,
    method,
    inputLayout: "nchw",
    outputLayout: "nhwc",
  });
  const rgb = new Uint8Array(resized.length);
  for (let i = 0; i < resized.length; i++) {
    rgb[i] = Math.min(255, Math.max(0, Math.round(resized[i])));
  }
  return { width: size, height: size, rgb };
}

/**
 * `image` enlarged `factor` times by pixel replication, so that small images stay sharp when a
 * viewer shows them; a factor of 1 returns `image` itself.
 *
 * @example
 * ```ts
 * import { enlarge } from "./images.ts";
 * enlarge({ width: 1, height: 1, rgb: Uint8Array.of(9, 9, 9) }, 3).width; // 3
 * ```
 */
export function enlarge(image: RgbImage, factor: number): RgbImage {
  if (!Number.isInteger(factor) || factor < 1) {
    throw new ConfigError(
      `enlarge factor must be a positive integer, got ${factor}`,
    );
  }
  if (factor === 1) return image;
  const width = image.width * factor;
  const height = image.height * factor;
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sourceRow = Math.floor(y / factor) * image.width;
    for (let x = 0; x < width; x++) {
      const from = (sourceRow + Math.floor(x / factor)) * 3;
      rgb.set(image.rgb.subarray(from, from + 3), (y * width + x) * 3);
    }
  }
  return { width, height, rgb };
}

/**
 * Options of {@linkcode tileImages}.
 *
 * @example
 * ```ts
 * import type { TileOptions } from "./images.ts";
 * const grid: TileOptions = { columns: 8, gap: 2, background: [0, 0, 0] };
 * ```
 */
export interface TileOptions {
  /** Images per row; default: all in one row. */
  columns?: number;
  /** Pixels between neighbouring images and around the edge; default 2. */
  gap?: number;
  /** Colour of the gaps; default white. */
  background?: readonly [number, number, number];
}

/**
 * Lays `images` out row by row in a grid (cells as large as the largest image, each image in its
 * cell's top-left corner) on a background, with `gap` pixels between them.
 *
 * @example
 * ```ts
 * import { tileImages } from "./images.ts";
 * const dot = { width: 1, height: 1, rgb: Uint8Array.of(0, 0, 0) };
 * const grid = tileImages([dot, dot, dot, dot], { columns: 2, gap: 1 });
 * [grid.width, grid.height]; // [5, 5]
 * ```
 */
export function tileImages(
  images: readonly RgbImage[],
  options: TileOptions = {},
): RgbImage {
  if (images.length === 0) {
    throw new ConfigError("tileImages needs at least one image");
  }
  const columns = Math.min(options.columns ?? images.length, images.length);
  const gap = options.gap ?? 2;
  const [r, g, b] = options.background ?? [255, 255, 255];
  const cellWidth = Math.max(...images.map((image) => image.width));
  const cellHeight = Math.max(...images.map((image) => image.height));
  const rows = Math.ceil(images.length / columns);
  const width = columns * (cellWidth + gap) + gap;
  const height = rows * (cellHeight + gap) + gap;
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) rgb.set([r, g, b], p * 3);
  images.forEach((image, i) => {
    const left = gap + (i % columns) * (cellWidth + gap);
    const top = gap + Math.floor(i / columns) * (cellHeight + gap);
    const stride = image.width * 3;
    for (let y = 0; y < image.height; y++) {
      rgb.set(
        image.rgb.subarray(y * stride, (y + 1) * stride),
        ((top + y) * width + left) * 3,
      );
    }
  });
  return { width, height, rgb };
}

/**
 * The indices of the first `perClass` records of each class in `split`, class by class (all
 * of class 0 first); a class with fewer records contributes what it has.
 *
 * @example
 * ```ts
 * import { parseCifarRecords, RECORD_BYTES } from "./cifar10.ts";
 * import { firstOfEachClass } from "./images.ts";
 * const split = parseCifarRecords(new Uint8Array(RECORD_BYTES * 3), "zeros.bin");
 * firstOfEachClass(split, 2)[0]; // [0, 1]: class 0 (airplane)
 * ```
 */
export function firstOfEachClass(
  split: CifarSplit,
  perClass: number,
  numClasses = 10,
): number[][] {
  if (!Number.isInteger(perClass) || perClass < 1) {
    throw new ConfigError(
      `images per class must be a positive integer, got ${perClass}`,
    );
  }
  const picked: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < split.count; i++) {
    const chosen = picked[split.labels[i]];
    if (chosen !== undefined && chosen.length < perClass) chosen.push(i);
  }
  return picked;
}

function checkIndex(split: CifarSplit, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= split.count) {
    throw new ConfigError(
      `image index ${index} is outside 0..${split.count - 1}`,
    );
  }
}
