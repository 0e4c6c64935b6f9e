import assert from "node:assert/strict";
import {
  formatGiB,
  formatLr,
  formatNumber,
  formatPercent,
  formatPoints,
  formatSeconds,
} from "./format.ts";

Deno.test("learning rates read without float noise", () => {
  assert.equal(formatLr(0.1), "0.1");
  assert.equal(formatLr(0.003), "0.003");
  assert.equal(formatLr(0.1 + 0.2), "0.3");
  assert.equal(formatLr(0.0003), "3e-4");
  assert.equal(formatLr(0.000316), "3.16e-4");
  assert.equal(formatLr(NaN), "?");
});

Deno.test("percent, points, GiB, seconds and significant digits", () => {
  assert.equal(formatPercent(0.4127), "41.3%");
  assert.equal(formatPoints(0.021), "+2.1 pt");
  assert.equal(formatPoints(-0.0004), "0.0 pt");
  assert.equal(formatPoints(-0.0123), "-1.2 pt");
  assert.equal(formatGiB(3.5 * 1024 ** 3), "3.50 GiB");
  assert.equal(formatSeconds(0.25), "250 ms");
  assert.equal(formatSeconds(12.34), "12.3 s");
  assert.equal(formatSeconds(246), "4.1 min");
  assert.equal(formatNumber(2.302585, 4), "2.303");
});
