/**
 * Benchmark: one VGG16 training step on the wasm backend (32x32 input, 13 3x3 convs, dense
 * 4096*width x2, forward + backward + SGD momentum), in ms per image, with the share of time spent
 * in each kernel (kernels nested inside the training kernels count toward their caller).
 *
 * ```sh
 * deno run -A lib/backend/bench_kernels.ts --width 0.25 --batch 64 --steps 3
 * ```
 *
 * @example
 * ```ts
 * // Run as a script; it has no exports.
 * await import("./bench_kernels.ts");
 * ```
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { runCli } from "../util/cli.ts";
import { ConfigError } from "../util/errors.ts";
import { initWasm } from "./wasm.ts";

await runCli(async () => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      width: { type: "string", default: "1" },
      batch: { type: "string", default: "64" },
      steps: { type: "string", default: "3" },
    },
  });
  const width = Number(values.width);
  const batch = Number(values.batch);
  const steps = Number(values.steps);
  if (!(width > 0)) {
    throw new ConfigError(
      `--width must be a positive number, got ${values.width}`,
    );
  }
  for (const [name, value] of [["batch", batch], ["steps", steps]] as const) {
    if (!(Number.isInteger(value) && value >= 1)) {
      throw new ConfigError(
        `--${name} must be an integer >= 1, got ${values[name]}`,
      );
    }
  }
  await benchmark(width, batch, steps);
});

async function benchmark(
  width: number,
  batch: number,
  steps: number,
): Promise<void> {
  const info = await initWasm();
  const kernelMs = new Map<string, { ms: number; calls: number }>();
  for (const config of tf.getKernelsForBackend("wasm")) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, "wasm");
    tf.registerKernel({
      ...config,
      kernelFunc: (a) => {
        const start = performance.now();
        const out = inner(a);
        const entry = kernelMs.get(config.kernelName) ?? { ms: 0, calls: 0 };
        entry.ms += performance.now() - start;
        entry.calls++;
        kernelMs.set(config.kernelName, entry);
        return out;
      },
    });
  }

  const c = (n: number) => Math.max(1, Math.round(n * width));
  const layers: tfl.layers.Layer[] = [];
  let first = true;
  for (
    const block of [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [
      512,
      512,
      512,
    ]]
  ) {
    for (const filters of block) {
      layers.push(tfl.layers.conv2d({
        ...(first ? { inputShape: [32, 32, 3] } : {}),
        filters: c(filters),
        kernelSize: 3,
        padding: "same",
        activation: "relu",
      }));
      first = false;
    }
    layers.push(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  }
  layers.push(tfl.layers.flatten());
  layers.push(tfl.layers.dense({ units: c(4096), activation: "relu" }));
  layers.push(tfl.layers.dense({ units: c(4096), activation: "relu" }));
  layers.push(tfl.layers.dense({ units: 10 }));
  const model = tfl.sequential({ layers });
  const optimizer = tf.train.momentum(0.01, 0.9);
  const x = tf.randomUniform([batch, 32, 32, 3]);
  const y = tf.oneHot(
    tf.randomUniform([batch], 0, 10, "int32") as tf.Tensor1D,
    10,
  );

  function step(): number {
    const loss = optimizer.minimize(
      () =>
        tf.losses.softmaxCrossEntropy(
          y,
          model.apply(x) as tf.Tensor,
        ) as tf.Scalar,
      true,
    )!;
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  }

  step();
  kernelMs.clear();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    const loss = step();
    times.push(performance.now() - start);
    console.log(
      `step ${i}: ${times.at(-1)!.toFixed(0)} ms, loss ${loss.toFixed(4)}`,
    );
  }
  const best = Math.min(...times);
  const median = times.toSorted((p, q) => p - q)[Math.floor(times.length / 2)];
  console.log(
    `VGG16 width ${width} batch ${batch} threads ${info.threads}: best ${
      (best / batch).toFixed(2)
    } ms/image, median ${
      (median / batch).toFixed(2)
    } ms/image, tensors ${tf.memory().numTensors}`,
  );
  const total = [...kernelMs.values()].reduce((s, e) => s + e.ms, 0);
  for (
    const [name, e] of [...kernelMs].sort((p, q) => q[1].ms - p[1].ms).slice(
      0,
      14,
    )
  ) {
    console.log(
      `  ${name.padEnd(22)} ${(e.ms / steps).toFixed(1).padStart(8)} ms/step ${
        (100 * e.ms / total).toFixed(1).padStart(5)
      }%  ${e.calls / steps} calls`,
    );
  }
}
