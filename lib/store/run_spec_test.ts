import assert from "node:assert/strict";
import { resolveTrainConfig } from "../train/config.ts";
import {
  canonicalJson,
  runDirectory,
  type RunSpec,
  specHash,
} from "./run_spec.ts";

function spec(overrides: Partial<RunSpec> = {}): RunSpec {
  return {
    grid: "lr",
    profile: "smoke",
    knob: "lr",
    value: 0.1,
    seedIndex: 0,
    backend: "wasm",
    train: resolveTrainConfig({ lr: 0.1 }),
    ...overrides,
  };
}

Deno.test("canonical JSON ignores key order and undefined fields", () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } }),
    '{"a":{"d":[2,{"y":2,"z":1}]},"b":1}',
  );
});

Deno.test("the hash is 16 hex digits and the same for the same resolved config", () => {
  const hash = specHash(spec());
  assert.match(hash, /^[0-9a-f]{16}$/);
  const reordered = JSON.parse(JSON.stringify(spec())) as RunSpec;
  assert.equal(specHash({ ...reordered, train: { ...reordered.train } }), hash);
});

Deno.test("a changed default (e.g. the stuck rule) gives a new hash, so a new run", () => {
  const changed = spec({
    train: resolveTrainConfig({ lr: 0.1, stuck: { windowSteps: 51 } }),
  });
  assert.notEqual(specHash(changed), specHash(spec()));
  assert.notEqual(specHash(spec({ seedIndex: 1 })), specHash(spec()));
});

Deno.test("a run lives under runs/<grid>/<hash>", () => {
  const s = spec({ grid: "dense" });
  assert.equal(
    runDirectory("/r", s),
    `/r/runs/dense/${specHash(s)}`,
  );
});
