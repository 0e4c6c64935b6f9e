import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { SuiteError } from "../util/errors.ts";
import { resolveTrainConfig } from "../train/config.ts";
import { MemoryBudgetError, MemoryBudgetGuard } from "./budget_check.ts";
import { predictTrainingMemory } from "./training_memory.ts";

const seed = resolveTrainConfig({
  batchSize: 32,
  model: { inputSize: 224, denseWidth: 4096 },
});

Deno.test("a run predicted over its budget is refused before any compute, with both numbers", () => {
  const predicted = predictTrainingMemory(seed).totalPeakBytes;
  assert.throws(
    () => MemoryBudgetGuard.start(seed, 4 * 2 ** 30),
    (e: unknown) => {
      assert.ok(e instanceof MemoryBudgetError && e instanceof SuiteError);
      assert.deepEqual(e.memory, {
        predictedPeakBytes: predicted,
        budgetBytes: 4 * 2 ** 30,
      });
      assert.match(
        e.message,
        /^predicted peak 12\.3 GiB \(\d+ bytes\) exceeds the memory budget of 4\.0 GiB/,
      );
      assert.doesNotMatch(e.message, /\n/);
      return true;
    },
  );
});

Deno.test("a run measured over its budget is stopped; without a budget the guard only records", async () => {
  await tf.setBackend("cpu");
  const small = resolveTrainConfig({
    model: { variant: "vgg11", widthMultiplier: 0.125 },
  });
  const predicted = predictTrainingMemory(small).totalPeakBytes;
  // The budget sits above the prediction, so only the measurement can exceed it.
  const guard = MemoryBudgetGuard.start(small, predicted + 1);
  const recorder = MemoryBudgetGuard.start(small);
  try {
    tf.tidy(() => {
      tf.add(tf.zeros([predicted / 4]), 1);
    });
    assert.throws(() => guard.check(), (e: unknown) => {
      assert.ok(e instanceof MemoryBudgetError);
      assert.equal(e.memory.predictedPeakBytes, predicted);
      assert.ok((e.memory.measuredPeakBytes ?? 0) >= 2 * predicted);
      assert.match(
        e.message,
        /^measured peak .* \(predicted .*\) exceeds the memory budget/,
      );
      return true;
    });
    recorder.check();
  } finally {
    guard.stop();
    recorder.stop();
  }
  const record = recorder.record();
  assert.equal(record.predictedPeakBytes, predicted);
  assert.ok((record.measuredPeakBytes ?? 0) >= 2 * predicted);
  assert.equal(record.budgetBytes, undefined);
});
