import assert from "node:assert/strict";
import { ConfigError } from "../util/errors.ts";
import {
  type GridDefinition,
  longestFirst,
  planRuns,
  type ProfileDefinition,
} from "./plan.ts";

const PROFILE: ProfileDefinition = {
  name: "smoke",
  description: "test",
  base: {
    model: { variant: "vgg11", widthMultiplier: 0.125, denseWidth: 32 },
    trainSubset: 100,
    testSubset: 50,
    batchSize: 10,
    seed: 7,
  },
};

const GRIDS: GridDefinition[] = [
  {
    name: "lr",
    knob: "lr",
    description: "",
    values: { smoke: [0.01, 0.1], cpu: [1] },
  },
  {
    name: "resolution",
    knob: "inputSize",
    description: "",
    values: { smoke: [32, 64] },
    fixed: { epochs: 3 },
    fixedByProfile: { smoke: { epochs: 2, model: { denseWidth: 16 } } },
  },
  {
    name: "gpu-only",
    knob: "batchSize",
    description: "",
    values: { gpu: [8] },
  },
];

const plan = (seeds?: number) =>
  planRuns({ grids: GRIDS, profile: PROFILE, seeds, resultsDir: "/r" });

Deno.test("a plan has one run per grid value and seed, in a fixed order", () => {
  const runs = plan(2);
  assert.equal(runs.length, 8);
  assert.deepEqual(
    runs.map((r) => `${r.spec.grid}:${r.spec.value}:${r.spec.seedIndex}`),
    [
      "lr:0.01:0",
      "lr:0.01:1",
      "lr:0.1:0",
      "lr:0.1:1",
      "resolution:32:0",
      "resolution:32:1",
      "resolution:64:0",
      "resolution:64:1",
    ],
  );
  assert.deepEqual(plan(2).map((r) => r.hash), runs.map((r) => r.hash));
  assert.equal(new Set(runs.map((r) => r.hash)).size, 8);
  assert.equal(runs[0].dir, `/r/runs/lr/${runs[0].hash}`);
  assert.equal(runs[0].lockPath, `${runs[0].dir}.lock`);
});

Deno.test("the knob, the grid's fixed settings and the seed index reach the resolved config", () => {
  const [lr, lrSeed1, , , res] = plan(2);
  assert.equal(lr.spec.train.lr, 0.01);
  assert.equal(lr.spec.train.seed, 7);
  assert.equal(lrSeed1.spec.train.seed, 8);
  assert.equal(lr.spec.train.model.denseWidth, 32);
  assert.equal(res.spec.train.model.inputSize, 32);
  assert.equal(res.spec.train.epochs, 2, "per-profile settings win");
  assert.equal(res.spec.train.model.denseWidth, 16);
  assert.equal(res.spec.train.model.variant, "vgg11", "model fields merge");
});

Deno.test("an invalid grid value is a one-line error naming the grid, before anything runs", () => {
  const bad: GridDefinition = {
    name: "resolution",
    knob: "inputSize",
    description: "",
    values: { smoke: [48] },
  };
  assert.throws(
    () => planRuns({ grids: [bad], profile: PROFILE, resultsDir: "/r" }),
    (error: Error) =>
      error instanceof ConfigError &&
      /grid "resolution" \(smoke, inputSize = 48\)/.test(error.message),
  );
  assert.throws(() => plan(0), /--seeds must be an integer >= 1/);
});

Deno.test("longest runs go first; a bigger input costs more", () => {
  const runs = plan(1);
  const ordered = longestFirst(runs);
  assert.equal(ordered[0].spec.value, 64);
  assert.ok(ordered[0].costFlops > 3 * runs[0].costFlops);
});
