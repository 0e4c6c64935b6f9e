import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "../backend/select.ts";
import { type Cifar10, loadCifar10 } from "../data/cifar10.ts";
import { cachedChannelStats } from "../data/stats.ts";
import { realDataGate, requireRealData } from "../data/test_support.ts";
import { loadModel } from "../record/model_store.ts";
import { RunWriter } from "../record/run_writer.ts";
import { readMetricsLog } from "../record/metrics_log.ts";
import { resolveTrainConfig, type TrainConfigInput } from "./config.ts";
import { windowMean } from "./status.ts";
import { evaluate, subsetIndices, train, type TrainData } from "./train.ts";

const gate = realDataGate();
let cached: Promise<TrainData & Cifar10> | undefined;

/** The real data, loaded once for all tests of this file, on the wasm engine. */
function realData(): Promise<TrainData & Cifar10> {
  cached ??= (async () => {
    await selectBackend({ backend: "wasm" });
    const data = await loadCifar10(requireRealData(gate));
    return { ...data, normalization: await cachedChannelStats(data) };
  })();
  return cached;
}

/** A small VGG11 (8..64 channels) on a few hundred images: seconds per run. */
function tinyConfig(overrides: TrainConfigInput = {}) {
  return resolveTrainConfig({
    trainSubset: 200,
    testSubset: 100,
    batchSize: 20,
    epochs: 1,
    lr: 0.01,
    ...overrides,
    model: {
      variant: "vgg11",
      widthMultiplier: 0.125,
      denseWidth: 32,
      ...overrides.model,
    },
  });
}

Deno.test({
  name: "same seed and backend give the same numbers; another seed does not",
  ignore: gate.ignore,
  async fn() {
    const data = await realData();
    const run = async (seed: number) => {
      const result = await train(tinyConfig({ seed, epochs: 2 }), data);
      result.model.dispose();
      return { losses: result.losses, test: result.final?.testLoss };
    };
    const first = await run(3);
    assert.equal(first.losses.length, 20);
    assert.deepEqual(await run(3), first);
    assert.notDeepEqual((await run(4)).losses, first.losses);
  },
});

Deno.test({
  name: "tensor count stays flat across epochs and the run frees what it made",
  ignore: gate.ignore,
  async fn() {
    const data = await realData();
    // A first run fills tfjs's one-time caches (e.g. tfjs-layers' cached scalars).
    (await train(tinyConfig(), data)).model.dispose();
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const result = await train(tinyConfig({ epochs: 3 }), data, {
      onEpoch: () => {
        counts.push(tf.memory().numTensors);
      },
    });
    assert.equal(counts.length, 3);
    assert.equal(counts[2], counts[1], `tensors per epoch: ${counts}`);
    assert.equal(counts[1], counts[0], `tensors per epoch: ${counts}`);
    result.model.dispose();
    assert.equal(tf.memory().numTensors, before);
  },
});

Deno.test({
  name:
    "a huge learning rate ends the run as diverged at the first non-finite loss",
  ignore: gate.ignore,
  async fn() {
    const data = await realData();
    const result = await train(tinyConfig({ lr: 1e8, epochs: 3 }), data);
    result.model.dispose();
    assert.equal(result.status, "diverged", result.statusReason);
    assert.ok(!Number.isFinite(result.losses.at(-1)!));
    assert.ok(result.losses.slice(0, -1).every(Number.isFinite));
    assert.ok(result.epochs.length < 3);
  },
});

Deno.test({
  name:
    "a too-large learning rate leaves the loss stuck at ln 10 (the seed's F3)",
  ignore: gate.ignore,
  async fn() {
    const data = await realData();
    const result = await train(
      tinyConfig({
        lr: 0.2,
        trainSubset: 500,
        batchSize: 50,
        epochs: 5,
        stuck: { warmupSteps: 20, windowSteps: 20 },
        model: { dropout: 0 },
      }),
      data,
    );
    result.model.dispose();
    assert.equal(result.status, "stuck_at_chance", result.statusReason);
    assert.ok(Math.abs(windowMean(result.losses, 20) - Math.log(10)) <= 0.02);
    assert.ok(Math.abs(result.final!.testAccuracy - 0.1) < 0.02);
  },
});

Deno.test({
  name:
    "a network that can learn does: loss falls well below ln 10 and the run is ok",
  ignore: gate.ignore,
  async fn() {
    const data = await realData();
    const result = await train(
      tinyConfig({
        lr: 0.02,
        trainSubset: 100,
        epochs: 6,
        stuck: { warmupSteps: 10, windowSteps: 20 },
        model: { batchNorm: true, dropout: 0 },
      }),
      data,
    );
    result.model.dispose();
    assert.equal(result.status, "ok", result.statusReason);
    const tail = result.losses.slice(-10);
    assert.ok(windowMean(tail, 10) < 2.0, `${tail}`);
    assert.ok(result.final!.trainAccuracy > 0.3);
  },
});

Deno.test({
  name: "a recorded run saves a model that reloads with the same test accuracy",
  ignore: gate.ignore,
  async fn() {
    const data = await realData();
    const dir = await mkdtemp(path.join(tmpdir(), "run-"));
    try {
      const config = tinyConfig({ epochs: 2, lr: 0.02 });
      const writer = await RunWriter.open(dir, { config });
      const result = await train(config, data, writer.hooks);
      const summary = await writer.finish(result);
      result.model.dispose();
      assert.equal(summary.model, "model");
      const rows = await readMetricsLog(path.join(dir, "metrics.jsonl"));
      assert.equal(rows.filter((r) => r.type === "step").length, 20);
      assert.equal(rows.filter((r) => r.type === "epoch").length, 2);

      const { model, meta } = await loadModel(path.join(dir, "model"));
      const test = await evaluate(model, data.test, {
        batchSize: 50,
        mean: data.normalization.mean,
        std: data.normalization.std,
        order: subsetIndices(data.test, config.testSubset, config.seed),
      });
      model.dispose();
      assert.equal(test.accuracy, result.final?.testAccuracy);
      assert.ok(Math.abs(test.loss - result.final!.testLoss) < 1e-5);
      assert.equal((meta.metrics as { status: string }).status, summary.status);
    } finally {
      await rm(dir, { recursive: true });
    }
  },
});
