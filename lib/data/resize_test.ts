import assert from "node:assert/strict";
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { resizeImages } from "./resize.ts";
import { createRng } from "../util/random.ts";
import { ConfigError } from "../util/errors.ts";

await tf.setBackend("cpu");

function randomImages(
  count: number,
  h: number,
  w: number,
  seed: number,
): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: count * 3 * h * w }, () => rng() * 2 - 1);
}

/** tf.image's result (halfPixelCenters) for NHWC `src`, as a flat array. */
function tfResize(
  src: Float32Array,
  shape: [number, number, number, number],
  out: [number, number],
  method: "bilinear" | "nearest",
): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(src, shape);
    const y = method === "bilinear"
      ? tf.image.resizeBilinear(x, out, false, true)
      : tf.image.resizeNearestNeighbor(x, out, false, true);
    return y.dataSync() as Float32Array;
  });
}

for (const method of ["bilinear", "nearest"] as const) {
  Deno.test(`${method} resize equals tf.image (halfPixelCenters) on the cpu backend exactly`, () => {
    const src = randomImages(2, 32, 32, 7);
    for (
      const [outH, outW] of [
        [32, 32],
        [64, 64],
        [96, 96],
        [224, 224],
        [20, 20],
        [45, 37],
      ]
    ) {
      const ours = resizeImages(src, {
        count: 2,
        height: 32,
        width: 32,
        outHeight: outH,
        outWidth: outW,
        method,
        inputLayout: "nhwc",
      });
      const theirs = tfResize(src, [2, 32, 32, 3], [outH, outW], method);
      assert.deepEqual(ours, theirs, `${method} 32x32 -> ${outH}x${outW}`);
    }
    assert.equal(tf.memory().numTensors, 0);
  });
}

Deno.test("planar and interleaved layouts give the same pixels", () => {
  const count = 2, h = 5, w = 7, outH = 11, outW = 4;
  const nhwc = randomImages(count, h, w, 3);
  const nchw = new Float32Array(nhwc.length);
  for (let n = 0; n < count; n++) {
    for (let p = 0; p < h * w; p++) {
      for (let c = 0; c < 3; c++) {
        nchw[(n * 3 + c) * h * w + p] = nhwc[(n * h * w + p) * 3 + c];
      }
    }
  }
  const options = {
    count,
    height: h,
    width: w,
    outHeight: outH,
    outWidth: outW,
  };
  const fromNhwc = resizeImages(nhwc, { ...options, inputLayout: "nhwc" });
  const fromNchw = resizeImages(nchw, {
    ...options,
    inputLayout: "nchw",
    outputLayout: "nhwc",
  });
  assert.deepEqual(fromNchw, fromNhwc);
  assert.deepEqual(
    fromNhwc,
    tfResize(nhwc, [count, h, w, 3], [outH, outW], "bilinear"),
  );
});

Deno.test("bilinear upsampling by 2 blends neighbours with weights 1/4 and 3/4", () => {
  const src = Float32Array.from([0, 4]); // one 1x2 image, one channel
  const out = resizeImages(src, {
    count: 1,
    channels: 1,
    height: 1,
    width: 2,
    outHeight: 1,
    outWidth: 4,
  });
  assert.deepEqual([...out], [0, 1, 3, 4]);
});

Deno.test("bad resize options are one-line ConfigErrors", () => {
  const src = new Float32Array(3 * 4);
  const base = { count: 1, height: 2, width: 2, outHeight: 4 };
  assert.throws(
    () => resizeImages(src, { ...base, outHeight: 0 }),
    new ConfigError("resize: outHeight must be a positive integer, got 0"),
  );
  assert.throws(
    () => resizeImages(src, { ...base, width: 3 }),
    /source has 12 values, expected 1x3x2x3/,
  );
  assert.throws(
    () => resizeImages(src, { ...base, method: "bicubic" as "nearest" }),
    /method must be one of bilinear, nearest, got bicubic/,
  );
  assert.throws(
    () => resizeImages(src, { ...base, out: new Float32Array(5) }),
    /output has 5 values, expected 48/,
  );
});
