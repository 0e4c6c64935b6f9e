import assert from "node:assert/strict";
import { ConfigError } from "../util/errors.ts";
import { resolveTrainConfig } from "./config.ts";

Deno.test("defaults are a CIFAR-sized VGG16 with SGD momentum; the run seed seeds the model", () => {
  const config = resolveTrainConfig({ seed: 5 });
  assert.equal(config.model.variant, "vgg16");
  assert.equal(config.model.inputSize, 32);
  assert.equal(config.model.denseWidth, 512);
  assert.equal(config.model.seed, 5);
  assert.equal(config.optimizer, "sgd");
  assert.equal(config.momentum, 0.9);
  assert.equal(config.stuck.tolerance, 0.02);
});

Deno.test("every bad value is a one-line ConfigError naming it", () => {
  const cases: [Parameters<typeof resolveTrainConfig>[0], RegExp][] = [
    [{ lr: 0 }, /^lr must be a positive finite number, got 0$/],
    [{ lr: -0.1 }, /lr must be/],
    [{ lr: NaN }, /lr must be/],
    [{ lr: Infinity }, /lr must be/],
    [{ batchSize: 0 }, /^batch size must be an integer >= 1, got 0$/],
    [{ batchSize: 2.5 }, /batch size/],
    [{ epochs: 0 }, /epochs/],
    [{ trainSubset: 15 }, /train subset must be 0 \(all\) or a multiple of 10/],
    [{ testSubset: 20_000 }, /test subset/],
    [
      { optimizer: "rmsprop" as never },
      /unknown optimizer "rmsprop" \(valid: sgd, adam\)/,
    ],
    [{ resize: "bicubic" as never }, /unknown resize mode/],
    [{ momentum: 1 }, /momentum must be in \[0, 1\)/],
    [{ seed: -1 }, /seed must be an integer/],
    [{ model: { inputSize: 48 } }, /inputSize/],
    [{ model: { variant: "vgg12" as never } }, /unknown VGG variant/],
    [{ model: { widthMultiplier: 0.001 } }, /0 channels/],
  ];
  for (const [input, pattern] of cases) {
    assert.throws(() => resolveTrainConfig(input), (error: Error) => {
      assert.ok(error instanceof ConfigError, `${error}`);
      assert.match(error.message, pattern);
      assert.ok(!error.message.includes("\n"));
      return true;
    });
  }
});
