/**
 * Where the time goes: wraps every kernel registered for a backend with a timer, so a benchmark
 * can say which kernels a training step spends its time in. Time is charged to the outermost
 * kernel only — a training kernel built from other kernels (e.g. Conv2DBackpropFilter made of
 * Transpose and Conv2D) counts once, under its own name — so the shares add up to 100%.
 * Synchronous backends only (wasm, cpu): on asynchronous ones a kernel returns before it runs.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import "@tensorflow/tfjs-backend-cpu";
 * import { timeKernels } from "./kernel_timing.ts";
 * await tf.setBackend("cpu");
 * const timing = timeKernels("cpu");
 * tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])).dispose();
 * console.log(timing.report()); // [{ kernel: "BatchMatMul", ms: …, calls: 1, share: … }, …]
 * timing.restore();
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Time spent in one kernel. */
export interface KernelTime {
  /** Kernel name, e.g. "Conv2D". */
  kernel: string;
  /** Milliseconds spent in it (outermost calls only). */
  ms: number;
  /** Outermost calls. */
  calls: number;
  /** Fraction of all timed kernel time. */
  share: number;
}

/** A running kernel timer. */
export interface KernelTiming {
  /** Kernels by time spent, largest first. */
  report(): KernelTime[];
  /** Forgets what was measured so far. */
  reset(): void;
  /** Puts the original kernels back. */
  restore(): void;
}

/** Starts timing every kernel registered for `backendName`. */
export function timeKernels(backendName: string): KernelTiming {
  const totals = new Map<string, { ms: number; calls: number }>();
  const originals = tf.getKernelsForBackend(backendName);
  let depth = 0;
  for (const config of originals) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        if (depth > 0) return inner(args);
        depth++;
        const start = performance.now();
        try {
          return inner(args);
        } finally {
          depth--;
          const entry = totals.get(config.kernelName) ?? { ms: 0, calls: 0 };
          entry.ms += performance.now() - start;
          entry.calls++;
          totals.set(config.kernelName, entry);
        }
      },
    });
  }
  return {
    report() {
      const all = [...totals.values()].reduce((sum, e) => sum + e.ms, 0);
      return [...totals]
        .map(([kernel, e]) => ({
          kernel,
          ...e,
          share: all > 0 ? e.ms / all : 0,
        }))
        .sort((a, b) => b.ms - a.ms);
    },
    reset() {
      totals.clear();
    },
    restore() {
      for (const config of originals) {
        tf.unregisterKernel(config.kernelName, backendName);
        tf.registerKernel(config);
      }
    },
  };
}
