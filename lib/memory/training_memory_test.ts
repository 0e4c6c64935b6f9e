import assert from "node:assert/strict";
import { ConfigError } from "../util/errors.ts";
import {
  predictTrainingMemory,
  type TrainingMemoryInput,
  updateRuleOf,
} from "./training_memory.ts";

const tiny: TrainingMemoryInput = {
  model: {
    variant: "vgg11",
    inputSize: 32,
    widthMultiplier: 0.125,
    denseWidth: 64,
  },
  optimizer: "sgd",
  momentum: 0.9,
  batchSize: 4,
};

// tf.profile(...).peakBytes of the second training step, measured on wasm (tfjs 4.22) with
// lib/memory/measure.ts; the model must stay within 1% of each.
const MEASURED: [string, TrainingMemoryInput, number][] = [
  ["vgg11 w1/8 momentum batch 4", tiny, 4_624_476],
  [
    "vgg11 w1/8 adam batch 8",
    { ...tiny, optimizer: "adam", batchSize: 8 },
    11_152_532,
  ],
  [
    "vgg13 w1/8 64px batch norm, plain SGD",
    {
      ...tiny,
      model: {
        ...tiny.model,
        variant: "vgg13",
        inputSize: 64,
        batchNorm: true,
      },
      momentum: 0,
    },
    44_452_660,
  ],
  [
    "vgg16 w1/4 dense 256 batch 8",
    {
      ...tiny,
      model: {
        variant: "vgg16",
        inputSize: 32,
        widthMultiplier: 0.25,
        denseWidth: 256,
      },
      batchSize: 8,
    },
    30_453_884,
  ],
  [
    "vgg16 w1 dense 4096 batch 2",
    {
      ...tiny,
      model: { variant: "vgg16", inputSize: 32, denseWidth: 4096 },
      batchSize: 2,
    },
    703_352_396,
  ],
  [
    "the seed's network at 224x224, batch 1, plain SGD",
    {
      ...tiny,
      model: { variant: "vgg16", inputSize: 224, denseWidth: 4096 },
      momentum: 0,
      batchSize: 1,
    },
    2_885_326_584,
  ],
];

Deno.test("the prediction matches the peaks tfjs measured, within 1%", () => {
  for (const [name, input, measured] of MEASURED) {
    const predicted = predictTrainingMemory(input).totalPeakBytes;
    const error = Math.abs(predicted - measured) / measured;
    assert.ok(
      error < 0.01,
      `${name}: predicted ${predicted}, measured ${measured}`,
    );
  }
});

Deno.test("the total is the sum of its parts at the peak", () => {
  for (const optimizer of ["sgd", "adam"] as const) {
    for (const batchSize of [1, 8, 64]) {
      const p = predictTrainingMemory({ ...tiny, optimizer, batchSize });
      assert.equal(
        p.totalPeakBytes,
        p.parameterBytes + p.optimizerBytes + p.inputBytes + p.activationBytes +
          p.gradientBytes + p.transientBytes,
      );
    }
  }
});

Deno.test("parameters, gradients and slots follow the network and the optimizer", () => {
  const seed = {
    ...tiny,
    model: { variant: "vgg16" as const, inputSize: 224, denseWidth: 4096 },
  };
  const momentum = predictTrainingMemory(seed);
  // VGG16 with 10 classes: 134,301,514 weights of 4 bytes.
  assert.equal(momentum.trainableParameters, 134_301_514);
  assert.equal(momentum.parameterBytes, 4 * 134_301_514);
  assert.equal(
    momentum.optimizerBytes,
    momentum.parameterBytes,
    "momentum: 1 slot",
  );
  const adam = predictTrainingMemory({ ...seed, optimizer: "adam" });
  assert.equal(adam.optimizerBytes, 2 * adam.parameterBytes, "adam: 2 slots");
  assert.equal(
    predictTrainingMemory({ ...seed, momentum: 0 }).optimizerBytes,
    0,
  );
  // Adam's update makes 14 temporaries per weight in one tidy: the update is its peak.
  assert.equal(adam.peak.phase, "update");
  assert.equal(adam.transientBytes, 14 * adam.parameterBytes);
  const half = predictTrainingMemory(seed, { bytesPerElement: 2 });
  assert.equal(half.parameterBytes, momentum.parameterBytes / 2);
});

Deno.test("activations dominate at 224x224 and grow affinely with the batch", () => {
  const seed = {
    ...tiny,
    model: { variant: "vgg16" as const, inputSize: 224, denseWidth: 4096 },
  };
  const peaks = [8, 16, 32, 64].map((batchSize) =>
    predictTrainingMemory({ ...seed, batchSize })
  );
  for (const p of peaks) {
    assert.equal(p.peak.phase, "backward");
    assert.equal(
      p.peak.layer,
      "conv1_1_relu",
      "the first ReLU's gradient is the peak",
    );
    assert.ok(p.activationBytes + p.gradientBytes > 2 * p.parameterBytes);
  }
  const perImage = (peaks[1].totalPeakBytes - peaks[0].totalPeakBytes) / 8;
  for (const [i, batch] of [16, 32, 64].entries()) {
    assert.equal(
      peaks[i + 1].totalPeakBytes - peaks[0].totalPeakBytes,
      perImage * (batch - 8),
    );
  }
});

Deno.test("per-layer memory names every layer and its saved activations", () => {
  const p = predictTrainingMemory(tiny);
  assert.deepEqual(p.perLayer.slice(0, 3).map((l) => l.name), [
    "conv1_1",
    "conv1_1_relu",
    "pool1",
  ]);
  const conv = p.perLayer[0];
  // conv1_1: 3x3x3x8 kernel + 8 biases; input 4x32x32x3, output 4x32x32x8, floats.
  assert.equal(conv.parameterBytes, 4 * (216 + 8));
  assert.equal(
    conv.savedBytes,
    4 * (4 * 32 * 32 * 3 + 216 + 8 + 4 * 32 * 32 * 8),
  );
  assert.equal(p.perLayer.at(-1)?.name, "logits");
  assert.equal(
    p.perLayer.reduce((sum, l) => sum + l.parameterBytes, 0),
    p.parameterBytes,
  );
});

Deno.test("bad input is a one-line ConfigError", () => {
  const cases: [TrainingMemoryInput, RegExp][] = [
    [{ ...tiny, batchSize: 0 }, /batch size must be an integer >= 1, got 0/],
    [{ ...tiny, momentum: 1 }, /momentum must be in \[0, 1\)/],
    [{ ...tiny, optimizer: "rmsprop" as never }, /unknown optimizer "rmsprop"/],
    [
      { ...tiny, model: { inputSize: 100 } },
      /inputSize must be a multiple of 32/,
    ],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => predictTrainingMemory(input), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, message);
      return true;
    });
  }
  assert.throws(
    () => predictTrainingMemory(tiny, { bytesPerElement: 3 }),
    ConfigError,
  );
});

Deno.test("updateRuleOf names the slots an optimizer keeps", () => {
  assert.equal(updateRuleOf({ optimizer: "sgd", momentum: 0 }), "sgd");
  assert.equal(updateRuleOf({ optimizer: "sgd", momentum: 0.5 }), "momentum");
  assert.equal(updateRuleOf({ optimizer: "adam", momentum: 0.9 }), "adam");
});
