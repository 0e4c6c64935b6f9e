// Checks that lib/ runs under Node (npx tsx), not only Deno: loads the real data, trains a tiny
// VGG for a few steps on wasm, saves and reloads the model. Run: npx tsx .ci/node_smoke.mts
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import process from "node:process";
import { selectBackend } from "../lib/backend/select.ts";
import { loadCifar10 } from "../lib/data/cifar10.ts";
import { cachedChannelStats } from "../lib/data/stats.ts";
import { loadModel } from "../lib/record/model_store.ts";
import { RunWriter } from "../lib/record/run_writer.ts";
import { resolveTrainConfig } from "../lib/train/config.ts";
import { train } from "../lib/train/train.ts";

const dir = process.env.CIFAR10_DIR;
assert.ok(dir, "set CIFAR10_DIR to the cifar-10-batches-bin directory");
const backend = await selectBackend({ backend: "wasm" });
const data = await loadCifar10(dir);
const normalization = await cachedChannelStats(data);
const config = resolveTrainConfig({
  trainSubset: 100,
  testSubset: 100,
  batchSize: 20,
  epochs: 1,
  model: { variant: "vgg11", widthMultiplier: 0.125, denseWidth: 16 },
});
const out = await mkdtemp(path.join(tmpdir(), "node-smoke-"));
try {
  const writer = await RunWriter.open(out, { config, backend });
  const result = await train(config, { ...data, normalization }, writer.hooks);
  const summary = await writer.finish(result);
  result.model.dispose();
  const { model } = await loadModel(path.join(out, "model"));
  model.dispose();
  assert.equal(summary.steps, 5);
  console.log(
    `node ${process.version}: ${backend.name} trained ${summary.steps} steps, ` +
      `status ${summary.status}, test accuracy ${summary.final?.testAccuracy}`,
  );
} finally {
  await rm(out, { recursive: true });
}
