/**
 * A plain-text, per-layer summary of a VGG network for the CLI and notebooks.
 *
 * @example
 * ```ts
 * import { resolveVggConfig } from "./vgg_config.ts";
 * import { describeVgg } from "./vgg_describe.ts";
 * console.log(describeVgg(resolveVggConfig({ variant: "vgg11", inputSize: 32 })));
 * ```
 * @module
 */
import type { VggConfig } from "./vgg_config.ts";
import {
  countTrainableParameters,
  forwardMacs,
  trainingFlops,
  vggLayerCosts,
} from "./vgg_cost.ts";

/**
 * One line per layer (name, output shape per image, parameters, multiply-adds per image), a
 * totals line, and a line with the trainable parameters and training FLOPs per image; numbers
 * are exact, with thousands separators.
 *
 * @throws {ConfigError} when `config` is invalid.
 *
 * @example
 * ```ts
 * import { resolveVggConfig } from "./vgg_config.ts";
 * import { describeVgg } from "./vgg_describe.ts";
 * describeVgg(resolveVggConfig({ variant: "vgg11", inputSize: 32 }));
 * // layer         output         params         MACs
 * // conv1_1       32x32x64        1,792    1,769,472
 * // conv1_1_relu  32x32x64            0            0
 * // ...
 * // total                    28,144,010  171,679,744
 * // vgg11: 28,144,010 trainable params, 1,026,539,520 training FLOPs per image
 * ```
 */
export function describeVgg(config: VggConfig): string {
  const layers = vggLayerCosts(config);
  const rows = [
    ["layer", "output", "params", "MACs"],
    ...layers.map((layer) => [
      layer.name,
      layer.outputShape.join("x"),
      group(layer.params),
      group(layer.macs),
    ]),
    [
      "total",
      "",
      group(layers.reduce((total, layer) => total + layer.params, 0)),
      group(forwardMacs(config)),
    ],
  ];
  const widths = rows[0].map((_, column) =>
    Math.max(...rows.map((row) => row[column].length))
  );
  const lines = rows.map((row) =>
    row.map((cell, column) =>
      column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])
    ).join("  ").trimEnd()
  );
  const trainable = group(countTrainableParameters(config));
  lines.push(
    `${config.variant}: ${trainable} trainable params, ${
      group(trainingFlops(config))
    } training FLOPs per image`,
  );
  return lines.join("\n");
}

function group(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
