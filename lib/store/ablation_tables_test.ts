import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { writeFailureSummary } from "../record/run_writer.ts";
import {
  aggregateRuns,
  configCsv,
  meanStd,
  type RunRow,
  writeAblationTables,
} from "./ablation_tables.ts";
import { planRuns } from "./plan.ts";

Deno.test("mean and sample std skip missing values", () => {
  assert.deepEqual(meanStd([]), { mean: null, std: null, n: 0 });
  assert.deepEqual(meanStd([0.5, null]), { mean: 0.5, std: null, n: 1 });
  const { mean, std } = meanStd([1, 2, 3, NaN]);
  assert.equal(mean, 2);
  assert.equal(std, 1);
});

function row(
  value: number,
  seedIndex: number,
  status: string,
  acc: number | null,
): RunRow {
  return {
    grid: "lr",
    profile: "cpu",
    knob: "lr",
    value,
    seedIndex,
    hash: `${value}-${seedIndex}`,
    status,
    finalTestAccuracy: acc,
    bestTestAccuracy: acc,
    finalWindowLoss: status === "stuck_at_chance" ? 2.302 : 1.5,
    steps: 240,
    imagesPerSecond: 100,
    wallSeconds: 60,
    predictedPeakBytes: 1000,
    measuredPeakBytes: 2000,
    backend: "wasm 4.22.0",
  };
}

Deno.test("the lr table counts statuses per value, aggregates seeds, and marks lr beyond the range test's minimum", () => {
  const configs = aggregateRuns([
    row(0.01, 0, "ok", 0.3),
    row(0.01, 1, "ok", 0.4),
    row(0.3, 0, "stuck_at_chance", 0.1),
    row(0.3, 1, "diverged", null),
  ]);
  const csv = configCsv(configs, { cpu: { minLossLr: 0.05, file: "x" } })
    .trim().split("\n").map((line) => line.split(","));
  const [header, small, large] = csv;
  const at = (line: string[], column: string) => line[header.indexOf(column)];
  assert.equal(at(small, "value"), "0.01");
  assert.equal(at(small, "ok"), "2");
  assert.ok(Math.abs(Number(at(small, "test_accuracy_mean")) - 0.35) < 1e-12);
  assert.ok(Number(at(small, "test_accuracy_std")) > 0);
  assert.equal(at(small, "beyond_lr_find_min"), "0");
  assert.equal(at(large, "stuck_at_chance"), "1");
  assert.equal(at(large, "diverged"), "1");
  assert.equal(at(large, "test_accuracy_std"), "", "one accuracy: no std");
  assert.equal(at(large, "beyond_lr_find_min"), "1");
  assert.equal(at(large, "lr_find_min_loss_lr"), "0.05");
});

Deno.test("tables are built from the finished runs of the plan only", async () => {
  const root = await mkdtemp(path.join(tmpdir(), "tables-"));
  try {
    const plan = planRuns({
      grids: [{
        name: "lr",
        knob: "lr",
        description: "",
        values: { smoke: [0.01, 0.1] },
      }],
      profile: { name: "smoke", description: "", base: { trainSubset: 100 } },
      resultsDir: root,
    });
    await writeFailureSummary(plan[0].dir, {
      status: "oom",
      statusReason: "too big",
      identity: { grid: "lr", hash: plan[0].hash },
      memory: { predictedPeakBytes: 123 },
    });
    // A run killed mid-way: config and metrics but no summary.
    await mkdir(plan[1].dir, { recursive: true });
    await writeFile(
      path.join(plan[1].dir, "metrics.jsonl"),
      '{"type":"step","loss":2.3}\n',
    );
    const files = await writeAblationTables(root, plan);
    assert.deepEqual(files.map((f) => path.basename(f)), [
      "ablation_runs.csv",
      "ablation_lr.csv",
    ]);
    const runs = (await readFile(files[0], "utf8")).trim().split("\n");
    assert.equal(runs.length, 2);
    assert.match(
      runs[1],
      new RegExp(`^lr,smoke,lr,0.01,0,${plan[0].hash},oom,`),
    );
    assert.match(runs[1], /,123,/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
