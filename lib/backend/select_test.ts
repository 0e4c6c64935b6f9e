import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import { ConfigError } from "../util/errors.ts";
import { BACKEND_NAMES, type BackendName } from "./select.ts";
import { parseBackendName, selectBackend } from "./select.ts";
import { detectTensorflow, tensorflowSetup } from "./tensorflow.ts";
import type { ModuleImporter } from "./tensorflow.ts";
import type { GpuAdapterInfoLike, GpuLike } from "./webgpu.ts";

/** What Node and Deno throw for a package that is not installed. */
function notFound(specifier: string): Error {
  const message = `Cannot find package '${specifier}' imported from /x.ts`;
  return Object.assign(new Error(message), { code: "ERR_MODULE_NOT_FOUND" });
}

/** An importer for which no `@tensorflow/tfjs-node*` package is installed. */
function nothingInstalled(specifier: string): Promise<unknown> {
  return Promise.reject(notFound(specifier));
}

/** What tfjs-node throws when its install script did not fetch the native addon. */
const missingAddon = new Error(
  "The Node.js native addon module (tfjs_binding.node) can not be found at path: " +
    "/p/lib/napi-v8/tfjs_binding.node. \nPlease run command 'npm rebuild'",
);

/**
 * An importer under which `installed` loads like tfjs-node does: it registers a "tensorflow"
 * backend (here the cpu backend, flagged as on a GPU or not) and exports its version.
 */
function fakeTfjsNode(installed: string, onGpu: boolean): ModuleImporter {
  return (specifier) => {
    if (specifier !== installed) return nothingInstalled(specifier);
    removeTensorflowBackend();
    const backend = Object.assign(new MathBackendCPU(), {
      isUsingGpuDevice: onGpu,
    });
    tf.registerBackend("tensorflow", () => backend);
    const version = { "tfjs-node": "4.22.0", "tfjs-core": "4.22.0" };
    return Promise.resolve({ version });
  };
}

function removeTensorflowBackend(): void {
  if (tf.findBackendFactory("tensorflow") === null) return;
  tf.removeBackend("tensorflow");
}

/** A `navigator.gpu` with one adapter that reports `info` and cannot create a device. */
function fakeGpu(info: GpuAdapterInfoLike): GpuLike {
  const adapter = {
    features: new Set<string>(),
    limits: {},
    info,
    requestDevice: () => Promise.reject(new Error("device lost")),
  };
  return { requestAdapter: () => Promise.resolve(adapter) };
}

const lavapipe = fakeGpu({
  vendor: "65541",
  device: "0",
  description: "llvmpipe (LLVM 15.0.6, 256 bits)",
  isFallbackAdapter: true,
});

const LAVAPIPE_SUMMARY =
  "llvmpipe (LLVM 15.0.6, 256 bits) [vendor 65541, device 0, fallback adapter]";

Deno.test("BACKEND_NAMES lists the backends in auto's order", () => {
  assert.deepEqual(BACKEND_NAMES, ["tensorflow", "webgpu", "wasm", "cpu"]);
  assert.ok(Object.isFrozen(BACKEND_NAMES));
});

Deno.test("parseBackendName takes the backends and auto, lists them otherwise", () => {
  for (const name of ["auto", ...BACKEND_NAMES]) {
    assert.equal(parseBackendName(name), name);
  }
  for (const bad of ["gpu", "WASM", ""]) {
    const available = "available: auto, tensorflow, webgpu, wasm, cpu";
    const message = `unknown backend ${JSON.stringify(bad)}; ${available}`;
    assert.throws(() => parseBackendName(bad), new ConfigError(message));
  }
});

Deno.test("selectBackend rejects an unknown backend with a ConfigError", async () => {
  const selected = selectBackend({ backend: "gpu" as BackendName });
  await assert.rejects(selected, ConfigError);
});

Deno.test("selectBackend switches between wasm and cpu in one process", async () => {
  for (const name of ["wasm", "cpu", "wasm"] as const) {
    const info = await selectBackend({ backend: name });
    assert.equal(tf.getBackend(), name);
    assert.equal(info.name, name);
    assert.equal(info.requested, name);
    assert.equal(info.tfjsVersion, tf.version_core);
    assert.equal(info.backendVersion, "4.22.0");
    assert.match(info.runtime, /^deno \d+\.\d+\.\d+$/);
    assert.equal(info.threads === undefined, name === "cpu");
    const sum = await tf.add(tf.tensor1d([1, 2]), 1).data();
    assert.deepEqual(sum, new Float32Array([2, 3]));
  }
});

Deno.test("tensorflow asked for, not installed: ConfigError says how to set up", async () => {
  const expected = new ConfigError(
    'backend "tensorflow" is unavailable: @tensorflow/tfjs-node-gpu is not installed, ' +
      "@tensorflow/tfjs-node is not installed; to use it, run `deno add " +
      "npm:@tensorflow/tfjs-node-gpu@4.22.0 && deno install " +
      "--allow-scripts=npm:@tensorflow/tfjs-node-gpu` (the GPU build needs Linux x86_64 " +
      "with CUDA 11.2 and cuDNN 8.1, else use @tensorflow/tfjs-node@4.22.0)",
  );
  const importModule = nothingInstalled;
  const selected = selectBackend({ backend: "tensorflow", importModule });
  await assert.rejects(selected, expected);
});

Deno.test("tensorflow without its native addon: one line on what and how", async () => {
  const importModule = (specifier: string) =>
    specifier === "@tensorflow/tfjs-node-gpu"
      ? Promise.reject(missingAddon)
      : nothingInstalled(specifier);
  const expected = new ConfigError(
    'backend "tensorflow" is unavailable: @tensorflow/tfjs-node-gpu is installed but failed ' +
      "to load (The Node.js native addon module (tfjs_binding.node) can not be found at " +
      "path: /p/lib/napi-v8/tfjs_binding.node), @tensorflow/tfjs-node is not installed; " +
      "to use it, run `deno install --allow-scripts=npm:@tensorflow/tfjs-node-gpu` so its " +
      "install script fetches libtensorflow and the addon",
  );
  const selected = selectBackend({ backend: "tensorflow", importModule });
  await assert.rejects(selected, expected);
});

Deno.test("detectTensorflow tells a missing dependency from a missing package", async () => {
  const importModule = (specifier: string) =>
    specifier === "@tensorflow/tfjs-node-gpu"
      ? nothingInstalled("@tensorflow/tfjs")
      : nothingInstalled(specifier);
  const found = await detectTensorflow({ importModule });
  assert.ok(!found.ok);
  assert.equal(
    found.reason,
    "@tensorflow/tfjs-node-gpu is installed but failed to load (Cannot find package " +
      "'@tensorflow/tfjs' imported from /x.ts), @tensorflow/tfjs-node is not installed",
  );
});

Deno.test("tensorflowSetup adds the npm command when running on Node", () => {
  assert.equal(
    tensorflowSetup(undefined, "node"),
    "run `deno add npm:@tensorflow/tfjs-node-gpu@4.22.0 && deno install " +
      "--allow-scripts=npm:@tensorflow/tfjs-node-gpu` (the GPU build needs Linux x86_64 " +
      "with CUDA 11.2 and cuDNN 8.1, else use @tensorflow/tfjs-node@4.22.0); " +
      "in an npm-managed project: `npm install @tensorflow/tfjs-node-gpu@4.22.0`",
  );
  assert.equal(
    tensorflowSetup("@tensorflow/tfjs-node", "node"),
    "run `deno install --allow-scripts=npm:@tensorflow/tfjs-node` so its install script " +
      "fetches libtensorflow and the addon; in an npm-managed project: " +
      "`npm rebuild @tensorflow/tfjs-node`",
  );
});

Deno.test("tensorflow's GPU build is used when present, also by auto", async () => {
  const importModule = fakeTfjsNode("@tensorflow/tfjs-node-gpu", true);
  try {
    const options = { importModule, gpu: lavapipe };
    const named = await selectBackend({ ...options, backend: "tensorflow" });
    assert.equal(named.name, "tensorflow");
    assert.equal(named.device, "GPU (CUDA)");
    assert.equal(named.backendVersion, "4.22.0");
    assert.equal(
      named.reason,
      "requested tensorflow; tensorflow on GPU (CUDA) via @tensorflow/tfjs-node-gpu",
    );

    const auto = await selectBackend(options);
    assert.equal(auto.name, "tensorflow");
    assert.equal(auto.requested, "auto");
    assert.equal(tf.getBackend(), "tensorflow");
    assert.equal(
      auto.reason,
      "auto: tensorflow on GPU (CUDA) via @tensorflow/tfjs-node-gpu",
    );
  } finally {
    removeTensorflowBackend();
  }
});

Deno.test("auto takes tensorflow on the CPU over wasm and software webgpu", async () => {
  const importModule = fakeTfjsNode("@tensorflow/tfjs-node", false);
  try {
    const info = await selectBackend({ importModule, gpu: lavapipe });
    assert.equal(info.name, "tensorflow");
    assert.equal(info.device, "CPU");
    assert.equal(tf.getBackend(), "tensorflow");
    assert.equal(
      info.reason,
      "auto: tensorflow on CPU via @tensorflow/tfjs-node (@tensorflow/tfjs-node-gpu is " +
        `not installed); skipped webgpu: ${LAVAPIPE_SUMMARY} is a software adapter ` +
        "(runs on the CPU, slower than wasm)",
    );
  } finally {
    removeTensorflowBackend();
  }
});

Deno.test("auto skips a software webgpu adapter for wasm, and says why", async () => {
  const importModule = nothingInstalled;
  const info = await selectBackend({ importModule, gpu: lavapipe });
  assert.equal(info.name, "wasm");
  assert.equal(tf.getBackend(), "wasm");
  assert.equal(info.adapter, undefined);
  const threads = `${info.threads} thread${info.threads === 1 ? "" : "s"}`;
  assert.equal(
    info.reason,
    `auto: wasm (SIMD, ${threads}); skipped tensorflow: @tensorflow/tfjs-node-gpu is not ` +
      "installed, @tensorflow/tfjs-node is not installed; skipped webgpu: " +
      `${LAVAPIPE_SUMMARY} is a software adapter (runs on the CPU, slower than wasm)`,
  );
});

Deno.test("auto falls back to wasm when a GPU adapter fails to start", async () => {
  const gpu = fakeGpu({ vendor: "4318", description: "NVIDIA H200" });
  const info = await selectBackend({ importModule: nothingInstalled, gpu });
  assert.equal(info.name, "wasm");
  const skip = "skipped webgpu: failed to start on NVIDIA H200 [vendor 4318]";
  assert.ok(info.reason.endsWith(`; ${skip}: device lost`), info.reason);
});

Deno.test("webgpu asked for without an adapter: one-line ConfigError", async () => {
  const gpu: GpuLike = { requestAdapter: () => Promise.resolve(null) };
  await assert.rejects(
    selectBackend({ backend: "webgpu", gpu }),
    (error) =>
      error instanceof ConfigError &&
      error.message.startsWith(
        'backend "webgpu" is unavailable: navigator.gpu found no adapter',
      ),
  );
});
