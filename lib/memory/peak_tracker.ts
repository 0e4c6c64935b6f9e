/**
 * The peak of tensor memory while code runs, from tfjs' own accounting, sampled after every kernel
 * — the same samples `tf.profile` takes for its `peakBytes`, without the profiler's per-kernel
 * timing. It also counts distinct buffers: tfjs counts a tensor that shares another's buffer (a
 * reshape, the clones the gradient tape saves) at full size again, so `tensorPeakBytes` can
 * exceed what the backend really holds (`bufferPeakBytes`).
 *
 * It wraps three methods of tfjs-core 4.22's engine (`runKernelFunc`, `trackTensor`,
 * `removeDataId`); they are restored when the last tracker stops.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { MemoryPeakTracker } from "./peak_tracker.ts";
 * await tf.setBackend("cpu");
 * const tracker = MemoryPeakTracker.start();
 * tf.tidy(() => tf.square(tf.ones([1024])));
 * tracker.stop();
 * tracker.tensorPeakBytes; // 8192: the ones and their square
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** The engine internals the tracker wraps and reads (tfjs-core 4.22). */
interface EngineInternals {
  runKernelFunc(params: unknown): unknown;
  trackTensor(tensor: tf.Tensor, backend: unknown): void;
  removeDataId(dataId: object, backend: unknown): void;
  state: {
    numBytes: number;
    tensorInfo: WeakMap<object, { backend: unknown; bytes: number }>;
  };
}

const active = new Set<MemoryPeakTracker>();
/** Bytes of live distinct buffers, maintained while any tracker runs. */
let bufferBytes = 0;
let restore: (() => void) | undefined;

/**
 * Samples tensor and buffer bytes after every kernel while started.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { MemoryPeakTracker } from "./peak_tracker.ts";
 * const tracker = MemoryPeakTracker.start();
 * tf.tidy(() => tf.matMul(tf.ones([256, 256]), tf.ones([256, 256])));
 * tracker.stop();
 * console.log(tracker.tensorPeakBytes); // 786_432: both inputs and the product
 * ```
 */
export class MemoryPeakTracker {
  #tensorPeak = 0;
  #bufferPeak = 0;
  #running = false;

  private constructor() {}

  /**
   * Starts a tracker; its peaks begin at the bytes held now. Trackers may overlap.
   *
   * @example
   * ```ts
   * import { MemoryPeakTracker } from "./peak_tracker.ts";
   * const tracker = MemoryPeakTracker.start();
   * // ... run training steps ...
   * tracker.stop();
   * console.log(tracker.tensorPeakBytes, tracker.bufferPeakBytes);
   * ```
   */
  static start(): MemoryPeakTracker {
    const tracker = new MemoryPeakTracker();
    if (active.size === 0) install();
    active.add(tracker);
    tracker.#running = true;
    tracker.reset();
    return tracker;
  }

  /** Highest tfjs-accounted tensor bytes seen (what `tf.profile` reports as peakBytes). */
  get tensorPeakBytes(): number {
    return this.#tensorPeak;
  }

  /** Highest bytes of distinct buffers seen (shared buffers counted once). */
  get bufferPeakBytes(): number {
    return this.#bufferPeak;
  }

  /** Forgets the peaks seen so far: they restart at the bytes held now. */
  reset(): void {
    this.#tensorPeak = engine().state.numBytes;
    this.#bufferPeak = this.#running ? bufferBytes : 0;
  }

  /** Stops sampling; the peaks keep their values. */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    active.delete(this);
    if (active.size === 0) uninstall();
  }

  /** Records the engine's current bytes. */
  sample(): void {
    const tensorBytes = engine().state.numBytes;
    if (tensorBytes > this.#tensorPeak) this.#tensorPeak = tensorBytes;
    if (bufferBytes > this.#bufferPeak) this.#bufferPeak = bufferBytes;
  }
}

function engine(): EngineInternals {
  return tf.engine() as unknown as EngineInternals;
}

/**
 * Wraps the engine's methods. A buffer is new when the engine does not know its data id yet, and
 * gone when the engine drops the id. tfjs cannot list the buffers that exist before the first
 * tracker starts, so they enter as the engine's tensor total then (exact unless some of them
 * share buffers, then an upper bound); start trackers before building the model.
 */
function install(): void {
  const target = engine();
  const own = target as unknown as Record<string, unknown>;
  const { runKernelFunc, trackTensor, removeDataId } = target;
  bufferBytes = target.state.numBytes;
  own.trackTensor = function (
    this: EngineInternals,
    tensor: tf.Tensor,
    backend: unknown,
  ) {
    const isNew = !this.state.tensorInfo.has(tensor.dataId);
    trackTensor.call(this, tensor, backend);
    if (isNew) bufferBytes += this.state.tensorInfo.get(tensor.dataId)!.bytes;
  };
  own.removeDataId = function (
    this: EngineInternals,
    dataId: object,
    backend: unknown,
  ) {
    const info = this.state.tensorInfo.get(dataId);
    if (info !== undefined && info.backend === backend) {
      bufferBytes -= info.bytes;
    }
    removeDataId.call(this, dataId, backend);
  };
  own.runKernelFunc = function (this: EngineInternals, params: unknown) {
    const result = runKernelFunc.call(this, params);
    for (const tracker of active) tracker.sample();
    return result;
  };
  restore = () => {
    delete own.trackTensor;
    delete own.removeDataId;
    delete own.runKernelFunc;
    bufferBytes = 0;
  };
}

function uninstall(): void {
  restore?.();
  restore = undefined;
}
