/**
 * The upsampling grid of F2: the same CIFAR-10 test images at the network's input sizes (32, 64,
 * 128, 224), resized by nearest neighbour and bilinear with the training code's own
 * `resizeImages`, drawn one image pixel per screen pixel so the reader sees exactly what the
 * network sees. Also measures how much detail each pixel carries (mean difference between
 * neighbouring pixels): upsampling multiplies pixels, not detail.
 *
 * @example
 * ```ts
 * import { readUpsampledExamples, upsamplingGridSvg } from "./image_grid.ts";
 * const examples = await readUpsampledExamples("data/cifar-10-batches-bin");
 * const svg = upsamplingGridSvg(examples); // render with svgToPng for the PNG
 * ```
 * @module
 */
import path from "node:path";
import {
  type CifarSplit,
  IMAGE_SIZE,
  readCifarFile,
  readClassNames,
  TEST_FILE,
} from "../data/cifar10.ts";
import { upsampleImage } from "../data/images.ts";
import type { ResizeMethod } from "../data/resize.ts";
import { encodePng, type RgbImage } from "../util/png.ts";
import { PLOT_FONT } from "./render.ts";

/** Options of {@linkcode upsampleExamples}. */
export interface UpsamplingOptions {
  /** Input sides to show; default 32, 64, 128, 224. */
  sizes?: readonly number[];
  /** Resize methods; default nearest, bilinear. */
  methods?: readonly ResizeMethod[];
  /** Classes whose first test image is shown; default cat, ship, horse (3, 8, 7). */
  classes?: readonly number[];
}

/** One image at one size and method. */
export interface UpsampledTile {
  size: number;
  method: ResizeMethod;
  image: RgbImage;
  /** {@linkcode meanNeighbourDifference} of the image. */
  detail: number;
}

/** One test image at every size and method. */
export interface UpsampledExample {
  /** Index in the test split. */
  index: number;
  className: string;
  tiles: UpsampledTile[];
}

/**
 * Resizes the first test image of each chosen class to every size with every method.
 *
 * @example
 * ```ts
 * import { upsampleExamples } from "./image_grid.ts";
 * import { readCifarFile } from "../data/cifar10.ts";
 * const test = await readCifarFile("data/cifar-10-batches-bin/test_batch.bin");
 * upsampleExamples(test, ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
 *   "horse", "ship", "truck"], { classes: [3] })[0].tiles.length; // 8
 * ```
 */
export function upsampleExamples(
  test: CifarSplit,
  classNames: readonly string[],
  options: UpsamplingOptions = {},
): UpsampledExample[] {
  const sizes = options.sizes ?? [32, 64, 128, 224];
  const methods = options.methods ?? ["nearest", "bilinear"];
  const classes = options.classes ?? [3, 8, 7];
  return classes.flatMap((label) => {
    const index = test.labels.indexOf(label);
    if (index < 0) return [];
    const tiles = methods.flatMap((method) =>
      sizes.map((size) => {
        const image = upsampleImage(test, index, { size, method });
        return { size, method, image, detail: meanNeighbourDifference(image) };
      })
    );
    return [{ index, className: classNames[label] ?? String(label), tiles }];
  });
}

/**
 * Reads the test split of the CIFAR-10 directory `dataDir` and upsamples its examples.
 *
 * @example
 * ```ts
 * import { readUpsampledExamples } from "./image_grid.ts";
 * const examples = await readUpsampledExamples("data/cifar-10-batches-bin", { classes: [8] });
 * ```
 */
export async function readUpsampledExamples(
  dataDir: string,
  options: UpsamplingOptions = {},
): Promise<UpsampledExample[]> {
  const [test, classNames] = await Promise.all([
    readCifarFile(path.join(dataDir, TEST_FILE)),
    readClassNames(dataDir),
  ]);
  return upsampleExamples(test, classNames, options);
}

/**
 * Mean absolute difference between horizontally and vertically adjacent pixel values (0..255,
 * over channels): how much detail one pixel carries. Upsampling by a factor f divides it by
 * about f, since the image's content does not change.
 *
 * @example
 * ```ts
 * import { meanNeighbourDifference } from "./image_grid.ts";
 * meanNeighbourDifference({ width: 2, height: 1, rgb: Uint8Array.from([0, 0, 0, 30, 30, 30]) }); // 30
 * ```
 */
export function meanNeighbourDifference(image: RgbImage): number {
  const { width, height, rgb } = image;
  let total = 0;
  let pairs = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        if (x + 1 < width) total += Math.abs(rgb[p + 3 + c] - rgb[p + c]);
        if (y + 1 < height) {
          total += Math.abs(rgb[p + width * 3 + c] - rgb[p + c]);
        }
      }
      pairs += 3 * (Number(x + 1 < width) + Number(y + 1 < height));
    }
  }
  return pairs === 0 ? 0 : total / pairs;
}

const LABEL_WIDTH = 150;
const HEADER_HEIGHT = 64;
const GAP = 20;
/** Wide enough for the "32×32 (original)" header, on two lines. */
const MIN_COLUMN_WIDTH = 84;

/**
 * An SVG of the examples: one column per size, one row per image and method, each tile at one
 * image pixel per SVG unit (embedded PNGs), with labels.
 *
 * @example
 * ```ts
 * import { upsamplingGridSvg } from "./image_grid.ts";
 * upsamplingGridSvg([]).startsWith("<svg"); // true
 * ```
 */
export function upsamplingGridSvg(
  examples: readonly UpsampledExample[],
): string {
  const tiles = examples[0]?.tiles ?? [];
  const sizes = [...new Set(tiles.map((t) => t.size))];
  const methods = [...new Set(tiles.map((t) => t.method))];
  const columnX: number[] = [];
  let x = LABEL_WIDTH;
  for (const size of sizes) {
    columnX.push(x);
    x += Math.max(size, MIN_COLUMN_WIDTH) + GAP;
  }
  const rowHeight = Math.max(0, ...sizes) + GAP;
  const width = x;
  const height = HEADER_HEIGHT + examples.length * methods.length * rowHeight;
  const text = (
    tx: number,
    ty: number,
    content: string,
    style = 'font-size="13"',
  ) =>
    `<text x="${tx}" y="${ty}" font-family="${PLOT_FONT}" ${style}>${
      escapeXml(content)
    }</text>`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    text(
      8,
      20,
      "The same CIFAR-10 test images at each input size — 1 image pixel = 1 screen pixel",
      'font-size="14" font-weight="bold"',
    ),
    ...sizes.map((size, i) =>
      text(columnX[i], HEADER_HEIGHT - 24, `${size}×${size}`)
    ),
    ...sizes.flatMap((size, i) =>
      size === IMAGE_SIZE
        ? [
          text(
            columnX[i],
            HEADER_HEIGHT - 8,
            "(original)",
            'font-size="13" fill="#555"',
          ),
        ]
        : []
    ),
  ];
  let row = 0;
  for (const example of examples) {
    for (const method of methods) {
      const y = HEADER_HEIGHT + row * rowHeight;
      parts.push(text(8, y + 16, `${example.className} (#${example.index})`));
      parts.push(text(8, y + 34, method, 'font-size="13" fill="#555"'));
      for (const [i, size] of sizes.entries()) {
        const tile = example.tiles.find((t) =>
          t.size === size && t.method === method
        );
        if (!tile) continue;
        const png = encodePng(tile.image);
        parts.push(
          `<image x="${
            columnX[i]
          }" y="${y}" width="${size}" height="${size}" ` +
            `style="image-rendering:pixelated" href="data:image/png;base64,${
              base64(png)
            }"/>`,
        );
      }
      row++;
    }
  }
  parts.push("</svg>");
  return parts.join("\n");
}

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(
    ">",
    "&gt;",
  );
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
