import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { resolveTrainConfig } from "../train/config.ts";
import { loadLrFindResults } from "./lr_find_results.ts";

Deno.test("loadLrFindResults reads range tests and names unreadable ones", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "report-lrfind-"));
  try {
    await mkdir(path.join(dir, "lr_find"));
    await writeFile(
      path.join(dir, "lr_find", "lr-cpu.json"),
      JSON.stringify({
        config: resolveTrainConfig(),
        points: [
          { step: 1, lr: 1e-4, loss: 2.31, smoothedLoss: 2.31 },
          { step: 2, lr: 1e-3, loss: null, smoothedLoss: null },
        ],
        stoppedBecause: "the loss exploded",
        suggestions: { steepest: 0.002, valley: null },
        minLossLr: 1e-4,
      }),
    );
    await writeFile(path.join(dir, "lr_find", "lr-cpu.csv"), "step,lr\n");
    await writeFile(path.join(dir, "lr_find", "broken.json"), '{"points": 3}');
    const { tests, problems } = await loadLrFindResults(dir);
    assert.equal(tests.length, 1);
    assert.equal(tests[0].name, "lr-cpu");
    assert.deepEqual(tests[0].suggestions, { steepest: 0.002, valley: null });
    assert.equal(tests[0].points[1].loss, null);
    assert.deepEqual(problems, [
      `${path.join("lr_find", "broken.json")}: no config.model`,
    ]);
    assert.deepEqual(await loadLrFindResults(path.join(dir, "none")), {
      tests: [],
      problems: [],
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
