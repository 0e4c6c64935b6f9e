import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "../backend/select.ts";
import { resolveTrainConfig, type TrainConfigInput } from "../train/config.ts";
import { ConfigError } from "../util/errors.ts";
import { measureTrainingMemory } from "./measure.ts";
import { predictTrainingMemory } from "./training_memory.ts";

const tinyModel = {
  variant: "vgg11",
  widthMultiplier: 0.125,
  denseWidth: 64,
} as const;

Deno.test("measured and predicted peaks agree within 10% on wasm (momentum, Adam, batch norm)", async () => {
  await selectBackend({ backend: "wasm" });
  const inputs: TrainConfigInput[] = [
    { batchSize: 4, model: tinyModel },
    { batchSize: 2, optimizer: "adam", model: tinyModel },
    {
      batchSize: 2,
      momentum: 0,
      model: { ...tinyModel, batchNorm: true, dropout: 0 },
    },
  ];
  for (const input of inputs) {
    const config = resolveTrainConfig(input);
    const measured = await measureTrainingMemory(config);
    assert.equal(measured.status, "ok");
    assert.equal(measured.backend, "wasm");
    assert.equal(measured.steps, 2);
    const predicted = predictTrainingMemory(config).totalPeakBytes;
    const error = Math.abs(predicted - measured.tensorPeakBytes!) /
      measured.tensorPeakBytes!;
    assert.ok(
      error < 0.1,
      `${JSON.stringify(input)}: ${predicted} vs ${measured.tensorPeakBytes}`,
    );
    assert.ok(measured.bufferPeakBytes! <= measured.tensorPeakBytes!);
    assert.ok(measured.heapBytes! >= measured.bufferPeakBytes!);
    assert.ok(measured.rssBytes > measured.heapBytes!);
  }
  assert.equal(tf.memory().numTensors, 0, "everything measured is freed");
});

Deno.test("a batch over the wasm heap is an oom result, and the next config runs in the same process", async () => {
  await selectBackend({ backend: "wasm" });
  // The input batch alone is 4.3 GB, over the 4 GiB heap: the first allocation fails at once.
  const huge = resolveTrainConfig({
    batchSize: 7200,
    model: { ...tinyModel, inputSize: 224 },
  });
  const failed = await measureTrainingMemory(huge);
  assert.equal(failed.status, "oom");
  assert.equal(failed.requestedBytes, 7200 * 224 * 224 * 3 * 4);
  assert.equal(failed.steps, 0);
  assert.equal(failed.tensorPeakBytes, null);
  assert.match(
    failed.message ?? "",
    /^wasm out of memory: could not allocate 4335206400 bytes/,
  );
  assert.equal(tf.memory().numTensors, 0, "the failed model was freed");
  const next = await measureTrainingMemory(
    resolveTrainConfig({ batchSize: 2, model: tinyModel }),
  );
  assert.equal(next.status, "ok");
});

Deno.test("a peak over the budget ends the measurement as oom with the measured bytes", async () => {
  await selectBackend({ backend: "wasm" });
  const config = resolveTrainConfig({ batchSize: 2, model: tinyModel });
  const measured = await measureTrainingMemory(config, {
    budgetBytes: 1_000_000,
    steps: 1,
  });
  assert.equal(measured.status, "oom");
  assert.equal(measured.steps, 1);
  assert.equal(measured.requestedBytes, measured.tensorPeakBytes);
  assert.match(
    measured.message ?? "",
    /exceeds the memory budget of 1000000 bytes/,
  );
  await assert.rejects(
    () => measureTrainingMemory(config, { steps: 0 }),
    ConfigError,
  );
  await assert.rejects(
    () => measureTrainingMemory(config, { budgetBytes: -1 }),
    ConfigError,
  );
});
