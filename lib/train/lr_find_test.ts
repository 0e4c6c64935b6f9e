import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "../backend/select.ts";
import { loadCifar10 } from "../data/cifar10.ts";
import { cachedChannelStats } from "../data/stats.ts";
import { realDataGate, requireRealData } from "../data/test_support.ts";
import { resolveTrainConfig } from "./config.ts";
import {
  LossSmoother,
  type LrFindPoint,
  lrRangeTest,
  minLossLr,
  suggestLearningRates,
  sweepLr,
} from "./lr_find.ts";

/** A curve over lr 1e-5..10 (log-spaced): flat, falling fastest near 1e-2, then blowing up. */
function curve(
  n = 100,
  loss?: (logLr: number, i: number) => number,
): LrFindPoint[] {
  const points: LrFindPoint[] = [];
  for (let i = 0; i < n; i++) {
    const lr = sweepLr(i + 1, n, 1e-5, 10);
    const x = Math.log10(lr);
    const value = loss?.(x, i) ??
      (2.3 - 1.2 / (1 + Math.exp(-4 * (x + 2))) +
        (x > -0.5 ? (x + 0.5) ** 2 * 8 : 0));
    points.push({ step: i + 1, lr, loss: value, smoothedLoss: value });
  }
  return points;
}

Deno.test("the sweep is exponential from the start lr to the end lr", () => {
  assert.equal(sweepLr(1, 5, 1e-4, 1), 1e-4);
  assert.ok(Math.abs(sweepLr(5, 5, 1e-4, 1) - 1) < 1e-12);
  assert.ok(Math.abs(sweepLr(3, 5, 1e-4, 1) - 1e-2) < 1e-12);
});

Deno.test("smoothing is bias-corrected, skips non-finite losses and drops lone spikes", () => {
  const smoother = new LossSmoother(0.1, 1);
  assert.ok(
    Math.abs((smoother.add(1, 1e-3, 2.3).smoothedLoss as number) - 2.3) < 1e-12,
  );
  const nan = smoother.add(2, 1e-2, NaN);
  assert.equal(nan.loss, null);
  assert.ok(Math.abs((nan.smoothedLoss as number) - 2.3) < 1e-12);
  const next = smoother.add(3, 1e-1, 1.3).smoothedLoss as number;
  assert.ok(next > 1.3 && next < 2.3);
  const median = new LossSmoother(1, 5);
  const smoothed = [2, 2, 2, 90, 2, 2].map((loss, i) =>
    median.add(i + 1, 1, loss).smoothedLoss
  );
  assert.deepEqual(smoothed, [2, 2, 2, 2, 2, 2]);
});

Deno.test("steepest lies where the loss falls fastest; valley before the minimum", () => {
  const points = curve();
  const { steepest, valley } = suggestLearningRates(points);
  assert.ok(
    steepest !== null && steepest > 3e-3 && steepest < 3e-2,
    `${steepest}`,
  );
  const min = minLossLr(points) as number;
  assert.ok(valley !== null && valley < min, `valley ${valley}, min ${min}`);
  assert.ok(valley > 1e-3, `${valley}`);
});

Deno.test("a one-batch spike in the raw losses moves neither suggestion", () => {
  const smooth = (points: LrFindPoint[]) => {
    const smoother = new LossSmoother(0.05);
    return points.map((p) => smoother.add(p.step, p.lr, p.loss as number));
  };
  const clean = suggestLearningRates(smooth(curve()));
  const spiked = curve();
  spiked[20] = { ...spiked[20], loss: 40 };
  const suggested = suggestLearningRates(smooth(spiked));
  for (const key of ["steepest", "valley"] as const) {
    const ratio = (suggested[key] as number) / (clean[key] as number);
    assert.ok(
      ratio > 0.8 && ratio < 1.25,
      `${key}: ${suggested[key]} vs ${clean[key]}`,
    );
  }
});

Deno.test("a NaN ends the usable curve; points after it never count", () => {
  const points = curve();
  points[60] = { ...points[60], loss: null };
  points[70] = { ...points[70], loss: 0.01, smoothedLoss: 0.01 };
  const min = minLossLr(points) as number;
  assert.ok(min < points[60].lr);
  const { steepest, valley } = suggestLearningRates(points);
  assert.ok(steepest !== null && steepest < points[60].lr);
  assert.ok(valley !== null && valley < points[60].lr);
  assert.deepEqual(suggestLearningRates([]), { steepest: null, valley: null });
});

const gate = realDataGate();

Deno.test({
  name:
    "the range test on real data stops once the loss blows up and frees its tensors",
  ignore: gate.ignore,
  async fn() {
    await selectBackend({ backend: "wasm" });
    const data = await loadCifar10(requireRealData(gate));
    const normalization = await cachedChannelStats(data);
    const config = resolveTrainConfig({
      trainSubset: 100,
      batchSize: 20,
      model: {
        variant: "vgg11",
        widthMultiplier: 0.125,
        denseWidth: 16,
        dropout: 0,
      },
    });
    const before = tf.memory().numTensors;
    const result = await lrRangeTest(config, { ...data, normalization }, {
      startLr: 1e-3,
      endLr: 1e4,
      steps: 40,
    });
    assert.equal(tf.memory().numTensors, before);
    assert.ok(
      result.points.length > 5 && result.points.length < 40,
      result.stoppedBecause,
    );
    assert.match(result.stoppedBecause, /exceeded 4x its best|loss became/);
    assert.ok(
      result.points.every((p, i) => i === 0 || p.lr > result.points[i - 1].lr),
    );
    assert.notEqual(result.minLossLr, null);
  },
});
