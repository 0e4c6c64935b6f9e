import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadAblationRuns } from "./ablation_runs.ts";
import { writeSyntheticRun } from "./test_support.ts";

async function withResults(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "report-runs-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

Deno.test("loadAblationRuns reads specs, summaries, step losses and epochs, sorted by value", async () => {
  await withResults(async (dir) => {
    for (const value of [0.1, 0.01]) {
      await writeSyntheticRun(dir, {
        grid: "lr",
        knob: "lr",
        value,
        seedIndex: 0,
        status: "ok",
        losses: [2.3, null, 2.1],
      });
    }
    const { runs, skipped } = await loadAblationRuns(dir);
    assert.deepEqual(skipped, []);
    assert.deepEqual(runs.map((r) => r.spec.value), [0.01, 0.1]);
    assert.deepEqual(runs[0].steps.map((s) => s.loss), [2.3, null, 2.1]);
    assert.equal(runs[0].epochs[0].testAccuracy, 0.3);
    assert.match(runs[0].dir, /^runs[\\/]lr[\\/][0-9a-f]{16}$/);
  });
});

Deno.test("an older run of the same grid point is skipped as superseded; a locked one as in progress", async () => {
  await withResults(async (dir) => {
    const point = {
      grid: "dense",
      knob: "denseWidth" as const,
      value: 64,
      seedIndex: 0,
      status: "ok" as const,
    };
    const older = await writeSyntheticRun(dir, {
      ...point,
      testAccuracy: 0.2,
      finishedAt: "2025-01-01T00:00:00.000Z",
    });
    await writeSyntheticRun(dir, {
      ...point,
      testAccuracy: 0.25,
      epochs: 2,
      finishedAt: "2025-02-01T00:00:00.000Z",
    });
    const running = path.join(dir, "runs", "dense", "00000000000000aa");
    await mkdir(running, { recursive: true });
    await writeFile(`${running}.lock`, "{}");
    const { runs, skipped } = await loadAblationRuns(dir);
    assert.equal(runs.length, 1);
    assert.equal(runs[0].summary.final?.testAccuracy, 0.25);
    assert.deepEqual(skipped.map((s) => [path.basename(s.dir), s.reason]), [
      [
        "00000000000000aa",
        "no summary.json yet: the run is in progress (its lock file exists)",
      ],
      [
        path.basename(older),
        `superseded by ${
          runs[0].hash
        } (same grid, profile, value and seed, finished later)`,
      ],
    ]);
  });
});
