import assert from "node:assert/strict";
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { batches, batchImages } from "./batches.ts";
import { IMAGE_BYTES, parseCifarRecords, PLANE_BYTES } from "./cifar10.ts";
import { fakeRecords } from "./test_support.ts";
import { ConfigError } from "../util/errors.ts";

await tf.setBackend("cpu");

const split = parseCifarRecords(
  fakeRecords([3, 1, 4, 1, 5, 9, 2], 1),
  "seven.bin",
);
const stats = { mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3] };

/** The normalised value of channel `c`, row `y`, column `x` of record `i`, computed directly. */
function expected(i: number, c: number, y: number, x: number): number {
  const byte = split.images[i * IMAGE_BYTES + c * PLANE_BYTES + y * 32 + x];
  return (byte / 255 - stats.mean[c]) / stats.std[c];
}

Deno.test("batches yields NHWC float32 images and int32 labels in the given order", () => {
  const order = [6, 0, 2, 5, 1];
  const seen: number[][] = [];
  for (const batch of batches(split, { batchSize: 2, order, ...stats })) {
    assert.equal(batch.xs.dtype, "float32");
    assert.equal(batch.ys.dtype, "int32");
    assert.deepEqual(batch.xs.shape, [batch.indices.length, 32, 32, 3]);
    const xs = batch.xs.dataSync();
    const [k, y, x, c] = [batch.indices.length - 1, 17, 9, 2];
    const i = batch.indices[k];
    assert.ok(
      Math.abs(xs[((k * 32 + y) * 32 + x) * 3 + c] - expected(i, c, y, x)) <
        1e-6,
    );
    assert.deepEqual(
      [...batch.ys.dataSync()],
      [...batch.indices].map((j) => split.labels[j]),
    );
    seen.push([...batch.indices]);
    batch.xs.dispose();
    batch.ys.dispose();
  }
  assert.deepEqual(seen, [[6, 0], [2, 5], [1]]);
  assert.equal(tf.memory().numTensors, 0);
});

Deno.test("dropRemainder skips the short last batch; the default order is record order", () => {
  const sizes: number[][] = [];
  for (
    const { xs, ys, indices } of batches(split, {
      batchSize: 3,
      dropRemainder: true,
      ...stats,
    })
  ) {
    sizes.push([...indices]);
    tf.dispose([xs, ys]);
  }
  assert.deepEqual(sizes, [[0, 1, 2], [3, 4, 5]]);
});

Deno.test("oneHot adds float32 one-hot labels", () => {
  const [batch] = batches(split, { batchSize: 2, oneHot: true, ...stats });
  assert.equal(batch.ysOneHot?.dtype, "float32");
  assert.deepEqual(batch.ysOneHot?.arraySync(), [
    [0, 0, 0, 1, 0, 0, 0, 0, 0, 0],
    [0, 1, 0, 0, 0, 0, 0, 0, 0, 0],
  ]);
  tf.dispose([batch.xs, batch.ys, batch.ysOneHot!]);
});

for (const resize of ["bilinear", "nearest"] as const) {
  Deno.test(`inputSize 64 (${resize}) equals resizing the 32x32 batch with tf.image`, () => {
    const indices = [4, 2];
    const small = batchImages(split, indices, stats);
    const large = batchImages(split, indices, {
      ...stats,
      inputSize: 64,
      resize,
    });
    const reference = tf.tidy(() => {
      const x = tf.tensor4d(small, [2, 32, 32, 3]);
      const y = resize === "bilinear"
        ? tf.image.resizeBilinear(x, [64, 64], false, true)
        : tf.image.resizeNearestNeighbor(x, [64, 64], false, true);
      return y.dataSync() as Float32Array;
    });
    assert.equal(large.length, 2 * 64 * 64 * 3);
    let maxDiff = 0;
    for (let i = 0; i < large.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(large[i] - reference[i]));
    }
    assert.ok(maxDiff < 1e-5, `max difference ${maxDiff}`);
    assert.equal(tf.memory().numTensors, 0);
  });
}

Deno.test("bad batch options are ConfigErrors raised before the first batch", () => {
  assert.throws(
    () => batches(split, { batchSize: 0, ...stats }),
    new ConfigError("batchSize must be a positive integer, got 0"),
  );
  assert.throws(
    () => batches(split, { batchSize: 2, order: [1, 7], ...stats }),
    /order: index 7 at position 1 is outside 0..6/,
  );
  assert.throws(
    () => batches(split, { batchSize: 2, inputSize: 0, ...stats }),
    /inputSize must be a positive integer, got 0/,
  );
  assert.throws(
    () =>
      batches(split, { batchSize: 2, resize: "area" as "nearest", ...stats }),
    /resize must be one of bilinear, nearest, got area/,
  );
  assert.throws(
    () => batches(split, { batchSize: 2, mean: [0, 0, 0], std: [0, 1, 1] }),
    /std must be 3 positive numbers/,
  );
  assert.equal(tf.memory().numTensors, 0);
});
