import assert from "node:assert/strict";
import { classCounts, IMAGE_BYTES, parseCifarRecords } from "./cifar10.ts";
import { selectRecords, stratifiedSubset } from "./subset.ts";
import { fakeRecords } from "./test_support.ts";
import { ConfigError } from "../util/errors.ts";

// 60 records: class c appears 6 times (labels cycle 0..9).
const split = parseCifarRecords(
  fakeRecords(Array.from({ length: 60 }, (_, i) => i % 10), 0),
  "sixty.bin",
);

Deno.test("stratifiedSubset takes n records of every class, fixed by the seed", () => {
  const indices = stratifiedSubset(split, 4, 3);
  assert.equal(indices.length, 40);
  assert.deepEqual(
    classCounts(selectRecords(split, indices)),
    new Array(10).fill(4),
  );
  assert.deepEqual([...indices], [...indices].sort((a, b) => a - b));
  assert.equal(new Set(indices).size, 40);
  assert.deepEqual(indices, stratifiedSubset(split, 4, 3));
  assert.notDeepEqual(indices, stratifiedSubset(split, 4, 4));
});

Deno.test("stratifiedSubset refuses more per class than a class holds", () => {
  assert.throws(
    () => stratifiedSubset(split, 7, 0),
    new ConfigError(
      "subset: 7 per class requested, but class 0 has only 6 records",
    ),
  );
  assert.throws(
    () => stratifiedSubset(split, -1, 0),
    /perClass must be a non-negative integer, got -1/,
  );
});

Deno.test("selectRecords copies images and labels in the given order", () => {
  const picked = selectRecords(split, [13, 2]);
  assert.equal(picked.count, 2);
  assert.deepEqual([...picked.labels], [3, 2]);
  assert.deepEqual(
    picked.images.subarray(0, IMAGE_BYTES),
    split.images.subarray(13 * IMAGE_BYTES, 14 * IMAGE_BYTES),
  );
  assert.deepEqual(
    picked.images.subarray(IMAGE_BYTES),
    split.images.subarray(2 * IMAGE_BYTES, 3 * IMAGE_BYTES),
  );
  assert.throws(
    () => selectRecords(split, [0, 60]),
    /index 60 at position 1 is outside 0..59/,
  );
});
