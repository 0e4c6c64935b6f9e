import assert from "node:assert/strict";
import type { EpochMetrics } from "../train/train.ts";
import { TrainingTrace } from "./training_chart.ts";
import { renderSvg } from "./vega_bundle.ts";

function step(n: number, loss: number) {
  return {
    step: n,
    epoch: 1,
    epochStep: n,
    epochSteps: 1000,
    loss,
    accuracy: 0.5,
    images: 8,
  };
}

const epoch: EpochMetrics = {
  epoch: 1,
  step: 10,
  trainLoss: 2,
  trainAccuracy: 0.3,
  testLoss: 2.1,
  testAccuracy: 0.25,
  trainSeconds: 1,
  imagesPerSecond: 80,
};

/** The values of the first layer of each panel (the step points) and the test points. */
function data(spec: Record<string, unknown>) {
  const panels = spec.hconcat as {
    layer: { data: { values: Record<string, number>[] } }[];
  }[];
  return {
    loss: panels[0].layer[0].data.values,
    chance: panels[0].layer[1].data.values[0].chance,
    test: panels[1].layer[1].data.values,
  };
}

Deno.test("TrainingTrace draws every step, the chance line ln 10 and the test accuracy", async () => {
  const trace = new TrainingTrace();
  for (let n = 1; n <= 10; n++) trace.recordStep(step(n, 2.3 - n / 10));
  trace.recordEpoch(epoch);
  const spec = trace.spec("run");
  const { loss, chance, test } = data(spec);
  assert.equal(loss.length, 10);
  assert.equal(chance, Math.log(10));
  assert.deepEqual(test, [{ step: 10, epoch: 1, testAccuracy: 0.25 }]);
  assert.match(await renderSvg(spec), /chance: ln 10 = 2\.30/);
});

Deno.test("TrainingTrace averages long runs into at most maxPoints and drops non-finite losses", () => {
  const trace = new TrainingTrace({ maxPoints: 100 });
  for (let n = 1; n <= 1000; n++) {
    trace.recordStep(step(n, n % 2 === 0 ? 1 : 3));
  }
  trace.recordStep(step(1001, NaN));
  const { loss } = data(trace.spec());
  assert.equal(loss.length, 100);
  assert.deepEqual(loss[0], { step: 10, loss: 2, accuracy: 0.5 });
  assert.equal(trace.steps.length, 1001);
});
