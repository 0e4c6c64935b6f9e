import assert from "node:assert/strict";
import { planRuns } from "../lib/store/plan.ts";
import { PROFILE_NAMES } from "../lib/store/run_spec.ts";
import { GRIDS, lrFindOfProfile, PROFILES, SEED_BASELINE } from "./grids.ts";

Deno.test("every grid plans under every profile, with a distinct directory per run", () => {
  for (const name of PROFILE_NAMES) {
    const runs = planRuns({
      grids: GRIDS,
      profile: PROFILES[name],
      resultsDir: "/r",
    });
    assert.ok(runs.length > 0, name);
    assert.equal(new Set(runs.map((r) => r.dir)).size, runs.length, name);
    assert.equal(lrFindOfProfile(PROFILES[name]).name, `lr-${name}`);
  }
});

Deno.test("the gpu profile trains the seed's network: VGG16, 224x224, dense 4096", () => {
  const [run] = planRuns({
    grids: [GRIDS[0]],
    profile: PROFILES.gpu,
    resultsDir: "/r",
  });
  const { model } = run.spec.train;
  assert.deepEqual(
    [model.variant, model.inputSize, model.denseWidth, model.batchNorm],
    ["vgg16", 224, 4096, false],
  );
  assert.equal(SEED_BASELINE.model?.inputSize, 224);
});

Deno.test("the cpu lr grid spans learning rates that learn and ones that stick at chance", () => {
  const lrs = GRIDS.find((g) => g.name === "lr")?.values.cpu ?? [];
  assert.ok(
    lrs.some((lr) => lr <= 0.01) && lrs.some((lr) => lr >= 0.1),
    `${lrs}`,
  );
  const [run] = planRuns({
    grids: GRIDS,
    profile: PROFILES.cpu,
    resultsDir: "/r",
  });
  const { stuck, epochs, trainSubset, batchSize } = run.spec.train;
  const steps = epochs * Math.ceil(trainSubset / batchSize);
  assert.ok(
    steps >= stuck.warmupSteps + stuck.windowSteps,
    "the stuck rule can apply",
  );
});
