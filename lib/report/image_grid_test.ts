import assert from "node:assert/strict";
import { readCifarFile, readClassNames, TEST_FILE } from "../data/cifar10.ts";
import { writeFakeCifar10 } from "../data/test_support.ts";
import path from "node:path";
import {
  meanNeighbourDifference,
  upsampleExamples,
  upsamplingGridSvg,
} from "./image_grid.ts";

Deno.test("upsampleExamples shows each chosen class's first test image at every size and method", async () => {
  const { dir, cleanup } = await writeFakeCifar10({ perFile: 12 });
  try {
    const test = await readCifarFile(path.join(dir, TEST_FILE));
    const names = await readClassNames(dir);
    const [example] = upsampleExamples(test, names, {
      classes: [7],
      sizes: [32, 64],
    });
    assert.equal(example.index, test.labels.indexOf(7));
    assert.equal(example.className, "horse");
    assert.deepEqual(
      example.tiles.map((t) => [t.method, t.size, t.image.rgb.length]),
      [
        ["nearest", 32, 32 * 32 * 3],
        ["nearest", 64, 64 * 64 * 3],
        ["bilinear", 32, 32 * 32 * 3],
        ["bilinear", 64, 64 * 64 * 3],
      ],
    );
    // At 32x32 the tile is the original image: red plane byte 0 and green plane byte 0.
    const original = test.images.subarray(
      example.index * 3072,
      (example.index + 1) * 3072,
    );
    const tile = example.tiles[0].image.rgb;
    assert.deepEqual([tile[0], tile[1], tile[2]], [
      original[0],
      original[1024],
      original[2048],
    ]);
    // Nearest-neighbour x2 repeats each pixel in a 2x2 block.
    const big = example.tiles[1].image.rgb;
    assert.equal(big[3], big[0]);
    assert.equal(big[64 * 3], big[0]);
    const svg = upsamplingGridSvg([example]);
    assert.equal(svg.match(/<image /g)?.length, 4);
    assert.match(svg, /horse \(#\d+\)/);
    assert.match(svg, /64×64/);
  } finally {
    await cleanup();
  }
});

Deno.test("meanNeighbourDifference falls by the upsampling factor: pixels grow, detail does not", () => {
  const checker = new Uint8Array(4 * 4 * 3);
  for (let i = 0; i < 16; i++) {
    checker.fill(((i % 4) + Math.floor(i / 4)) % 2 ? 200 : 0, i * 3, i * 3 + 3);
  }
  assert.equal(
    meanNeighbourDifference({ width: 4, height: 4, rgb: checker }),
    200,
  );
  const doubled = new Uint8Array(8 * 8 * 3);
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const from = (Math.floor(y / 2) * 4 + Math.floor(x / 2)) * 3;
      doubled.set(checker.subarray(from, from + 3), (y * 8 + x) * 3);
    }
  }
  const ratio = 200 /
    meanNeighbourDifference({ width: 8, height: 8, rgb: doubled });
  assert.ok(ratio > 1.9 && ratio < 2.4, `ratio ${ratio}`);
});
