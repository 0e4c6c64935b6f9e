import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { ConfigError } from "../util/errors.ts";
import { initWasm, WasmOutOfMemoryError } from "./wasm.ts";

Deno.test("initWasm makes wasm the backend and reports what it started", async () => {
  const info = await initWasm();
  assert.equal(tf.getBackend(), "wasm");
  assert.equal(info.version, "4.22.0");
  assert.equal(info.simd, true);
  assert.ok(info.threads >= 1);
  assert.ok(info.heapLimitBytes > 4e9 && info.heapLimitBytes <= 2 ** 32);
  assert.deepEqual(await initWasm(), info, "a second call is a no-op");
});

Deno.test("initWasm rejects a bad thread count in one line", async () => {
  await assert.rejects(() => initWasm({ threads: 0 }), ConfigError);
  await assert.rejects(
    () => initWasm({ threads: 1.5 }),
    /threads must be an integer >= 1, got 1.5/,
  );
});

Deno.test("an allocation the heap cannot hold throws WasmOutOfMemoryError; wasm still works", async () => {
  await initWasm();
  const before = tf.memory();
  // 5 GB cannot exist on a 32-bit heap (unguarded, the size would wrap around to 705 MB).
  assert.throws(() => tf.zeros([1_250_000_000]), (error: unknown) => {
    assert.ok(error instanceof WasmOutOfMemoryError);
    assert.equal(error.requestedBytes, 5e9);
    assert.doesNotMatch(error.message, /\n/);
    return true;
  });
  // Two 1.9 GB blocks fit, a third does not: this malloc then returns a block running off the end
  // of the heap (or 0, once the heap is at its limit). Pages never written cost no real memory,
  // so this is fast.
  const module = (tf.backend() as unknown as { wasm: WasmHeap }).wasm;
  const blocks = [module._malloc(1.9e9), module._malloc(1.9e9)];
  try {
    assert.throws(() => module._malloc(1.9e9), WasmOutOfMemoryError);
    assert.throws(
      () => tf.tidy(() => tf.add(tf.zeros([1e8]), 1)),
      (error: unknown) => {
        assert.ok(error instanceof WasmOutOfMemoryError);
        assert.equal(error.requestedBytes, 4e8);
        return true;
      },
    );
  } finally {
    for (const block of blocks) module._free(block);
  }
  assert.deepEqual(
    Array.from(tf.tidy(() => tf.add(tf.ones([2]), tf.ones([2])).dataSync())),
    [2, 2],
  );
  const after = tf.memory();
  assert.equal(after.numTensors, before.numTensors);
  assert.equal(after.numDataBuffers, before.numDataBuffers);
});

interface WasmHeap {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}
