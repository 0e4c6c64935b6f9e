/**
 * The model flags that `train`, `find-batch` and `lr-find` share: one option table, one help
 * block and one translation into a partial {@linkcode VggConfig}, so the three commands accept
 * and explain the same flags.
 *
 * @example
 * ```ts
 * import { MODEL_HELP, MODEL_OPTIONS, modelFlags } from "./model_flags.ts";
 * import { parseCommandLine } from "../lib/util/cli.ts";
 * const flags = parseCommandLine({ ...MODEL_OPTIONS }, `Model\n${MODEL_HELP}`, ["--dense", "256"]);
 * if (flags) modelFlags(flags).denseWidth; // 256
 * ```
 * @module
 */
import { VGG_VARIANTS, type VggConfig } from "../lib/model/vgg_config.ts";
import { numberFlag } from "../lib/util/cli.ts";

/** parseArgs entries of the model flags. */
export const MODEL_OPTIONS = {
  variant: { type: "string" },
  width: { type: "string" },
  dense: { type: "string" },
  "dense-layers": { type: "string" },
  dropout: { type: "string" },
  "batch-norm": { type: "boolean" },
  input: { type: "string" },
} as const;

/** `--help` lines of the model flags. */
export const MODEL_HELP = `  --variant NAME        ${
  VGG_VARIANTS.join(" | ")
} (default vgg16)
  --width X             conv width multiplier; 1 = 64..512 channels (default 1)
  --dense N             units per hidden dense layer (default 512; the seed used 4096)
  --dense-layers N      hidden dense layers before the classifier (default 2)
  --dropout P           dropout after each hidden dense layer, in [0, 1) (default 0.5)
  --batch-norm          conv -> batch norm -> ReLU
  --input N             input resolution, a multiple of 32 (default 32; the seed used 224)
`;

/** The parsed model flags (strings as parseArgs gives them). */
export interface ModelFlagValues {
  variant?: string;
  width?: string;
  dense?: string;
  "dense-layers"?: string;
  dropout?: string;
  "batch-norm"?: boolean;
  input?: string;
}

/** The model part of a training config; absent flags stay undefined (defaults apply later). */
export function modelFlags(flags: ModelFlagValues): Partial<VggConfig> {
  return {
    variant: flags.variant as VggConfig["variant"] | undefined,
    widthMultiplier: numberFlag("width", flags.width),
    denseWidth: numberFlag("dense", flags.dense),
    denseLayers: numberFlag("dense-layers", flags["dense-layers"]),
    dropout: numberFlag("dropout", flags.dropout),
    batchNorm: flags["batch-norm"],
    inputSize: numberFlag("input", flags.input),
  };
}
