/**
 * VGG networks for CIFAR-10 experiments: config and validation, the tfjs-layers builder, and a
 * cost model (parameters, multiply-adds, training FLOPs, per-layer activations) computed from the
 * config alone.
 *
 * @example
 * ```ts
 * import { buildVgg, describeVgg, resolveVggConfig } from "./mod.ts";
 * const config = resolveVggConfig({ variant: "vgg11", inputSize: 32, denseWidth: 512 });
 * console.log(describeVgg(config));
 * const model = buildVgg(config); // on the current tfjs backend
 * ```
 * @module
 */
export * from "./vgg_config.ts";
export * from "./vgg_cost.ts";
export * from "./vgg_build.ts";
export * from "./vgg_describe.ts";
