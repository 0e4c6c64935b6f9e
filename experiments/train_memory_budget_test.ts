import assert from "node:assert/strict";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { writeFakeCifar10 } from "../lib/data/test_support.ts";
import { runEntryPoint } from "./test_support.ts";

// The fake data set has 10 training and 2 test images: one batch, all of them.
const tiny = [
  "--variant=vgg11",
  "--width=0.125",
  "--dense=16",
  "--batch=10",
  "--train-subset=0",
  "--test-subset=0",
  "--backend=wasm",
  "--no-save",
];

function train(args: string[]) {
  return runEntryPoint("train.ts", args, { CIFAR10_DIR: "" });
}

Deno.test("train --memory-budget: over the budget the run ends as oom with both numbers", async () => {
  const { root, dir, cleanup } = await writeFakeCifar10({ perFile: 2 });
  try {
    const over = path.join(root, "over");
    const refused = await train([
      ...tiny,
      "--data",
      dir,
      "--out",
      over,
      "--memory-budget",
      "1MiB",
    ]);
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /error: predicted peak .* exceeds the memory budget of 1\.0 MiB/,
    );
    const summary = JSON.parse(
      await readFile(path.join(over, "summary.json"), "utf8"),
    );
    assert.equal(summary.status, "oom");
    assert.equal(summary.memory.budgetBytes, 2 ** 20);
    assert.ok(summary.memory.predictedPeakBytes > 2 ** 20);

    const within = path.join(root, "within");
    const ran = await train([
      ...tiny,
      "--data",
      dir,
      "--out",
      within,
      "--memory-budget",
      "4GiB",
    ]);
    assert.equal(ran.code, 0, ran.stderr);
    const ok = JSON.parse(
      await readFile(path.join(within, "summary.json"), "utf8"),
    );
    assert.equal(ok.status, "ok");
    assert.equal(ok.memory.budgetBytes, 4 * 2 ** 30);
    const { predictedPeakBytes, measuredPeakBytes } = ok.memory;
    assert.ok(
      Math.abs(measuredPeakBytes - predictedPeakBytes) / measuredPeakBytes <
        0.1,
    );

    const bad = await train([
      ...tiny,
      "--data",
      dir,
      "--out",
      path.join(root, "bad"),
      "--memory-budget",
      "4 gigs",
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: memory budget must be a size/m);
    await assert.rejects(() => readFile(path.join(root, "bad", "config.json")));
  } finally {
    await cleanup();
    await rm(root, { recursive: true, force: true });
  }
});
