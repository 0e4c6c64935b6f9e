import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { timeKernels } from "./kernel_timing.ts";

Deno.test("kernel times are charged to the kernels that ran, and restore undoes the wrapping", async () => {
  await tf.setBackend("cpu");
  const before = tf.getKernelsForBackend("cpu").map((k) => k.kernelFunc);
  const timing = timeKernels("cpu");
  const a = tf.ones([32, 32]);
  tf.matMul(a, a).dispose();
  tf.matMul(a, a).dispose();
  tf.relu(a).dispose();
  const report = timing.report();
  const matMul = report.find((r) => r.kernel === "BatchMatMul");
  assert.equal(matMul?.calls, 2);
  assert.equal(report.find((r) => r.kernel === "Relu")?.calls, 1);
  const shares = report.reduce((sum, r) => sum + r.share, 0);
  assert.ok(Math.abs(shares - 1) < 1e-9);
  timing.reset();
  assert.deepEqual(timing.report(), []);
  timing.restore();
  const after = tf.getKernelsForBackend("cpu").map((k) => k.kernelFunc);
  assert.deepEqual(new Set(after), new Set(before));
  a.dispose();
});
