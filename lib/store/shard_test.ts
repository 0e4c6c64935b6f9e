import assert from "node:assert/strict";
import { ConfigError } from "../util/errors.ts";
import { parseShard, shardOf } from "./shard.ts";

Deno.test("parseShard reads K/N and rejects K outside 1..N", () => {
  assert.deepEqual(parseShard("2/4"), { index: 2, count: 4 });
  assert.deepEqual(parseShard(" 1 / 1 "), { index: 1, count: 1 });
  for (const bad of ["3/2", "0/2", "1/0", "a/b", "2", "-1/2", "1.5/2"]) {
    assert.throws(() => parseShard(bad), ConfigError, bad);
  }
  assert.throws(() => parseShard("3/2"), /K must be between 1 and N/);
});

Deno.test("the shards of a plan are disjoint, cover it, and are balanced", () => {
  const items = Array.from({ length: 11 }, (_, i) => i);
  const shards = [1, 2, 3].map((index) => shardOf(items, { index, count: 3 }));
  assert.deepEqual(shards.flat().sort((a, b) => a - b), items);
  assert.deepEqual(shards.map((s) => s.length), [4, 4, 3]);
  assert.deepEqual(shardOf(items, { index: 2, count: 3 }), [1, 4, 7, 10]);
});
