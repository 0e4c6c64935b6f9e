import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TrainResult } from "../train/train.ts";
import { type RunSummary, RunWriter } from "./run_writer.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "run-writer-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const readSummary = async (dir: string) =>
  JSON.parse(
    await readFile(path.join(dir, "summary.json"), "utf8"),
  ) as RunSummary;

Deno.test("an ablation run's summary carries its grid, hash, seed and memory", async () => {
  await withDir(async (dir) => {
    const spec = { grid: "lr", train: { seed: 5 } };
    const writer = await RunWriter.open(dir, {
      config: spec,
      identity: { grid: "lr", hash: "0123456789abcdef" },
    });
    await writer.hooks.onStep?.({
      step: 1,
      epoch: 1,
      epochStep: 1,
      epochSteps: 1,
      loss: 2.3,
      accuracy: 0.1,
      images: 10,
    });
    const result = {
      status: "stuck_at_chance",
      statusReason: "at chance",
      steps: 1,
      losses: [2.3],
      epochs: [],
      bestTestAccuracy: NaN,
      imagesPerSecond: 50,
      wallSeconds: 0.2,
    } as unknown as TrainResult;
    await writer.finish(result, {
      saveTrainedModel: false,
      memory: { predictedPeakBytes: 10, measuredPeakBytes: 20 },
    });
    const summary = await readSummary(dir);
    assert.equal(summary.grid, "lr");
    assert.equal(summary.hash, "0123456789abcdef");
    assert.equal(summary.seed, 5);
    assert.equal(summary.status, "stuck_at_chance");
    assert.deepEqual(summary.memory, {
      predictedPeakBytes: 10,
      measuredPeakBytes: 20,
    });
    assert.equal(summary.bestTestAccuracy, null);
    assert.deepEqual(
      JSON.parse(await readFile(path.join(dir, "config.json"), "utf8")),
      spec,
    );
  });
});

Deno.test("a failed run records its status and reason, without memory when none is given", async () => {
  await withDir(async (dir) => {
    const writer = await RunWriter.open(dir, { config: { seed: 1 } });
    await writer.fail("oom", "wasm out of memory");
    const summary = await readSummary(dir);
    assert.equal(summary.status, "oom");
    assert.equal(summary.statusReason, "wasm out of memory");
    assert.equal(summary.seed, 1);
    assert.equal("memory" in summary, false);
    assert.equal("grid" in summary, false);
  });
});
