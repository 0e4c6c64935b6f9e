import assert from "node:assert/strict";
import { resolveTrainConfig } from "../train/config.ts";
import { measureInChildProcess } from "./isolated.ts";

const tinyModel = {
  variant: "vgg11",
  widthMultiplier: 0.125,
  denseWidth: 64,
} as const;

Deno.test("a child process measures a config on a fresh heap", async () => {
  const config = resolveTrainConfig({ batchSize: 2, model: tinyModel });
  const measured = await measureInChildProcess(config, { backend: "wasm" });
  assert.equal(measured.status, "ok", measured.message);
  assert.equal(measured.crashed, false);
  assert.equal(measured.steps, 2);
  assert.ok(measured.tensorPeakBytes! > 0);
  assert.equal(
    measured.heapBytes,
    16 * 2 ** 20,
    "a fresh heap: tfjs' initial 16 MiB",
  );
});

Deno.test("out of memory in the child comes back as a result with the bytes", async () => {
  const config = resolveTrainConfig({
    batchSize: 7200,
    model: { ...tinyModel, inputSize: 224 },
  });
  const measured = await measureInChildProcess(config, { backend: "wasm" });
  assert.equal(measured.status, "oom");
  assert.equal(measured.requestedBytes, 4_335_206_400);
});

Deno.test("a child that fails or hangs is an error result, not a crash of the parent", async () => {
  const config = resolveTrainConfig({ batchSize: 2, model: tinyModel });
  const broken = await measureInChildProcess(config, {
    backend: "nonsense" as never,
  });
  assert.equal(broken.status, "error");
  assert.equal(broken.crashed, true);
  assert.match(
    broken.message ?? "",
    /^child exited with code 1: .*unknown backend "nonsense"/,
  );
  const slow = await measureInChildProcess(config, {
    backend: "wasm",
    timeoutSeconds: 0.05,
  });
  assert.equal(slow.status, "error");
  assert.match(slow.message ?? "", /^child timed out after 0.05 s/);
});
