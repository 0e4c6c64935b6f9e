import assert from "node:assert/strict";
import { WasmOutOfMemoryError } from "../backend/wasm.ts";
import {
  BACKEND_MEMORY_CEILINGS,
  outOfMemoryInText,
  outOfMemoryOf,
} from "./out_of_memory.ts";

Deno.test("each backend's out-of-memory failure is read with the bytes it asked for", () => {
  const wasm = outOfMemoryOf(
    new WasmOutOfMemoryError(411_041_792, 4_131_979_264),
  );
  assert.equal(wasm?.requestedBytes, 411_041_792);
  const tensorflow = outOfMemoryOf(
    new Error(
      "OOM when allocating tensor with shape[32,224,224,64] and type float on " +
        "/job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc",
    ),
  );
  assert.equal(tensorflow?.requestedBytes, 32 * 224 * 224 * 64 * 4);
  // What Deno's WebGPU reports (as an uncaptured error) for a tensor over lavapipe's limit.
  const webgpu = outOfMemoryInText(
    "Buffer binding 0 range 240000000 exceeds `max_*_buffer_binding_size` limit 134217728",
  );
  assert.equal(webgpu?.requestedBytes, 240_000_000);
  const v8 = outOfMemoryOf(new RangeError("Array buffer allocation failed"));
  assert.equal(v8?.requestedBytes, null);
  assert.match(v8?.message ?? "", /Array buffer allocation failed/);
});

Deno.test("other errors are not out of memory", () => {
  assert.equal(outOfMemoryOf(new Error("Error in matMul: inner shapes")), null);
  assert.equal(outOfMemoryOf("RuntimeError: unreachable"), null);
});

Deno.test("the message is the line of a crash log that names the failure", () => {
  const log =
    "epoch 1\nCannot enlarge memory arrays to size 4294967296 bytes\n    at grow";
  assert.deepEqual(outOfMemoryInText(log), {
    requestedBytes: null,
    message: "Cannot enlarge memory arrays to size 4294967296 bytes",
  });
});

Deno.test("the wasm ceiling is tfjs-backend-wasm's getHeapMax()", () => {
  assert.equal(BACKEND_MEMORY_CEILINGS.wasm.bytes, 2 ** 32 - 2 ** 16);
  for (const ceiling of Object.values(BACKEND_MEMORY_CEILINGS)) {
    assert.doesNotMatch(ceiling.description, /\n/);
  }
});
