import assert from "node:assert/strict";
import { ConfigError } from "../util/errors.ts";
import { MEMORY_BUDGET_PRESETS, parseMemoryBudget } from "./budget.ts";

Deno.test("presets name GPU memory sizes in GiB, case-insensitively", () => {
  assert.equal(parseMemoryBudget("gtx1050ti"), 4 * 2 ** 30);
  assert.equal(parseMemoryBudget("GTX1050Ti"), 4 * 2 ** 30);
  assert.equal(parseMemoryBudget("8gb"), 8 * 2 ** 30);
  assert.equal(parseMemoryBudget("16gb"), 16 * 2 ** 30);
  assert.equal(parseMemoryBudget("24gb"), 24 * 2 ** 30);
  assert.ok(Object.keys(MEMORY_BUDGET_PRESETS).includes("gtx1050ti"));
});

Deno.test("sizes take decimal and binary units, with or without a space", () => {
  assert.equal(parseMemoryBudget("4GiB"), 4 * 2 ** 30);
  assert.equal(parseMemoryBudget("4 GiB"), 4 * 2 ** 30);
  assert.equal(parseMemoryBudget("512MiB"), 512 * 2 ** 20);
  assert.equal(parseMemoryBudget("1.5 GB"), 1.5e9);
  assert.equal(parseMemoryBudget("8 GB"), 8e9, "the unit, not the preset");
  assert.equal(parseMemoryBudget("100KB"), 1e5);
  assert.equal(parseMemoryBudget("2KiB"), 2048);
  assert.equal(parseMemoryBudget("6e9"), 6e9);
  assert.equal(parseMemoryBudget("1000 B"), 1000);
  assert.equal(parseMemoryBudget("10.7"), 10, "fractional bytes round down");
});

Deno.test("unparseable, zero or negative budgets are one-line errors", () => {
  const bad: [string, RegExp][] = [
    ["4 gigs", /must be a size such as 4GiB.*got "4 gigs"/],
    ["", /must be a size/],
    ["GiB", /must be a size/],
    ["4 GiB of RAM", /must be a size/],
    ["0", /more than 0 bytes and finite, got "0"/],
    ["-4GiB", /more than 0 bytes and finite, got "-4GiB"/],
    ["0.4 B", /more than 0 bytes/],
    ["1e400", /more than 0 bytes/],
  ];
  for (const [text, message] of bad) {
    assert.throws(() => parseMemoryBudget(text), (e: unknown) => {
      assert.ok(e instanceof ConfigError, text);
      assert.match(e.message, message);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
  }
});
