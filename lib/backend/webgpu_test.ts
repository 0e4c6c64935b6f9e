import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
// tfjs-layers registers the gradients of tfjs-core's ops, as it does for training.
import "@tensorflow/tfjs-layers";
import { createRng } from "../util/random.ts";
import { describeAdapter, isSoftwareAdapter, probeWebGpu } from "./webgpu.ts";
import { initWebGpu } from "./webgpu.ts";
import type { GpuAdapterInfoLike, GpuAdapterLike } from "./webgpu.ts";
import type { GpuLike } from "./webgpu.ts";

/** A fake `navigator.gpu` whose one adapter reports `info` (the newer API). */
function fakeGpu(info: GpuAdapterInfoLike): GpuLike {
  const adapter: GpuAdapterLike = {
    features: new Set<string>(),
    limits: {},
    info,
    requestDevice: () => Promise.reject(new Error("no device")),
  };
  return { requestAdapter: () => Promise.resolve(adapter) };
}

Deno.test("isSoftwareAdapter tells CPU rasterisers from GPUs", () => {
  const software = [
    { description: "llvmpipe (LLVM 15.0.6, 256 bits)" },
    { device: "SwiftShader Device (Subzero)" },
    { description: "Microsoft Basic Render Driver" },
  ];
  for (const info of software) assert.equal(isSoftwareAdapter(info), true);
  const gpus = [
    { description: "NVIDIA H200", vendor: "4318" },
    { description: "AMD Radeon RX 7900 XTX (RADV NAVI31)" },
    {},
  ];
  for (const info of gpus) assert.equal(isSoftwareAdapter(info), false);
});

Deno.test("describeAdapter names the adapter, its ids and the fallback flag", () => {
  const lavapipe = { vendor: "65541", device: "0", description: "llvmpipe" };
  assert.equal(
    describeAdapter(lavapipe, true),
    "llvmpipe [vendor 65541, device 0, fallback adapter]",
  );
  const nameless = { vendor: "nvidia", architecture: "hopper", device: "" };
  assert.equal(
    describeAdapter(nameless, false),
    "unnamed adapter [vendor nvidia, architecture hopper]",
  );
});

Deno.test("probeWebGpu marks fallback and software adapters as software", async () => {
  const llvmpipe = { vendor: "65541", description: "llvmpipe (LLVM 15.0.6)" };
  const lavapipe = await probeWebGpu({ gpu: fakeGpu(llvmpipe) });
  assert.ok(lavapipe.available);
  assert.equal(lavapipe.adapter.software, true);

  const fallback = { description: "X", isFallbackAdapter: true };
  const flagged = await probeWebGpu({ gpu: fakeGpu(fallback) });
  assert.ok(flagged.available);
  assert.equal(flagged.adapter.software, true);
  assert.equal(flagged.adapter.summary, "X [fallback adapter]");

  const h200 = { vendor: "4318", description: "NVIDIA H200" };
  const gpu = await probeWebGpu({ gpu: fakeGpu(h200) });
  assert.ok(gpu.available);
  assert.equal(gpu.adapter.software, false);
  assert.equal(gpu.adapter.summary, "NVIDIA H200 [vendor 4318]");
});

Deno.test("probeWebGpu reads the info and flag of older implementations", async () => {
  const adapter: GpuAdapterLike = {
    features: new Set<string>(),
    limits: {},
    isFallbackAdapter: true,
    requestAdapterInfo: () => Promise.resolve({ description: "Some GPU" }),
    requestDevice: () => Promise.reject(new Error("unused")),
  };
  const gpu = { requestAdapter: () => Promise.resolve(adapter) };
  const probe = await probeWebGpu({ gpu });
  assert.ok(probe.available);
  assert.equal(probe.adapter.software, true);
  assert.equal(probe.adapter.summary, "Some GPU [fallback adapter]");
});

Deno.test("probeWebGpu reports a missing or failing adapter as a reason", async () => {
  const none = { requestAdapter: () => Promise.resolve(null) };
  const missing = await probeWebGpu({ gpu: none });
  assert.ok(!missing.available);
  assert.match(missing.reason, /no adapter.*mesa-vulkan-drivers/);

  const crash = new Error("Vulkan loader crashed\nstack");
  const broken = { requestAdapter: () => Promise.reject(crash) };
  const failing = await probeWebGpu({ gpu: broken });
  assert.ok(!failing.available);
  const reason = "navigator.gpu.requestAdapter() failed: Vulkan loader crashed";
  assert.equal(failing.reason, reason);
});

// The rest compares the webgpu backend with the cpu reference on this machine's adapter.
const probe = await probeWebGpu();
const noAdapter = probe.available ? "" : probe.reason;
if (noAdapter !== "") {
  console.log(`webgpu_test: skipping webgpu-vs-cpu checks: ${noAdapter}`);
}

type Outputs = () => tf.Tensor | tf.Tensor[];

/** Computes `fn` on `backend` and reads all outputs back. */
async function run(
  backend: "cpu" | "webgpu",
  fn: Outputs,
): Promise<Float32Array[]> {
  if (backend === "webgpu") {
    await initWebGpu();
    // Small tensors would otherwise be computed by the CPU fallback, not by the shaders under test.
    tf.env().set("WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD", 0);
  } else {
    assert.ok(await tf.setBackend("cpu"));
  }
  const result = tf.tidy(fn);
  const outputs = Array.isArray(result) ? result : [result];
  const values = await Promise.all(outputs.map((t) => t.data<"float32">()));
  tf.dispose(outputs);
  return values;
}

/** Asserts webgpu gives what cpu gives for `fn`, within `tolerance` relative to magnitude 1. */
async function assertSameOnWebGpu(fn: Outputs, tolerance = 1e-3) {
  const expected = await run("cpu", fn);
  const actual = await run("webgpu", fn);
  assert.equal(actual.length, expected.length);
  for (const [output, want] of expected.entries()) {
    const got = actual[output];
    assert.equal(got.length, want.length, `output ${output}: length`);
    for (let i = 0; i < want.length; i++) {
      const error = Math.abs(got[i] - want[i]);
      if (!(error <= tolerance * Math.max(1, Math.abs(want[i])))) {
        assert.fail(`output ${output}[${i}]: webgpu ${got[i]}, cpu ${want[i]}`);
      }
    }
  }
}

/** A tensor of seeded uniform values in [-1, 1), identical on every backend. */
function random(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Float32Array.from({ length: size }, () => rng() * 2 - 1);
  return tf.tensor(values, shape);
}

/** `sum(output * weights)`: a scalar whose gradient checks every output element. */
function weightedSum(output: tf.Tensor, seed: number): tf.Scalar {
  return tf.sum(tf.mul(output, random(output.shape, seed)));
}

const onAdapter = { ignore: noAdapter !== "" };

Deno.test({
  ...onAdapter,
  name: "webgpu conv2d matches cpu: forward and gradients, same and valid",
  fn: () =>
    assertSameOnWebGpu(() => {
      const x = random([2, 9, 9, 3], 1) as tf.Tensor4D;
      const filter = random([3, 3, 3, 8], 2) as tf.Tensor4D;
      const same = (a: tf.Tensor, f: tf.Tensor) => {
        const y = tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, 1, "same");
        return weightedSum(y, 3);
      };
      const valid = (a: tf.Tensor, f: tf.Tensor) => {
        const y = tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, 2, "valid");
        return weightedSum(y, 4);
      };
      return [
        tf.conv2d(x, filter, 1, "same"),
        ...tf.grads(same)([x, filter]),
        tf.conv2d(x, filter, 2, "valid"),
        ...tf.grads(valid)([x, filter]),
      ];
    }),
});

Deno.test({
  ...onAdapter,
  name: "webgpu max and average pooling match cpu: forward and gradients",
  fn: () =>
    assertSameOnWebGpu(() => {
      const x = random([2, 8, 8, 4], 5) as tf.Tensor4D;
      const max = (a: tf.Tensor) => {
        const y = tf.maxPool(a as tf.Tensor4D, 2, 2, "valid");
        return weightedSum(y, 6);
      };
      const avg = (a: tf.Tensor) => {
        const y = tf.avgPool(a as tf.Tensor4D, 2, 2, "valid");
        return weightedSum(y, 7);
      };
      return [
        tf.maxPool(x, 2, 2, "valid"),
        tf.grad(max)(x),
        tf.avgPool(x, 2, 2, "valid"),
        tf.grad(avg)(x),
      ];
    }),
});

Deno.test({
  ...onAdapter,
  name: "webgpu dense, relu, batch norm, softmax cross-entropy match cpu",
  fn: () =>
    assertSameOnWebGpu(() => {
      const inputs = [
        random([8, 32], 8), // x
        random([32, 10], 9), // dense kernel
        random([10], 10), // dense bias
        tf.add(random([10], 11), 1.5), // batch-norm scale
        random([10], 12), // batch-norm offset
      ];
      const classes = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], "int32");
      const labels = tf.oneHot(classes, 10);
      const logits = (...[x, kernel, bias, scale, offset]: tf.Tensor[]) => {
        const product = tf.matMul(x as tf.Tensor2D, kernel as tf.Tensor2D);
        const dense = tf.relu(tf.add(product, bias));
        const { mean, variance } = tf.moments(dense, 0);
        return tf.batchNorm(dense, mean, variance, offset, scale, 1e-3);
      };
      const loss = (...args: tf.Tensor[]): tf.Scalar =>
        tf.losses.softmaxCrossEntropy(labels, logits(...args));
      const gradients = tf.grads(loss)(inputs);
      return [logits(...inputs), loss(...inputs), ...gradients];
    }),
});

Deno.test({
  ...onAdapter,
  name: "webgpu trains a tiny conv net like cpu: two SGD steps",
  fn: () =>
    assertSameOnWebGpu(() => {
      const x = random([4, 8, 8, 3], 11) as tf.Tensor4D;
      const labels = tf.oneHot(tf.tensor1d([3, 1, 4, 1], "int32"), 10);
      const filter = tf.variable(tf.mul(random([3, 3, 3, 8], 12), 0.5));
      const convBias = tf.variable(tf.zeros([8]));
      const kernel = tf.variable(tf.mul(random([128, 10], 13), 0.1));
      const bias = tf.variable(tf.zeros([10]));
      const weights = [filter, convBias, kernel, bias];
      const loss = (): tf.Scalar => {
        const conv = tf.conv2d(x, filter as tf.Tensor4D, 1, "same");
        const relu = tf.relu(tf.add(conv, convBias)) as tf.Tensor4D;
        const pooled = tf.reshape(tf.maxPool(relu, 2, 2, "valid"), [4, 128]);
        const product = tf.matMul(pooled as tf.Tensor2D, kernel as tf.Tensor2D);
        return tf.losses.softmaxCrossEntropy(labels, tf.add(product, bias));
      };
      const optimizer = tf.train.sgd(0.1);
      const step = () => optimizer.minimize(loss, true) as tf.Scalar;
      const losses = [step(), step()];
      const trained = weights.map((weight) => weight.clone());
      tf.dispose(weights);
      optimizer.dispose();
      return [...losses, ...trained];
    }),
});
