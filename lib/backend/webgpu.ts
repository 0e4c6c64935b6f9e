/**
 * The WebGPU backend (`@tensorflow/tfjs-backend-webgpu` on `navigator.gpu`): finds an adapter,
 * tells a real GPU from a software one, and starts tfjs on the adapter it inspected.
 *
 * A software adapter (Mesa's lavapipe "llvmpipe", SwiftShader, WARP, or any adapter flagged
 * `isFallbackAdapter`) runs the shaders on the CPU, 25–50× slower than the wasm backend, so
 * {@linkcode probeWebGpu} reports it as `software` and automatic selection skips it.
 *
 * Runs on Deno (which has `navigator.gpu`) and Node (which has not: reported as unavailable).
 * Under Deno, read webgpu tensors with `await tensor.data()`: tfjs' synchronous read
 * (`dataSync`, `arraySync`) needs an OffscreenCanvas, which Deno lacks.
 *
 * @example
 * ```ts
 * import { probeWebGpu } from "./webgpu.ts";
 * const probe = await probeWebGpu();
 * console.log(probe.available ? probe.adapter.summary : probe.reason);
 * ```
 * @module
 */
import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs-core";
import type { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import { SuiteError } from "../util/errors.ts";

/** The fields of a WebGPU `GPUAdapterInfo` this module reads. */
export interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  /** Where current implementations (Deno 2.x, Chrome 131+) report the fallback flag. */
  isFallbackAdapter?: boolean;
}

/** The parts of a WebGPU `GPUAdapter` this module uses. */
export interface GpuAdapterLike {
  readonly features: { has(feature: string): boolean };
  readonly limits: Readonly<Record<string, number>>;
  readonly info?: GpuAdapterInfoLike;
  /** Where older implementations report the fallback flag. */
  readonly isFallbackAdapter?: boolean;
  requestAdapterInfo?(): Promise<GpuAdapterInfoLike>;
  requestDevice(descriptor?: {
    requiredFeatures?: string[];
    requiredLimits?: Record<string, number>;
  }): Promise<unknown>;
}

/** The part of `navigator.gpu` this module uses. */
export interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: "high-performance" | "low-power";
  }): Promise<GpuAdapterLike | null>;
}

/** An adapter found by {@linkcode probeWebGpu}, with what it is. */
export interface WebGpuAdapter {
  adapter: GpuAdapterLike;
  info: GpuAdapterInfoLike;
  /** One line: description, vendor/architecture/device ids and the fallback flag. */
  summary: string;
  /** Whether it computes on the CPU (fallback flag or a known software rasteriser). */
  software: boolean;
}

/** What {@linkcode probeWebGpu} found. */
export type WebGpuProbe =
  | { available: true; adapter: WebGpuAdapter }
  | { available: false; reason: string };

/** Options of {@linkcode probeWebGpu} and {@linkcode initWebGpu}. */
export interface WebGpuOptions {
  /** The WebGPU entry point. Default: `navigator.gpu` (undefined on Node). */
  gpu?: GpuLike;
}

/** What {@linkcode initWebGpu} started. */
export interface WebGpuInfo {
  /** tfjs-backend-webgpu version, e.g. "4.22.0". */
  version: string;
  /** {@linkcode WebGpuAdapter.summary} of the adapter tfjs runs on. */
  adapter: string;
  /** Whether that adapter is a software (CPU) one. */
  software: boolean;
}

/** Names of adapters that rasterise on the CPU. */
const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|basic render driver/i;

const NO_NAVIGATOR_GPU = "navigator.gpu is not available " +
  "(WebGPU needs Deno, Node has none)";

const NO_ADAPTER = "navigator.gpu found no adapter (no Vulkan driver; " +
  "on Debian/Ubuntu `apt-get install mesa-vulkan-drivers` gives a CPU one, " +
  "a GPU needs its vendor's driver)";

/**
 * Asks for the high-performance adapter and describes it. Never throws: no `navigator.gpu`, no
 * adapter (no Vulkan/Metal/D3D12 driver) or a failing request come back as `reason`.
 *
 * @example
 * ```ts
 * import { probeWebGpu } from "./webgpu.ts";
 * const probe = await probeWebGpu();
 * if (probe.available && !probe.adapter.software) console.log("GPU:", probe.adapter.summary);
 * ```
 */
export async function probeWebGpu(
  options: WebGpuOptions = {},
): Promise<WebGpuProbe> {
  const gpu = options.gpu ?? navigatorGpu();
  if (gpu === undefined) return { available: false, reason: NO_NAVIGATOR_GPU };
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch (error) {
    const reason = `navigator.gpu.requestAdapter() failed: ${firstLine(error)}`;
    return { available: false, reason };
  }
  if (adapter === null) return { available: false, reason: NO_ADAPTER };
  const info = await adapterInfo(adapter);
  const fallback = info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  const summary = describeAdapter(info, fallback);
  const software = fallback || isSoftwareAdapter(info);
  return { available: true, adapter: { adapter, info, summary, software } };
}

/**
 * Whether the adapter's names identify a software rasteriser that runs on the CPU (lavapipe
 * reports "llvmpipe ...", SwiftShader "SwiftShader Device", WARP "Microsoft Basic Render Driver").
 *
 * @example
 * ```ts
 * import { isSoftwareAdapter } from "./webgpu.ts";
 * isSoftwareAdapter({ description: "llvmpipe (LLVM 15.0.6, 256 bits)" }); // true
 * isSoftwareAdapter({ description: "NVIDIA H200" }); // false
 * ```
 */
export function isSoftwareAdapter(info: GpuAdapterInfoLike): boolean {
  const names = [info.description, info.device, info.architecture, info.vendor];
  return names.some((name) => name !== undefined && SOFTWARE.test(name));
}

/**
 * One line describing an adapter: its description (or device), then the vendor, architecture and
 * device fields that are set, then whether it is a fallback adapter.
 *
 * @example
 * ```ts
 * import { describeAdapter } from "./webgpu.ts";
 * describeAdapter({ vendor: "65541", device: "0", description: "llvmpipe (LLVM 15.0.6)" }, true);
 * // "llvmpipe (LLVM 15.0.6) [vendor 65541, device 0, fallback adapter]"
 * ```
 */
export function describeAdapter(
  info: GpuAdapterInfoLike,
  isFallbackAdapter: boolean,
): string {
  const name = info.description || info.device || "unnamed adapter";
  const fields = [
    info.vendor ? `vendor ${info.vendor}` : "",
    info.architecture ? `architecture ${info.architecture}` : "",
    info.device && info.device !== name ? `device ${info.device}` : "",
    isFallbackAdapter ? "fallback adapter" : "",
  ].filter((field) => field !== "");
  return fields.length === 0 ? name : `${name} [${fields.join(", ")}]`;
}

let started: Promise<WebGpuInfo> | undefined;

/**
 * Starts tfjs on WebGPU and makes it the active backend, on the adapter {@linkcode probeWebGpu}
 * reports (software or not: choosing is the caller's job). Safe to call again: later calls
 * switch back to the same device without re-initialising.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { initWebGpu } from "./webgpu.ts";
 * const info = await initWebGpu();
 * console.log(tf.getBackend(), info.adapter); // "webgpu" "NVIDIA ..."
 * ```
 */
export async function initWebGpu(
  options: WebGpuOptions = {},
): Promise<WebGpuInfo> {
  started ??= startWebGpu(options).catch((error) => {
    started = undefined;
    throw error;
  });
  const info = await started;
  if (!(await tf.setBackend("webgpu"))) {
    const problem = "could not switch tfjs to the webgpu backend";
    throw new SuiteError(`${problem} (see the warning above)`);
  }
  return info;
}

type Device = ConstructorParameters<typeof WebGPUBackend>[0];
type Info = ConstructorParameters<typeof WebGPUBackend>[1];

async function startWebGpu(options: WebGpuOptions): Promise<WebGpuInfo> {
  const probe = await probeWebGpu(options);
  if (!probe.available) {
    throw new SuiteError(`webgpu is unavailable: ${probe.reason}`);
  }
  const { adapter, info, summary, software } = probe.adapter;
  const timestamps = adapter.features.has("timestamp-query");
  const device = await adapter.requestDevice({
    requiredFeatures: timestamps ? ["timestamp-query"] : [],
    requiredLimits: pickLimits(adapter.limits),
  });
  // Importing the package registers its own factory, which would request a second adapter by
  // itself; replace it so tfjs runs on the device of the adapter inspected above.
  const webgpu = await import("@tensorflow/tfjs-backend-webgpu");
  if (tf.findBackendFactory("webgpu") !== null) tf.removeBackend("webgpu");
  const create = () => new webgpu.WebGPUBackend(device as Device, info as Info);
  tf.registerBackend("webgpu", create, 3);
  if (!(await tf.setBackend("webgpu"))) {
    throw new SuiteError(`could not start the webgpu backend on ${summary}`);
  }
  return { version: webgpuPackageVersion(), adapter: summary, software };
}

/**
 * The adapter's own limits for what big tensors and tfjs' kernels need; WebGPU's defaults
 * (128 MiB storage bindings, 16 KiB workgroup memory) are smaller than most GPUs allow.
 */
function pickLimits(
  limits: Readonly<Record<string, number>>,
): Record<string, number> {
  const names = [
    "maxComputeWorkgroupStorageSize",
    "maxComputeWorkgroupsPerDimension",
    "maxStorageBufferBindingSize",
    "maxBufferSize",
    "maxComputeWorkgroupSizeX",
    "maxComputeInvocationsPerWorkgroup",
  ];
  const known = names.filter((name) => typeof limits[name] === "number");
  return Object.fromEntries(known.map((name) => [name, limits[name]]));
}

/** tfjs-backend-webgpu exports no version constant (unlike the cpu and wasm backends). */
function webgpuPackageVersion(): string {
  const require = createRequire(import.meta.url);
  const manifest = "@tensorflow/tfjs-backend-webgpu/package.json";
  return (require(manifest) as { version: string }).version;
}

async function adapterInfo(
  adapter: GpuAdapterLike,
): Promise<GpuAdapterInfoLike> {
  if (adapter.info !== undefined) return adapter.info;
  if (adapter.requestAdapterInfo === undefined) return {};
  return await adapter.requestAdapterInfo();
}

function navigatorGpu(): GpuLike | undefined {
  const global = globalThis as { navigator?: { gpu?: GpuLike } };
  return global.navigator?.gpu ?? undefined;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0];
}
