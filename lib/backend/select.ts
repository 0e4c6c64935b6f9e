/**
 * Chooses and starts the TensorFlow.js backend the suite trains on, and says why.
 *
 * `auto` takes the fastest that works here: native TensorFlow on a GPU
 * (`@tensorflow/tfjs-node-gpu`, opt-in), then WebGPU on a real GPU, then native TensorFlow on the
 * CPU, then wasm, then the pure-JS `cpu` reference backend. WebGPU on a software adapter (Mesa's
 * lavapipe) is skipped: it runs on the CPU and is 25–50× slower than wasm.
 *
 * Runs on Deno and Node.
 *
 * @example
 * ```ts
 * import { selectBackend } from "./select.ts";
 * const info = await selectBackend({ backend: "auto" });
 * console.log(`${info.name}: ${info.reason}`);
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { version_cpu } from "@tensorflow/tfjs-backend-cpu";
import { ConfigError, SuiteError } from "../util/errors.ts";
import { detectTensorflow, type ModuleImporter } from "./tensorflow.ts";
import { initWasm } from "./wasm.ts";
import { type GpuLike, initWebGpu, probeWebGpu } from "./webgpu.ts";
import { runtimeName } from "../util/runtime.ts";

/** A tfjs backend the suite can train on. */
export type BackendName = "tensorflow" | "webgpu" | "wasm" | "cpu";

const AUTO_ORDER: BackendName[] = ["tensorflow", "webgpu", "wasm", "cpu"];

/** Every {@linkcode BackendName}, in the order `auto` prefers them. */
export const BACKEND_NAMES: readonly BackendName[] = Object.freeze(AUTO_ORDER);

/** What {@linkcode selectBackend} started, for logs and result files. */
export interface BackendInfo {
  /** The backend that runs. */
  name: BackendName;
  /** What was asked for. */
  requested: BackendName | "auto";
  /** One line: why this backend, and why faster ones were skipped. */
  reason: string;
  /** @tensorflow/tfjs-core version. */
  tfjsVersion: string;
  /** Version of the package that provides the backend. */
  backendVersion: string;
  /** webgpu: the adapter (description, vendor/architecture/device, fallback flag). */
  adapter?: string;
  /** tensorflow: "GPU (CUDA)" or "CPU". */
  device?: string;
  /** wasm: threads XNNPACK computes with. */
  threads?: number;
  /** The JavaScript runtime, e.g. "deno 2.9.6" or "node v20.20.2". */
  runtime: string;
}

/** Options of {@linkcode selectBackend}. */
export interface SelectBackendOptions {
  /** The backend to start, or "auto" for the fastest available. Default: "auto". */
  backend?: BackendName | "auto";
  /**
   * How the optional `@tensorflow/tfjs-node*` packages are loaded. Default: dynamic `import()`.
   * Tests pass a fake to simulate them present, absent or broken.
   */
  importModule?: ModuleImporter;
  /** The WebGPU entry point. Default: `navigator.gpu`. Tests pass a fake adapter. */
  gpu?: GpuLike;
}

/**
 * Checks a user-supplied backend name (e.g. a `--backend` flag).
 *
 * @example
 * ```ts
 * import { parseBackendName } from "./select.ts";
 * parseBackendName("wasm"); // "wasm"
 * parseBackendName("gpu"); // throws ConfigError: unknown backend "gpu"; available: auto, ...
 * ```
 */
export function parseBackendName(value: string): BackendName | "auto" {
  const names: readonly string[] = BACKEND_NAMES;
  if (value === "auto" || names.includes(value)) {
    return value as BackendName | "auto";
  }
  const available = ["auto", ...names].join(", ");
  const unknown = `unknown backend ${JSON.stringify(value)}`;
  throw new ConfigError(`${unknown}; available: ${available}`);
}

/**
 * Starts the requested backend (or, for "auto", the fastest one that works) and makes it tfjs'
 * active backend. Safe to call repeatedly, also to switch between backends in one process; each
 * backend is initialised once.
 *
 * A backend that was asked for by name and cannot run here is a {@linkcode ConfigError} saying
 * what is missing and how to set it up; "auto" records such skips in {@linkcode BackendInfo.reason}.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { selectBackend } from "./select.ts";
 * const info = await selectBackend({ backend: "wasm" });
 * console.log(tf.getBackend(), info.backendVersion, info.runtime); // "wasm" "4.22.0" "deno 2.9.6"
 * ```
 */
export async function selectBackend(
  options: SelectBackendOptions = {},
): Promise<BackendInfo> {
  const requested = parseBackendName(options.backend ?? "auto");
  const started = requested === "auto"
    ? await startAuto(options)
    : await startNamed(requested, options);
  const tfjsVersion = tf.version_core;
  return { ...started, requested, tfjsVersion, runtime: runtimeName() };
}

/** A started backend, before the fields every answer shares. */
type Started = Omit<BackendInfo, "requested" | "tfjsVersion" | "runtime">;

/** A backend that could not start, and why (one line). */
interface Unavailable {
  unavailable: string;
  /** What to run to make it available. */
  setup: string;
}

const SOFTWARE_WARNING = "; warning: a software adapter, it runs on the CPU " +
  "25-50x slower than wasm";

async function startNamed(
  name: BackendName,
  options: SelectBackendOptions,
): Promise<Started> {
  if (name === "tensorflow") {
    const started = await startTensorflow(options.importModule);
    if ("unavailable" in started) {
      const { unavailable, setup } = started;
      const problem = `backend "tensorflow" is unavailable: ${unavailable}`;
      throw new ConfigError(`${problem}; to use it, ${setup}`);
    }
    return { ...started, reason: `requested tensorflow; ${started.reason}` };
  }
  if (name === "webgpu") {
    const probe = await probeWebGpu({ gpu: options.gpu });
    if (!probe.available) {
      const problem = `backend "webgpu" is unavailable: ${probe.reason}`;
      throw new ConfigError(problem);
    }
    const started = await startWebGpu(options.gpu);
    const warning = probe.adapter.software ? SOFTWARE_WARNING : "";
    const reason = `requested webgpu on ${started.adapter}${warning}`;
    return { ...started, reason };
  }
  if (name === "wasm") {
    const wasm = await startWasm();
    return { ...wasm, reason: `requested ${wasm.reason}` };
  }
  const cpu = await startCpu();
  return { ...cpu, reason: "requested cpu (pure-JS reference, the slowest)" };
}

async function startAuto(options: SelectBackendOptions): Promise<Started> {
  const skipped: string[] = [];
  const explain = (choice: string): string => {
    const skips = skipped.map((skip) => `skipped ${skip}`);
    return [`auto: ${choice}`, ...skips].join("; ");
  };

  const tensorflow = await startTensorflow(options.importModule);
  if ("unavailable" in tensorflow) {
    skipped.push(`tensorflow: ${tensorflow.unavailable}`);
  } else if (tensorflow.device === "GPU (CUDA)") {
    return { ...tensorflow, reason: explain(tensorflow.reason) };
  }

  const probe = await probeWebGpu({ gpu: options.gpu });
  if (!probe.available) {
    skipped.push(`webgpu: ${probe.reason}`);
  } else if (probe.adapter.software) {
    const why = "is a software adapter (runs on the CPU, slower than wasm)";
    skipped.push(`webgpu: ${probe.adapter.summary} ${why}`);
  } else {
    try {
      const webgpu = await startWebGpu(options.gpu);
      return { ...webgpu, reason: explain("webgpu on a GPU") };
    } catch (error) {
      const where = `failed to start on ${probe.adapter.summary}`;
      skipped.push(`webgpu: ${where}: ${firstLine(error)}`);
    }
  }

  if (!("unavailable" in tensorflow)) {
    // libtensorflow on the CPU (tfjs-node, or tfjs-node-gpu without CUDA) still beats wasm.
    if (await tf.setBackend("tensorflow")) {
      return { ...tensorflow, reason: explain(tensorflow.reason) };
    }
    skipped.push("tensorflow: loaded, but tfjs could not switch back to it");
  }

  try {
    const wasm = await startWasm();
    return { ...wasm, reason: explain(wasm.reason) };
  } catch (error) {
    skipped.push(`wasm: ${firstLine(error)}`);
  }
  const cpu = await startCpu();
  const slow = "nothing faster works here, and the pure-JS reference is slow";
  return { ...cpu, reason: explain(`cpu; warning: ${slow}`) };
}

async function startTensorflow(
  importModule: ModuleImporter | undefined,
): Promise<Started | Unavailable> {
  const found = await detectTensorflow({ importModule });
  if (!found.ok) return { unavailable: found.reason, setup: found.setup };
  const { packageName, version } = found;
  const registered = tf.findBackendFactory("tensorflow") !== null;
  if (!registered || !(await tf.setBackend("tensorflow"))) {
    const problem = registered ? "did not start" : "was not registered";
    return {
      unavailable: `${packageName} loaded, but its backend ${problem}`,
      setup: `reinstall ${packageName}@${tf.version_core}`,
    };
  }
  const backend = tf.findBackend("tensorflow") as GpuFlag | null;
  const device = backend?.isUsingGpuDevice === true ? "GPU (CUDA)" : "CPU";
  const skipped = found.skipped === "" ? "" : ` (${found.skipped})`;
  const reason = `tensorflow on ${device} via ${packageName}${skipped}`;
  return { name: "tensorflow", reason, backendVersion: version, device };
}

/** What tfjs-node's backend says about where it computes. */
type GpuFlag = { isUsingGpuDevice?: boolean };

async function startWebGpu(gpu: GpuLike | undefined): Promise<Started> {
  const { version, adapter } = await initWebGpu({ gpu });
  return { name: "webgpu", reason: "", backendVersion: version, adapter };
}

async function startWasm(): Promise<Started> {
  const wasm = await initWasm();
  const threads = `${wasm.threads} thread${wasm.threads === 1 ? "" : "s"}`;
  return {
    name: "wasm",
    reason: `wasm (${wasm.simd ? "SIMD" : "no SIMD"}, ${threads})`,
    backendVersion: wasm.version,
    threads: wasm.threads,
  };
}

async function startCpu(): Promise<Started> {
  if (!(await tf.setBackend("cpu"))) {
    const problem = "could not start the tfjs cpu backend";
    throw new SuiteError(`${problem} (see the warning above)`);
  }
  return { name: "cpu", reason: "", backendVersion: version_cpu };
}

/** "deno 2.9.6" or "node v20.20.2". */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0];
}
