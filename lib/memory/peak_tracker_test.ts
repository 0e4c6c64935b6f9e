import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { MemoryPeakTracker } from "./peak_tracker.ts";

Deno.test("the tensor peak is what tf.profile reports; shared buffers count once in the buffer peak", async () => {
  await tf.setBackend("cpu");
  const run = () =>
    tf.tidy(() => {
      const x = tf.ones([1000]); // 4000 bytes
      const view = tf.reshape(x, [10, 100]); // shares x's buffer: +4000 tensor bytes, +0 buffer
      return tf.sum(tf.square(view)); // +4000 (square), then +4 (sum)
    });
  const tracker = MemoryPeakTracker.start();
  const profile = await tf.profile(() => tf.dispose(run()));
  tracker.stop();
  assert.equal(tracker.tensorPeakBytes, profile.peakBytes);
  assert.equal(tracker.tensorPeakBytes, 12_004);
  assert.equal(tracker.bufferPeakBytes, 8_004);
});

/** Holds n zeros and their sum with themselves for a moment: 8n bytes, then nothing. */
function double(n: number): void {
  tf.tidy(() => {
    const zeros = tf.zeros([n]);
    tf.add(zeros, zeros);
  });
}

Deno.test("peaks start at what is held; reset forgets, stop freezes, trackers overlap", async () => {
  await tf.setBackend("cpu");
  const held = tf.zeros([250]); // 1000 bytes held throughout
  const outer = MemoryPeakTracker.start();
  try {
    assert.equal(outer.tensorPeakBytes, tf.memory().numBytes);
    double(2500); // +20000 at once
    const inner = MemoryPeakTracker.start();
    double(500);
    inner.stop();
    assert.equal(inner.tensorPeakBytes, tf.memory().numBytes + 4000);
    assert.equal(outer.tensorPeakBytes, tf.memory().numBytes + 20_000);
    outer.reset();
    assert.equal(outer.tensorPeakBytes, tf.memory().numBytes);
    outer.stop();
    double(5000);
    assert.equal(outer.tensorPeakBytes, tf.memory().numBytes, "stopped");
  } finally {
    outer.stop();
    held.dispose();
  }
});

Deno.test("a stopped tracker leaves the engine as it was", async () => {
  await tf.setBackend("cpu");
  const engine = tf.engine() as unknown as Record<string, unknown>;
  const tracker = MemoryPeakTracker.start();
  assert.ok(Object.hasOwn(engine, "runKernelFunc"));
  tracker.stop();
  assert.ok(!Object.hasOwn(engine, "runKernelFunc"));
  assert.ok(!Object.hasOwn(engine, "trackTensor"));
  assert.ok(!Object.hasOwn(engine, "removeDataId"));
});
