import assert from "node:assert/strict";
import { parseCifarRecords } from "./cifar10.ts";
import { fakeRecords } from "./test_support.ts";
import {
  cifarImage,
  enlarge,
  firstOfEachClass,
  tileImages,
  upsampleImage,
} from "./images.ts";

const split = parseCifarRecords(fakeRecords([3, 1, 3, 0, 3], 2), "fake.bin");

Deno.test("cifarImage interleaves the stored red, green and blue planes", () => {
  const image = cifarImage(split, 1);
  const planes = split.images.subarray(3072, 2 * 3072);
  assert.equal(image.width, 32);
  for (const pixel of [0, 1, 33, 1023]) {
    assert.deepEqual(
      [...image.rgb.subarray(pixel * 3, pixel * 3 + 3)],
      [planes[pixel], planes[1024 + pixel], planes[2048 + pixel]],
    );
  }
  assert.throws(() => cifarImage(split, 5), /image index 5 is outside 0\.\.4/);
});

Deno.test("nearest upsampling to 224 is the stored image enlarged 7x; bilinear differs", () => {
  const stored = cifarImage(split, 2);
  const nearest = upsampleImage(split, 2, { size: 224, method: "nearest" });
  assert.deepEqual(nearest, enlarge(stored, 7));
  const bilinear = upsampleImage(split, 2, { size: 224, method: "bilinear" });
  assert.equal(bilinear.rgb.length, nearest.rgb.length);
  assert.notDeepEqual(bilinear.rgb, nearest.rgb);
});

Deno.test("tileImages places each image in its cell on the background", () => {
  const dot = (v: number) => ({
    width: 1,
    height: 1,
    rgb: Uint8Array.of(v, v, v),
  });
  const wide = { width: 2, height: 1, rgb: Uint8Array.of(9, 9, 9, 8, 8, 8) };
  const grid = tileImages([dot(1), wide, dot(3)], {
    columns: 2,
    gap: 1,
    background: [0, 0, 0],
  });
  // Cells are 2x1 (the largest image); 2 columns, 2 rows: width 1+2+1+2+1, height 1+1+1+1+1.
  assert.deepEqual([grid.width, grid.height], [7, 5]);
  const at = (x: number, y: number) => grid.rgb[(y * grid.width + x) * 3];
  assert.deepEqual(
    [at(1, 1), at(2, 1), at(4, 1), at(5, 1), at(1, 3), at(0, 0)],
    [1, 0, 9, 8, 3, 0],
  );
});

Deno.test("firstOfEachClass picks records in file order, class by class", () => {
  assert.deepEqual(firstOfEachClass(split, 2).slice(0, 4), [[3], [1], [], [
    0,
    2,
  ]]);
  assert.throws(() => firstOfEachClass(split, 0), /positive integer/);
});
