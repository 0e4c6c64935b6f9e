import assert from "node:assert/strict";
import { resolveVggConfig } from "../model/vgg_config.ts";
import {
  countParameters,
  forwardMacs,
  trainingFlops,
} from "../model/vgg_cost.ts";
import { costSweep, costSweepSpec, layerCostRows } from "./model_costs.ts";
import { renderSvg } from "./vega_bundle.ts";

const seed = resolveVggConfig({ inputSize: 224, denseWidth: 4096 });

Deno.test("layerCostRows: one row per layer and a total that matches the cost model", () => {
  const rows = layerCostRows(seed);
  assert.equal(rows[0].layer, "conv1_1");
  assert.equal(rows[0].output, "224x224x64");
  const total = rows.at(-1)!;
  assert.equal(total.layer, "total");
  assert.equal(total.params, countParameters(seed));
  assert.ok(
    Math.abs(total["forward MFLOPs"] - 2 * forwardMacs(seed) / 1e6) < 1e-6,
  );
  assert.equal(total["weights MiB"], countParameters(seed) * 4 / 2 ** 20);
  // conv1_1's output: 224 * 224 * 64 floats = 12,544 KiB per image.
  assert.equal(rows[0]["output KiB/image"], 12_544);
});

Deno.test("costSweep: fewer dense neurons cut weights, smaller inputs cut FLOPs", () => {
  const rows = costSweep(seed, {
    denseWidths: [4096, 512],
    inputSizes: [224, 32],
  });
  assert.deepEqual(rows.map((r) => [r.inputSize, r.denseWidth]), [
    [224, 4096],
    [224, 512],
    [32, 4096],
    [32, 512],
  ]);
  assert.equal(rows[0].params, countParameters(seed));
  assert.equal(rows[0].trainingGflops, trainingFlops(seed) / 1e9);
  assert.ok(rows[1].params < rows[0].params / 4);
  assert.ok(rows[2].trainingGflops < rows[0].trainingGflops / 40);
  assert.ok(rows[0].denseShare > 0.85 && rows[0].denseShare < 1);
  assert.throws(() => costSweep(seed, { inputSizes: [48] }), /multiple of 32/);
});

Deno.test("costSweepSpec compiles and renders", async () => {
  const svg = await renderSvg(costSweepSpec(costSweep(seed)));
  assert.match(svg, /training GFLOPs per image/);
});
