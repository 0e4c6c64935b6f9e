import assert from "node:assert/strict";
import { shuffledIndices, shuffleInPlace } from "./shuffle.ts";
import { createRng } from "../util/random.ts";
import { ConfigError } from "../util/errors.ts";

Deno.test("shuffledIndices is a permutation fixed by the seed", () => {
  const a = shuffledIndices(1000, 5);
  assert.deepEqual(a, shuffledIndices(1000, 5));
  assert.deepEqual(
    [...a].sort((x, y) => x - y),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  assert.notDeepEqual(a, shuffledIndices(1000, 6));
  assert.notDeepEqual(
    [...a.slice(0, 20)],
    Array.from({ length: 20 }, (_, i) => i),
  );
});

Deno.test("shuffledIndices pins the order for a seed across runtimes and releases", () => {
  // Mulberry32 + Fisher-Yates from the end: a change here silently changes every experiment.
  assert.deepEqual([...shuffledIndices(8, 42)], [2, 7, 1, 0, 6, 5, 3, 4]);
});

Deno.test("shuffleInPlace shuffles plain arrays like typed ones", () => {
  const plain = shuffleInPlace(["a", "b", "c", "d", "e"], createRng(9));
  const typed = shuffleInPlace(Int32Array.from([0, 1, 2, 3, 4]), createRng(9));
  assert.deepEqual(plain, [...typed].map((i) => "abcde"[i]));
});

Deno.test("shuffledIndices rejects a bad size or seed", () => {
  assert.throws(
    () => shuffledIndices(-1, 0),
    new ConfigError("shuffle: n must be a non-negative integer, got -1"),
  );
  assert.throws(
    () => shuffledIndices(3, 0.5),
    /seed must be an integer, got 0.5/,
  );
  assert.deepEqual(shuffledIndices(0, 1), new Int32Array(0));
});
