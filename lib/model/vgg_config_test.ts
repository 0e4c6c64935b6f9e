import assert from "node:assert/strict";
import { ConfigError } from "../util/errors.ts";
import {
  DEFAULT_VGG_CONFIG,
  resolveVggConfig,
  VGG_VARIANTS,
  type VggConfig,
  vggConvLayers,
} from "./vgg_config.ts";

Deno.test("resolveVggConfig fills defaults and keeps given fields", () => {
  assert.deepEqual(resolveVggConfig({}), DEFAULT_VGG_CONFIG);
  assert.deepEqual(resolveVggConfig(), DEFAULT_VGG_CONFIG);
  const config = resolveVggConfig({
    variant: "vgg11",
    inputSize: 32,
    denseWidth: 512,
    seed: 9,
  });
  assert.deepEqual(config, {
    ...DEFAULT_VGG_CONFIG,
    variant: "vgg11",
    inputSize: 32,
    denseWidth: 512,
    seed: 9,
  });
  assert.equal(resolveVggConfig({ dropout: undefined }).dropout, 0.5);
});

Deno.test("resolveVggConfig accepts the edges of every range", () => {
  const edges: Partial<VggConfig> = {
    widthMultiplier: 1 / 128,
    denseWidth: 1,
    denseLayers: 0,
    dropout: 0,
    inputSize: 32,
    numClasses: 2,
    seed: 2 ** 32 - 1,
  };
  assert.deepEqual(resolveVggConfig(edges), {
    ...DEFAULT_VGG_CONFIG,
    ...edges,
  });
  for (const variant of VGG_VARIANTS) {
    assert.equal(resolveVggConfig({ variant }).variant, variant);
  }
});

Deno.test("vggConvLayers names layers per block and applies the width multiplier", () => {
  const vgg11 = vggConvLayers({ variant: "vgg11", widthMultiplier: 0.25 });
  assert.deepEqual(vgg11.map((layer) => `${layer.name}:${layer.channels}`), [
    "conv1_1:16",
    "conv2_1:32",
    "conv3_1:64",
    "conv3_2:64",
    "conv4_1:128",
    "conv4_2:128",
    "conv5_1:128",
    "conv5_2:128",
  ]);
  const depths = VGG_VARIANTS.map((variant) =>
    vggConvLayers({ variant, widthMultiplier: 1 }).length
  );
  assert.deepEqual(depths, [8, 10, 13, 16]);
  assert.deepEqual(
    vggConvLayers({ variant: "vgg16", widthMultiplier: 1.3 }).map((layer) =>
      layer.channels
    ),
    [83, 83, 166, 166, 333, 333, 333, 666, 666, 666, 666, 666, 666],
  );
});

/** Asserts `partial` is rejected with a one-line ConfigError matching `message`. */
function assertRejected(partial: unknown, message: RegExp): void {
  assert.throws(
    () => resolveVggConfig(partial as Partial<VggConfig>),
    (error: unknown) => {
      assert.ok(
        error instanceof ConfigError,
        `expected ConfigError, got ${error}`,
      );
      assert.match(error.message, message);
      assert.ok(!error.message.includes("\n"), "message must be one line");
      return true;
    },
  );
}

Deno.test("resolveVggConfig rejects each bad field with a one-line error naming it", () => {
  assertRejected(null, /VGG config must be an object, got null/);
  assertRejected(
    { widthMultiplyer: 2 },
    /unknown VGG config field "widthMultiplyer" \(valid: variant, /,
  );
  assertRejected(
    { variant: "vgg12" },
    /unknown VGG variant "vgg12" \(valid: vgg11, vgg13, vgg16, vgg19\)/,
  );
  for (const bad of [0, -1, NaN, Infinity, "2"]) {
    assertRejected(
      { widthMultiplier: bad },
      /^widthMultiplier must be a positive number/,
    );
  }
  assertRejected(
    { widthMultiplier: 0.007 },
    /^widthMultiplier 0.007 leaves conv1_1 with 0 channels \(round\(64 x 0.007\) = 0\); use at least 0.0078125$/,
  );
  for (const bad of [0, 1.5, -4, NaN, "4096"]) {
    assertRejected(
      { denseWidth: bad },
      /^denseWidth must be a positive integer, got /,
    );
  }
  for (const bad of [-1, 0.5]) {
    assertRejected(
      { denseLayers: bad },
      /^denseLayers must be a non-negative integer, got /,
    );
  }
  for (const bad of [1, -0.1, 1.5, NaN]) {
    assertRejected({ dropout: bad }, /^dropout must be in \[0, 1\), got /);
  }
  assertRejected(
    { batchNorm: "yes" },
    /^batchNorm must be true or false, got "yes"$/,
  );
  for (const bad of [0, 16, 48, 100, 224.5]) {
    assertRejected(
      { inputSize: bad },
      /^inputSize must be a multiple of 32 and at least 32/,
    );
  }
  for (const bad of [1, 0, 10.5]) {
    assertRejected(
      { numClasses: bad },
      /^numClasses must be an integer >= 2, got /,
    );
  }
  for (const bad of [-1, 1.5, 2 ** 32]) {
    assertRejected(
      { seed: bad },
      /^seed must be an integer in \[0, 4294967295\], got /,
    );
  }
});
