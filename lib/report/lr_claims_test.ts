import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadAblationRuns } from "./ablation_runs.ts";
import { resolveClaimRules } from "./claim.ts";
import { producingCommands } from "./commands.ts";
import type { LrFindResult } from "./lr_find_results.ts";
import { checkLearningRate } from "./lr_claims.ts";
import {
  lossTrace,
  writeSyntheticLrGrid,
  writeSyntheticRun,
} from "./test_support.ts";

const rules = resolveClaimRules();
const commands = producingCommands("cpu");

async function withResults(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "report-lr-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function rangeTest(
  valley: number | null,
  config: LrFindResult["config"],
): LrFindResult {
  return {
    name: "vgg11",
    config,
    points: [],
    stoppedBecause: "loss exploded",
    suggestions: { steepest: 0.02, valley },
  };
}

Deno.test("F3: a synthetic lr grid whose large lrs stay at ln 10 is reproduced, with the threshold", async () => {
  await withResults(async (dir) => {
    await writeSyntheticLrGrid(dir, { stuck: true, seeds: 3 });
    const { runs } = await loadAblationRuns(dir);
    const check = checkLearningRate(runs, [], rules, commands);
    const [f3] = check.claims;
    assert.equal(f3.verdict, "reproduced", f3.statement);
    assert.equal(check.stuckFrom, 0.1);
    assert.match(f3.statement, /With lr ≥ 0\.1 .* in 6\/6 runs/);
    assert.match(f3.statement, /At lr 0\.01 it falls to 1\.4/);
    assert.equal(f3.evidence.length, 4);
  });
});

Deno.test("F3: the same grid without a stuck run is not reproduced", async () => {
  await withResults(async (dir) => {
    await writeSyntheticLrGrid(dir, { stuck: false, seeds: 3 });
    const { runs } = await loadAblationRuns(dir);
    const [f3] = checkLearningRate(runs, [], rules, commands).claims;
    assert.equal(f3.verdict, "not_reproduced", f3.statement);
    assert.match(f3.statement, /at the largest, 1, the runs ended 3 ok/);
  });
});

Deno.test("F3: fewer seeds than the rule asks, or no lr grid at all, is not enough runs and names the command", async () => {
  await withResults(async (dir) => {
    await writeSyntheticLrGrid(dir, { stuck: true, seeds: 1 });
    const { runs } = await loadAblationRuns(dir);
    const [one] = checkLearningRate(runs, [], rules, commands).claims;
    assert.equal(
      one.verdict,
      "reproduced",
      "one seed each is enough by default",
    );
    assert.match(one.statement, /in 2\/2 runs \(0\.1: 1 seed, 1: 1 seed\)/);
    const strict = resolveClaimRules({ minStuckSeeds: 2 });
    const [f3] = checkLearningRate(runs, [], strict, commands).claims;
    assert.equal(f3.verdict, "not_enough_runs");
    assert.match(f3.statement, /only 1 seed \(need 2\)/);
    assert.equal(f3.next, "deno task ablate --profile cpu");
  });
  const [empty] = checkLearningRate([], [], rules, commands).claims;
  assert.equal(empty.verdict, "not_enough_runs");
  assert.equal(empty.statement, "The lr grid has no finished runs.");
});

Deno.test("F3: runs too short to judge do not count as evidence either way", async () => {
  await withResults(async (dir) => {
    for (const lr of [0.01, 1]) {
      for (const seedIndex of [0, 1]) {
        await writeSyntheticRun(dir, {
          grid: "lr",
          knob: "lr",
          value: lr,
          seedIndex,
          status: "ok",
          losses: lossTrace(30, "chance"),
        });
      }
    }
    const { runs } = await loadAblationRuns(dir);
    const [f3] = checkLearningRate(runs, [], rules, commands).claims;
    assert.equal(f3.verdict, "not_enough_runs");
    assert.match(f3.statement, /too short to judge \(30 steps < warm-up 50/);
  });
});

Deno.test("F3b: the range test's suggestion is checked against the stuck threshold", async () => {
  await withResults(async (dir) => {
    await writeSyntheticLrGrid(dir, { stuck: true, seeds: 2 });
    const { runs } = await loadAblationRuns(dir);
    const below = checkLearningRate(
      runs,
      [rangeTest(0.004, runs[0].spec.train)],
      rules,
      commands,
    );
    assert.equal(below.claims[1].verdict, "reproduced");
    assert.match(below.claims[1].statement, /lr 0\.004 \(valley\), 25× below/);
    const above = checkLearningRate(
      runs,
      [rangeTest(0.2, runs[0].spec.train)],
      rules,
      commands,
    );
    assert.equal(above.claims[1].verdict, "not_reproduced");
    const none = checkLearningRate(runs, [], rules, commands);
    assert.equal(none.claims[1].verdict, "not_enough_runs");
    assert.equal(none.claims[1].next, "deno task lr-find");
  });
});
