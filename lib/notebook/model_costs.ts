/**
 * Tables and charts of what a VGG costs, from the config alone (lib/model/vgg_cost.ts): one row
 * per layer, and a sweep over dense width and input size, the two knobs finding F1 turned.
 *
 * @example
 * ```ts
 * import { resolveVggConfig } from "../model/vgg_config.ts";
 * import { costSweep, costSweepSpec, layerCostRows } from "./model_costs.ts";
 * const seed = resolveVggConfig({ inputSize: 224, denseWidth: 4096 });
 * const layers = layerCostRows(seed); // conv1_1 ... logits
 * const sweep = costSweep(seed, { denseWidths: [4096, 512], inputSizes: [224, 32] });
 * const spec = costSweepSpec(sweep); // a Vega-Lite spec for vegaLiteBundle
 * ```
 * @module
 */
import { resolveVggConfig, type VggConfig } from "../model/vgg_config.ts";
import {
  countParameters,
  forwardMacs,
  trainingFlops,
  vggLayerCosts,
} from "../model/vgg_cost.ts";
import { ConfigError } from "../util/errors.ts";
import type { VegaLiteSpec } from "./vega_bundle.ts";

const BYTES_PER_FLOAT = 4;
const MIB = 2 ** 20;

/**
 * One layer's row: output shape per image, weights, forward FLOPs (2 per multiply-add) and the
 * float32 size of its output for one image.
 *
 * @example
 * ```ts
 * import type { LayerCostRow } from "./model_costs.ts";
 * const row: LayerCostRow = {
 *   layer: "conv1_1", output: "32x32x64", params: 1792, "weights MiB": 0.0068,
 *   "forward MFLOPs": 3.5, "output KiB/image": 256,
 * };
 * ```
 */
export interface LayerCostRow {
  /** Layer name, as in the tfjs model. */
  layer: string;
  /** Output shape per image, height x width x channels (or units). */
  output: string;
  /** Weights (batch norm's moving statistics included). */
  params: number;
  /** Those weights as float32, in MiB. */
  "weights MiB": number;
  /** Forward floating-point operations for one image, in millions (2 per multiply-add). */
  "forward MFLOPs": number;
  /** The layer's output for one image as float32, in KiB. */
  "output KiB/image": number;
  [column: string]: string | number;
}

/**
 * One row per layer of `config`'s network, in order; a last row `total` sums the columns.
 *
 * @throws {ConfigError} when `config` is invalid.
 *
 * @example
 * ```ts
 * import { resolveVggConfig } from "../model/vgg_config.ts";
 * import { layerCostRows } from "./model_costs.ts";
 * const rows = layerCostRows(resolveVggConfig({ variant: "vgg11", inputSize: 32 }));
 * rows.at(-1)?.layer; // "total"
 * ```
 */
export function layerCostRows(config: VggConfig): LayerCostRow[] {
  const rows: LayerCostRow[] = vggLayerCosts(config).map((layer) => ({
    layer: layer.name,
    output: layer.outputShape.join("x"),
    params: layer.params,
    "weights MiB": (layer.params * BYTES_PER_FLOAT) / MIB,
    "forward MFLOPs": (2 * layer.macs) / 1e6,
    "output KiB/image": (layer.outputElements * BYTES_PER_FLOAT) / 1024,
  }));
  const sum = (column: string) =>
    rows.reduce((total, row) => total + (row[column] as number), 0);
  rows.push({
    layer: "total",
    output: "",
    params: sum("params"),
    "weights MiB": sum("weights MiB"),
    "forward MFLOPs": sum("forward MFLOPs"),
    "output KiB/image": sum("output KiB/image"),
  });
  return rows;
}

/**
 * One network of a {@linkcode costSweep}.
 *
 * @example
 * ```ts
 * import { resolveVggConfig } from "../model/vgg_config.ts";
 * import { costSweep, type CostSweepRow } from "./model_costs.ts";
 * const [seed]: CostSweepRow[] = costSweep(resolveVggConfig({}), { inputSizes: [224], denseWidths: [4096] });
 * seed.params; // 134_301_514
 * ```
 */
export interface CostSweepRow {
  /** Side of the input image in pixels. */
  inputSize: number;
  /** Units per hidden dense layer. */
  denseWidth: number;
  /** All weights. */
  params: number;
  /** Share of the weights in the dense layers (classifier included), 0..1. */
  denseShare: number;
  /** Forward GFLOPs for one image (2 per multiply-add). */
  forwardGflops: number;
  /** Training GFLOPs for one image (forward, and both gradients). */
  trainingGflops: number;
  /** Every layer's output for one image as float32, in MiB. */
  activationMiB: number;
}

/**
 * The values a {@linkcode costSweep} crosses.
 *
 * @example
 * ```ts
 * import type { CostSweepOptions } from "./model_costs.ts";
 * const fixes: CostSweepOptions = { denseWidths: [4096, 512], inputSizes: [224, 64] };
 * ```
 */
export interface CostSweepOptions {
  /** Dense widths; default 4096 (the seed), 1024, 512, 256. */
  denseWidths?: readonly number[];
  /** Input sizes; default 224 (the seed), 128, 64, 32 (CIFAR's own). */
  inputSizes?: readonly number[];
}

/**
 * The cost of `base`'s network at every combination of dense width and input size, other
 * settings kept.
 *
 * @throws {ConfigError} when a combination is not a valid network (e.g. input 48).
 *
 * @example
 * ```ts
 * import { resolveVggConfig } from "../model/vgg_config.ts";
 * import { costSweep } from "./model_costs.ts";
 * const rows = costSweep(resolveVggConfig({}), { denseWidths: [4096, 512], inputSizes: [224] });
 * rows[0].params > rows[1].params; // true: fewer dense neurons, fewer weights
 * ```
 */
export function costSweep(
  base: VggConfig,
  options: CostSweepOptions = {},
): CostSweepRow[] {
  const denseWidths = options.denseWidths ?? [4096, 1024, 512, 256];
  const inputSizes = options.inputSizes ?? [224, 128, 64, 32];
  if (denseWidths.length === 0 || inputSizes.length === 0) {
    throw new ConfigError(
      "a cost sweep needs at least one dense width and input size",
    );
  }
  return inputSizes.flatMap((inputSize) =>
    denseWidths.map((denseWidth) => {
      const config = resolveVggConfig({ ...base, inputSize, denseWidth });
      const layers = vggLayerCosts(config);
      const params = countParameters(config);
      const denseParams = layers
        .filter((layer) => layer.kind === "dense")
        .reduce((total, layer) => total + layer.params, 0);
      const activations = layers.reduce(
        (total, layer) => total + layer.outputElements,
        0,
      );
      return {
        inputSize,
        denseWidth,
        params,
        denseShare: denseParams / params,
        forwardGflops: (2 * forwardMacs(config)) / 1e9,
        trainingGflops: trainingFlops(config) / 1e9,
        activationMiB: (activations * BYTES_PER_FLOAT) / MIB,
      };
    })
  );
}

/**
 * A Vega-Lite spec of a sweep: weights against dense width (one line per input size, since the
 * first dense layer's inputs grow with the input) beside training GFLOPs per image against input
 * size (one line per dense width). Both axes are logarithmic.
 *
 * @example
 * ```ts
 * import { resolveVggConfig } from "../model/vgg_config.ts";
 * import { costSweep, costSweepSpec } from "./model_costs.ts";
 * const spec = costSweepSpec(costSweep(resolveVggConfig({})));
 * (spec.hconcat as unknown[]).length; // 2
 * ```
 */
export function costSweepSpec(
  rows: readonly CostSweepRow[],
  title = "What dense width and input size cost",
): VegaLiteSpec {
  const log = { type: "log" };
  const distinct = (key: "inputSize" | "denseWidth") =>
    [...new Set(rows.map((row) => row[key]))].sort((a, b) => a - b);
  const colors = { scheme: "tableau10" };
  return {
    title,
    data: { values: rows },
    resolve: {
      scale: { color: "independent" },
      legend: { color: "independent" },
    },
    hconcat: [
      {
        title: "weights (millions)",
        width: 260,
        height: 200,
        transform: [{ calculate: "datum.params / 1e6", as: "params (M)" }],
        mark: { type: "line", point: true },
        encoding: {
          x: {
            field: "denseWidth",
            type: "quantitative",
            scale: { ...log, base: 2 },
            axis: { values: distinct("denseWidth") },
            title: "dense width",
          },
          y: { field: "params (M)", type: "quantitative", scale: log },
          color: {
            field: "inputSize",
            type: "ordinal",
            scale: colors,
            title: "input size",
          },
          tooltip: [
            { field: "inputSize", type: "ordinal" },
            { field: "denseWidth", type: "quantitative" },
            { field: "params", type: "quantitative", format: "," },
          ],
        },
      },
      {
        title: {
          text: "training GFLOPs per image",
          subtitle: "one line per dense width: they overlap",
        },
        width: 260,
        height: 200,
        mark: { type: "line", point: true },
        encoding: {
          x: {
            field: "inputSize",
            type: "quantitative",
            scale: { ...log, base: 2 },
            axis: { values: distinct("inputSize") },
            title: "input size",
          },
          y: {
            field: "trainingGflops",
            type: "quantitative",
            scale: log,
            title: "GFLOPs",
          },
          color: {
            field: "denseWidth",
            type: "ordinal",
            scale: colors,
            title: "dense width",
          },
          tooltip: [
            { field: "inputSize", type: "ordinal" },
            { field: "denseWidth", type: "quantitative" },
            { field: "trainingGflops", type: "quantitative", format: ".2f" },
          ],
        },
      },
    ],
  };
}
