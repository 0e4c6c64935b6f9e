import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadAblationRuns } from "./ablation_runs.ts";
import { resolveClaimRules } from "./claim.ts";
import { producingCommands } from "./commands.ts";
import { checkKnob } from "./knob_claims.ts";
import { writeSyntheticRun } from "./test_support.ts";

const rules = resolveClaimRules();
const commands = producingCommands("cpu");

async function denseGrid(
  accuracies: Record<number, number[]>,
  status: "ok" | "stuck_at_chance" = "ok",
): Promise<ReturnType<typeof checkKnob>> {
  const dir = await mkdtemp(path.join(tmpdir(), "report-knob-"));
  try {
    for (const [dense, accs] of Object.entries(accuracies)) {
      for (const [seedIndex, testAccuracy] of accs.entries()) {
        await writeSyntheticRun(dir, {
          grid: "dense",
          knob: "denseWidth",
          value: Number(dense),
          seedIndex,
          status,
          testAccuracy,
          trainSeconds: Number(dense) / 100,
        });
      }
    }
    const { runs } = await loadAblationRuns(dir);
    return checkKnob("dense", runs, rules, commands);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

Deno.test("dense: a smaller width within the margin is free; beyond it, it costs accuracy", async () => {
  const free = await denseGrid({ 64: [0.40, 0.41], 512: [0.41, 0.42] });
  assert.equal(free.verdict, "reproduced", free.statement);
  assert.match(
    free.statement,
    /dense width 512 → 64: test accuracy 41\.5% → 40\.5% \(-1\.0 pt\)/,
  );
  const costly = await denseGrid({ 64: [0.30, 0.31], 512: [0.41, 0.42] });
  assert.equal(costly.verdict, "not_reproduced", costly.statement);
  assert.match(costly.statement, /the fix costs accuracy/);
});

Deno.test("dense: the seeds' own spread widens the margin", async () => {
  const noisy = await denseGrid({ 64: [0.30, 0.40], 512: [0.36, 0.42] });
  assert.equal(noisy.verdict, "reproduced", noisy.statement);
  assert.match(noisy.statement, /margin of 10\.0 pt/);
});

Deno.test("dense: one seed per width, or one width, is not enough runs", async () => {
  const one = await denseGrid({ 64: [0.40], 512: [0.41] });
  assert.equal(one.verdict, "not_enough_runs");
  assert.match(one.statement, /Too few seeds/);
  const single = await denseGrid({ 512: [0.41, 0.4] });
  assert.equal(single.verdict, "not_enough_runs");
  assert.equal(single.next, "deno task ablate --profile cpu");
});

Deno.test("dense: settings whose runs never learned are not evidence either way", async () => {
  const stuck = await denseGrid(
    { 64: [0.1, 0.12], 512: [0.1, 0.1] },
    "stuck_at_chance",
  );
  assert.equal(stuck.verdict, "not_enough_runs");
  assert.match(stuck.statement, /No run of either setting ended ok/);
});
