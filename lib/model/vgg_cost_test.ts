import assert from "node:assert/strict";
import { ConfigError } from "../util/errors.ts";
import {
  resolveVggConfig,
  type VggConfig,
  type VggVariant,
} from "./vgg_config.ts";
import {
  countParameters,
  countTrainableParameters,
  forwardMacs,
  trainingFlops,
  vggLayerCosts,
} from "./vgg_cost.ts";

/** The paper's ImageNet networks: 224x224 input, two 4096-unit dense layers, 1000 classes. */
const imagenet = (variant: VggVariant, batchNorm = false) =>
  resolveVggConfig({ variant, batchNorm, numClasses: 1000 });

Deno.test("countParameters and forwardMacs match the published ImageNet figures", () => {
  // Parameters: torchvision's model cards; MACs: torchvision's "GFLOPS" column (7.61 / 11.31 /
  // 15.47 / 19.63), which counts multiply-adds of conv and dense layers.
  assert.equal(countParameters(imagenet("vgg11")), 132_863_336);
  assert.equal(countParameters(imagenet("vgg13")), 133_047_848);
  assert.equal(countParameters(imagenet("vgg16")), 138_357_544);
  assert.equal(countParameters(imagenet("vgg19")), 143_667_240);
  assert.equal(forwardMacs(imagenet("vgg16")), 15_470_264_320);
  const gmacs = (["vgg11", "vgg13", "vgg19"] as const).map((variant) =>
    (forwardMacs(imagenet(variant)) / 1e9).toFixed(2)
  );
  assert.deepEqual(gmacs, ["7.61", "11.31", "19.63"]);
});

Deno.test("batch norm adds 2 trainable and 2 moving-statistic weights per conv channel", () => {
  // torchvision's vgg*_bn model cards count trainable parameters only.
  const published = {
    vgg11: 132_868_840,
    vgg13: 133_053_736,
    vgg16: 138_365_992,
    vgg19: 143_678_248,
  };
  for (
    const [variant, trainable] of Object.entries(published) as [
      VggVariant,
      number,
    ][]
  ) {
    const withBn = imagenet(variant, true);
    assert.equal(countTrainableParameters(withBn), trainable, variant);
    const bnChannels = (trainable - countParameters(imagenet(variant))) / 2;
    assert.equal(countParameters(withBn), trainable + 2 * bnChannels, variant);
    assert.equal(forwardMacs(withBn), forwardMacs(imagenet(variant)), variant);
  }
  assert.equal(
    countTrainableParameters(imagenet("vgg16")),
    countParameters(imagenet("vgg16")),
  );
});

Deno.test("vggLayerCosts lists every layer in order with per-image shapes", () => {
  const config = resolveVggConfig({
    variant: "vgg11",
    widthMultiplier: 0.5,
    inputSize: 64,
    denseWidth: 100,
    denseLayers: 1,
    batchNorm: true,
    numClasses: 10,
  });
  const rows = vggLayerCosts(config).map((layer) =>
    `${layer.name} ${layer.kind} ${
      layer.outputShape.join("x")
    } ${layer.params} ` +
    `${layer.trainableParams} ${layer.macs} ${layer.outputElements}`
  );
  assert.deepEqual(rows.slice(0, 5), [
    "conv1_1 conv 64x64x32 896 896 3538944 131072",
    "conv1_1_bn bn 64x64x32 128 64 0 131072",
    "conv1_1_relu relu 64x64x32 0 0 0 131072",
    "pool1 pool 32x32x32 0 0 0 32768",
    "conv2_1 conv 32x32x64 18496 18496 18874368 65536",
  ]);
  assert.deepEqual(rows.slice(-6), [
    "pool5 pool 2x2x256 0 0 0 1024",
    "flatten flatten 1024 0 0 0 1024",
    "fc1 dense 100 102500 102500 102400 100",
    "fc1_relu relu 100 0 0 0 100",
    "fc1_dropout dropout 100 0 0 0 100",
    "logits dense 10 1010 1010 1000 10",
  ]);
  assert.equal(rows.length, 8 * 3 + 5 + 1 + 3 + 1);
});

Deno.test("vggLayerCosts follows denseLayers, dropout and inputSize", () => {
  const base: Partial<VggConfig> = {
    variant: "vgg16",
    inputSize: 32,
    denseWidth: 512,
  };
  const names = (partial: Partial<VggConfig>) =>
    vggLayerCosts(resolveVggConfig({ ...base, ...partial })).slice(-8).map((
      layer,
    ) => layer.name);
  assert.deepEqual(names({}), [
    "flatten",
    "fc1",
    "fc1_relu",
    "fc1_dropout",
    "fc2",
    "fc2_relu",
    "fc2_dropout",
    "logits",
  ]);
  assert.deepEqual(names({ dropout: 0 }).slice(-6), [
    "flatten",
    "fc1",
    "fc1_relu",
    "fc2",
    "fc2_relu",
    "logits",
  ]);
  const noHidden = vggLayerCosts(resolveVggConfig({ ...base, denseLayers: 0 }));
  assert.deepEqual(noHidden.slice(-3).map((layer) => layer.name), [
    "pool5",
    "flatten",
    "logits",
  ]);
  assert.equal(noHidden.at(-1)!.params, 512 * 10 + 10);
  // CIFAR-sized input: the conv stack ends at 1x1, so fc1 sees 512 features instead of 25,088.
  const fc1 = vggLayerCosts(resolveVggConfig(base)).find((layer) =>
    layer.name === "fc1"
  )!;
  assert.equal(fc1.params, 512 * 512 + 512);
});

Deno.test("forwardMacs scales with the input area and trainingFlops is just under 6 per MAC", () => {
  const at32 = resolveVggConfig({ inputSize: 32, denseLayers: 0 });
  const at64 = resolveVggConfig({ inputSize: 64, denseLayers: 0 });
  const logitsMacs = (config: VggConfig) => vggLayerCosts(config).at(-1)!.macs;
  assert.equal(
    forwardMacs(at64) - logitsMacs(at64),
    4 * (forwardMacs(at32) - logitsMacs(at32)),
  );

  const config = resolveVggConfig({ inputSize: 32 });
  const firstConvMacs = 32 * 32 * 64 * 3 * 3 * 3;
  assert.equal(
    trainingFlops(config),
    6 * forwardMacs(config) - 2 * firstConvMacs,
  );
});

Deno.test("cost functions reject an invalid config with a ConfigError", () => {
  const bad = { ...resolveVggConfig(), inputSize: 100 };
  for (
    const cost of [vggLayerCosts, countParameters, forwardMacs, trainingFlops]
  ) {
    assert.throws(() => cost(bad), ConfigError);
  }
});
