/**
 * Measures the memory of real training steps on the current tfjs backend: the peak of tfjs'
 * tensor accounting (what `tf.profile` reports as peakBytes), the peak of distinct buffers, the
 * wasm heap and the process' resident memory. A step that runs out of memory is a result
 * (`status: "oom"` with the bytes it asked for), not a crash, and everything the measurement made
 * is freed, so the process can go on with the next config.
 *
 * The wasm heap never shrinks: for a clean heap figure measure each config in a fresh process
 * (see `measureInChildProcess`).
 *
 * @example
 * ```ts
 * import { selectBackend } from "../backend/select.ts";
 * import { resolveTrainConfig } from "../train/config.ts";
 * import { measureTrainingMemory } from "./measure.ts";
 * await selectBackend({ backend: "wasm" });
 * const config = resolveTrainConfig({ batchSize: 4, model: { widthMultiplier: 0.25 } });
 * const measured = await measureTrainingMemory(config);
 * console.log(measured.status, measured.tensorPeakBytes, measured.heapBytes);
 * ```
 * @module
 */
import process from "node:process";
import * as tf from "@tensorflow/tfjs-core";
import { buildVgg } from "../model/vgg_build.ts";
import type { TrainConfig } from "../train/config.ts";
import { trainStep } from "../train/train.ts";
import { ConfigError } from "../util/errors.ts";
import { outOfMemoryInText, outOfMemoryOf } from "./out_of_memory.ts";
import { MemoryPeakTracker } from "./peak_tracker.ts";
import { createOptimizer, disposeOptimizer } from "../train/optimizer.ts";

/** Options of {@linkcode measureTrainingMemory}. */
export interface MeasureOptions {
  /**
   * Training steps to run; the peaks are those of the last one. The first step creates the
   * optimizer's slots, so 2 (the default) measures a steady-state step.
   */
  steps?: number;
  /**
   * A memory budget in bytes: when a step's tensor peak exceeds it, the measurement ends as
   * `oom`, as a device of that size would have.
   */
  budgetBytes?: number;
}

/** What a measurement found. Byte counts are null when the step never completed. */
export interface MemoryMeasurement {
  /** `ok`, or `oom`: the backend could not allocate, or the peak exceeded the budget. */
  status: "ok" | "oom";
  /** The tfjs backend it ran on. */
  backend: string;
  /** Steps that completed. */
  steps: number;
  /** Peak of tfjs' tensor accounting in the last step (= tf.profile's peakBytes). */
  tensorPeakBytes: number | null;
  /** Peak of distinct buffers in the last step (shared buffers counted once). */
  bufferPeakBytes: number | null;
  /** The wasm heap's size afterwards, which is its peak (it never shrinks); null off wasm. */
  heapBytes: number | null;
  /** The process' resident memory afterwards. */
  rssBytes: number;
  /** Wall time of the last completed step. */
  stepSeconds: number | null;
  /** oom: bytes of the allocation that failed (or the peak over the budget); else null. */
  requestedBytes: number | null;
  /** oom: one line saying what ran out. */
  message?: string;
}

/**
 * Builds the network `config` describes on the current backend and runs `options.steps` training
 * steps on a constant batch (memory does not depend on pixel values), measuring each step's
 * peaks. Everything it creates is disposed before it returns, also after an out-of-memory.
 *
 * @throws {ConfigError} when steps is not a positive integer or the budget is not positive;
 * errors other than running out of memory propagate.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { resolveTrainConfig } from "../train/config.ts";
 * import { measureTrainingMemory } from "./measure.ts";
 * await tf.setBackend("cpu");
 * const config = resolveTrainConfig({
 *   batchSize: 2, model: { variant: "vgg11", widthMultiplier: 0.125, denseWidth: 16 },
 * });
 * const tooSmall = await measureTrainingMemory(config, { budgetBytes: 1_000_000 });
 * tooSmall.status; // "oom": the step needs about 3.4 MB
 * ```
 */
export async function measureTrainingMemory(
  config: TrainConfig,
  options: MeasureOptions = {},
): Promise<MemoryMeasurement> {
  const steps = options.steps ?? 2;
  if (!Number.isSafeInteger(steps) || steps < 1) {
    throw new ConfigError(`steps must be an integer >= 1, got ${steps}`);
  }
  const budget = options.budgetBytes;
  if (budget !== undefined && !(budget > 0)) {
    throw new ConfigError(
      `memory budget must be more than 0 bytes, got ${budget}`,
    );
  }
  const backend = tf.getBackend();
  const deviceErrors = captureDeviceErrors();
  // Variables made here (weights, optimizer slots) are found by name afterwards, so that even a
  // model whose build ran out of memory half-way is freed.
  const variablesBefore = new Set(Object.keys(tf.engine().registeredVariables));
  const tracker = MemoryPeakTracker.start();
  const owned: tf.Tensor[] = [];
  let optimizer: tf.Optimizer | undefined;
  let completed = 0;
  let peaks: { tensor: number; buffer: number; seconds: number } | undefined;
  const result = (
    fields: Pick<MemoryMeasurement, "status" | "requestedBytes" | "message">,
  ): MemoryMeasurement => ({
    ...fields,
    backend,
    steps: completed,
    tensorPeakBytes: peaks?.tensor ?? null,
    bufferPeakBytes: peaks?.buffer ?? null,
    heapBytes: wasmHeapBytes(),
    rssBytes: process.memoryUsage().rss,
    stepSeconds: peaks?.seconds ?? null,
  });
  try {
    const model = buildVgg(config.model);
    optimizer = createOptimizer(config);
    const variables = model.trainableWeights.map((w) =>
      w.read() as tf.Variable
    );
    const side = config.model.inputSize;
    const xs = tf.zeros([config.batchSize, side, side, 3]) as tf.Tensor4D;
    owned.push(xs);
    const ys = tf.tensor1d(
      Array.from(
        { length: config.batchSize },
        (_, i) => i % config.model.numClasses,
      ),
      "int32",
    );
    owned.push(ys);
    for (let step = 0; step < steps; step++) {
      tracker.reset();
      const started = performance.now();
      const [loss, correct] = trainStep(model, optimizer, variables, xs, ys);
      await loss.data();
      tf.dispose([loss, correct]);
      completed++;
      peaks = {
        tensor: tracker.tensorPeakBytes,
        buffer: tracker.bufferPeakBytes,
        seconds: (performance.now() - started) / 1000,
      };
      const deviceError = await deviceErrors.take();
      const oom = deviceError ? outOfMemoryInText(deviceError) : null;
      if (oom) return result({ status: "oom", ...oom });
      if (budget !== undefined && peaks.tensor > budget) {
        return result({
          status: "oom",
          requestedBytes: peaks.tensor,
          message:
            `measured peak ${peaks.tensor} bytes exceeds the memory budget of ${budget} bytes`,
        });
      }
    }
    return result({ status: "ok", requestedBytes: null });
  } catch (error) {
    const oom = outOfMemoryOf(error);
    if (!oom) throw error;
    return result({ status: "oom", ...oom });
  } finally {
    tracker.stop();
    deviceErrors.stop();
    tf.dispose(owned);
    if (optimizer) disposeOptimizer(optimizer);
    for (
      const [name, variable] of Object.entries(tf.engine().registeredVariables)
    ) {
      if (!variablesBefore.has(name)) variable.dispose();
    }
  }
}

/** The wasm heap's current size, or null on other backends. */
function wasmHeapBytes(): number | null {
  const wasm = (tf.backend() as { wasm?: { HEAPU8?: Uint8Array } }).wasm;
  return wasm?.HEAPU8?.length ?? null;
}

/** The WebGPU device tfjs-backend-webgpu runs on, as far as errors are concerned. */
interface ErrorReportingDevice {
  addEventListener(type: "uncapturederror", listener: (e: Event) => void): void;
  removeEventListener(
    type: "uncapturederror",
    listener: (e: Event) => void,
  ): void;
}

/**
 * Collects WebGPU validation errors while a measurement runs. WebGPU does not throw when a
 * buffer is too large: the error goes to the device's `uncapturederror` event and the op returns
 * zeros, so without this a step over the limit would look fine. A no-op on other backends.
 */
function captureDeviceErrors(): {
  take: () => Promise<string | undefined>;
  stop: () => void;
} {
  const device = (tf.backend() as { device?: ErrorReportingDevice }).device;
  if (typeof device?.addEventListener !== "function") {
    return { take: () => Promise.resolve(undefined), stop: () => {} };
  }
  const messages: string[] = [];
  const listener = (event: Event) => {
    const error = (event as Event & { error?: { message?: string } }).error;
    messages.push(error?.message ?? String(event));
  };
  device.addEventListener("uncapturederror", listener);
  return {
    // Errors arrive as events after the failing submission: let them be delivered first.
    take: async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      return messages.shift();
    },
    stop: () => device.removeEventListener("uncapturederror", listener),
  };
}
