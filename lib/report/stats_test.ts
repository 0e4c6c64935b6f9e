import assert from "node:assert/strict";
import {
  groupByNumber,
  mean,
  median,
  powerLawExponent,
  spread,
} from "./stats.ts";

Deno.test("mean, median and spread ignore non-finite values and say NaN for none", () => {
  assert.equal(mean([1, NaN, 3]), 2);
  assert.ok(Number.isNaN(mean([])));
  assert.equal(median([4, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Math.abs(spread([0.4, 0.45, Infinity, 0.41]) - 0.05) < 1e-12);
});

Deno.test("groupByNumber groups in ascending key order", () => {
  assert.deepEqual(
    groupByNumber([{ v: 2, i: 0 }, { v: 1, i: 1 }, { v: 2, i: 2 }], (x) => x.v)
      .map(([k, g]) => [k, g.map((x) => x.i)]),
    [[1, [1]], [2, [0, 2]]],
  );
});

Deno.test("powerLawExponent recovers k of y = c·x^k, NaN with one x", () => {
  const xs = [32, 64, 128, 224];
  const k = powerLawExponent(xs, xs.map((x) => 0.5 * x ** 1.8));
  assert.ok(Math.abs(k - 1.8) < 1e-9);
  assert.ok(Number.isNaN(powerLawExponent([32, 32], [1, 2])));
});
