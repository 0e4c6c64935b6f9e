import assert from "node:assert/strict";
import { resolveVggConfig } from "./vgg_config.ts";
import { countParameters, forwardMacs, vggLayerCosts } from "./vgg_cost.ts";
import { describeVgg } from "./vgg_describe.ts";

Deno.test("describeVgg prints one aligned row per layer and the totals", () => {
  const config = resolveVggConfig({
    variant: "vgg11",
    inputSize: 32,
    batchNorm: true,
  });
  const lines = describeVgg(config).split("\n");
  const layers = vggLayerCosts(config);
  assert.equal(lines.length, 1 + layers.length + 2);
  assert.deepEqual(lines[0].split(/\s+/), [
    "layer",
    "output",
    "params",
    "MACs",
  ]);
  assert.deepEqual(lines[1].split(/\s+/), [
    "conv1_1",
    "32x32x64",
    "1,792",
    "1,769,472",
  ]);
  assert.deepEqual(lines[2].split(/\s+/), [
    "conv1_1_bn",
    "32x32x64",
    "256",
    "0",
  ]);
  assert.equal(
    lines[0].length,
    lines[1].length,
    "columns are right-aligned to one width",
  );
  assert.deepEqual(lines.at(-2)!.split(/\s+/), [
    "total",
    countParameters(config).toLocaleString("en-US"),
    forwardMacs(config).toLocaleString("en-US"),
  ]);
  assert.equal(
    lines.at(-1),
    "vgg11: 28,149,514 trainable params, 1,026,539,520 training FLOPs per image",
  );
});
