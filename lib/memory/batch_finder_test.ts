import assert from "node:assert/strict";
import { resolveTrainConfig } from "../train/config.ts";
import { ConfigError } from "../util/errors.ts";
import { type BatchTrial, findLargestBatch } from "./batch_finder.ts";
import { predictTrainingMemory } from "./training_memory.ts";

const config = resolveTrainConfig({
  model: { variant: "vgg16", widthMultiplier: 0.25, denseWidth: 256 },
});
const peak = (batchSize: number) =>
  predictTrainingMemory({ ...config, batchSize }).totalPeakBytes;
const budget = 64 * 2 ** 20;

/** A device whose real peak is the prediction times `scale`, running out at `budget`. */
function device(scale: number) {
  const tried: number[] = [];
  const confirm = (batchSize: number): Promise<BatchTrial> => {
    tried.push(batchSize);
    const bytes = Math.round(peak(batchSize) * scale);
    return Promise.resolve(
      bytes > budget
        ? {
          batchSize,
          status: "oom",
          measuredPeakBytes: null,
          message: "out of memory",
        }
        : { batchSize, status: "ok", measuredPeakBytes: bytes },
    );
  };
  return { tried, confirm };
}

Deno.test("the model's largest batch keeps the margin free", async () => {
  const found = await findLargestBatch(config, {
    budgetBytes: budget,
    margin: 0.1,
  });
  const b = found.predictedBatchSize!;
  assert.equal(found.batchSize, b);
  assert.equal(found.limitBytes, Math.floor(budget * 0.9));
  assert.ok(peak(b) <= found.limitBytes && peak(b + 1) > found.limitBytes);
  assert.deepEqual(found.trials, []);
  assert.match(found.reason, /not confirmed/);
  const noMargin = await findLargestBatch(config, {
    budgetBytes: budget,
    margin: 0,
  });
  assert.ok(noMargin.batchSize! > b);
  const capped = await findLargestBatch(config, {
    budgetBytes: 2 ** 40,
    maxBatch: 256,
  });
  assert.equal(capped.batchSize, 256);
});

Deno.test("a real step confirms the predicted batch in one try", async () => {
  const { tried, confirm } = device(1);
  const found = await findLargestBatch(config, {
    budgetBytes: budget,
    confirm,
  });
  assert.deepEqual(tried, [found.predictedBatchSize]);
  assert.equal(found.batchSize, found.predictedBatchSize);
  assert.equal(found.measuredPeakBytes, peak(found.batchSize!));
});

Deno.test("when the first real try fails, bisection finds the largest batch that runs", async () => {
  // The real device needs 40% more than predicted: the predicted batch runs out of memory.
  const { tried, confirm } = device(1.4);
  const found = await findLargestBatch(config, {
    budgetBytes: budget,
    margin: 0,
    confirm,
  });
  const expected = Array.from({ length: 200 }, (_, i) => i + 1)
    .filter((b) => Math.round(peak(b) * 1.4) <= budget).at(-1)!;
  assert.equal(found.batchSize, expected);
  assert.equal(tried[0], found.predictedBatchSize);
  assert.ok(
    tried.length <= Math.ceil(Math.log2(found.predictedBatchSize!)) + 1,
  );
  assert.equal(found.trials[0].status, "oom");
  assert.match(found.reason, /did not fit .*out of memory.*largest below it/);
});

Deno.test("nothing fits: by the model, or when even batch 1 fails for real", async () => {
  const tiny = await findLargestBatch(config, { budgetBytes: 1e6 });
  assert.equal(tiny.batchSize, null);
  assert.equal(tiny.predictedBatchSize, null);
  assert.match(tiny.reason, /even batch 1 is predicted to need/);
  const broken = await findLargestBatch(config, {
    budgetBytes: budget,
    confirm: (batchSize) =>
      Promise.resolve({
        batchSize,
        status: "error",
        measuredPeakBytes: null,
        message: "boom",
      }),
  });
  assert.equal(broken.batchSize, null);
  assert.equal(broken.trials.at(-1)?.batchSize, 1);
  assert.match(broken.reason, /even batch 1 failed \(batch 1: error, boom\)/);
});

Deno.test("bad search options are one-line errors", async () => {
  await assert.rejects(
    () => findLargestBatch(config, { budgetBytes: 0 }),
    ConfigError,
  );
  await assert.rejects(
    () => findLargestBatch(config, { budgetBytes: budget, margin: 1 }),
    /margin must be in \[0, 1\), got 1/,
  );
  await assert.rejects(
    () => findLargestBatch(config, { budgetBytes: budget, maxBatch: 0 }),
    /maximum batch must be an integer >= 1/,
  );
});
