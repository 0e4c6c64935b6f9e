import assert from "node:assert/strict";
import { ConfigError } from "../util/errors.ts";
import { DEFAULT_FRONTIER_GRID, memoryFrontier } from "./frontier.ts";

const GIB = 2 ** 30;

Deno.test("the frontier covers input x dense x batch x optimizer of VGG16", () => {
  const rows = memoryFrontier();
  const g = DEFAULT_FRONTIER_GRID;
  assert.equal(
    rows.length,
    g.inputSizes.length * g.denseWidths.length * g.batchSizes.length *
      g.optimizers.length,
  );
  assert.deepEqual(new Set(rows.map((r) => r.variant)), new Set(["vgg16"]));
  for (const row of rows) {
    assert.deepEqual(Object.keys(row.fits).map(Number), [
      4 * GIB,
      8 * GIB,
      16 * GIB,
    ]);
  }
});

Deno.test("it tells the seed's story: 224/4096 does not fit 4 GiB; each reduction helps", () => {
  const rows = memoryFrontier({ optimizers: ["momentum"] });
  const peak = (input: number, dense: number, batch: number) =>
    rows.find((r) =>
      r.inputSize === input && r.denseWidth === dense && r.batchSize === batch
    )!
      .predictedPeakBytes;
  for (const batch of [8, 16, 32, 64, 128]) {
    assert.ok(peak(224, 4096, batch) > 4 * GIB, `seed config, batch ${batch}`);
  }
  // Fewer dense units, a smaller batch and a smaller input each lower the peak ...
  assert.ok(peak(224, 1024, 32) < peak(224, 4096, 32));
  assert.ok(peak(224, 4096, 8) < peak(224, 4096, 32));
  assert.ok(peak(128, 4096, 32) < peak(224, 4096, 32));
  // ... and together they fit the GTX 1050 Ti.
  assert.ok(peak(224, 1024, 8) <= 4 * GIB);
  assert.ok(peak(128, 4096, 16) <= 4 * GIB);
  // The seed's "needs 8-16 GB": batch 16 fits 8 GiB, batch 32 fits 16 GiB.
  assert.ok(peak(224, 4096, 16) <= 8 * GIB && peak(224, 4096, 32) <= 16 * GIB);
});

Deno.test("a grid value the builder rejects is a ConfigError", () => {
  assert.throws(() => memoryFrontier({ inputSizes: [100] }), ConfigError);
});
