/**
 * Synthetic results for the report's tests: finished ablation runs with chosen loss traces,
 * statuses and epochs, written in the shared on-disk format (config.json RunSpec, metrics.jsonl,
 * summary.json named by the spec's hash), plus memory tables and LR range tests.
 *
 * @example
 * ```ts
 * import { writeSyntheticRun } from "./test_support.ts";
 * await writeSyntheticRun("/tmp/results", { grid: "lr", knob: "lr", value: 1, seedIndex: 0,
 *   status: "stuck_at_chance", losses: Array(120).fill(2.3026) });
 * ```
 * @module
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { RunMemory } from "../record/run_writer.ts";
import type { KnobName, ProfileName, RunSpec } from "../store/run_spec.ts";
import { runDirectory, specHash } from "../store/run_spec.ts";
import { resolveTrainConfig } from "../train/config.ts";
import type { RunStatus } from "../train/status.ts";
import { formatCsv } from "./csv.ts";

/** What a synthetic run looks like. */
export interface SyntheticRun {
  grid: string;
  knob: KnobName;
  value: number;
  seedIndex: number;
  status: RunStatus;
  /** Per-step losses (null = not finite). Default: 120 steps falling from 2.3 to 1.5. */
  losses?: (number | null)[];
  /** Final test accuracy of the one epoch. Default 0.3. */
  testAccuracy?: number;
  /** Training seconds of the one epoch. Default 10. */
  trainSeconds?: number;
  memory?: RunMemory;
  profile?: ProfileName;
  /** ISO time the run finished. Default 2025-01-01T00:00:00Z plus seedIndex seconds. */
  finishedAt?: string;
  /** The config's epochs (a different value makes a different config, hash and directory). */
  epochs?: number;
}

/**
 * Writes one finished run under `<resultsDir>/runs/<grid>/<hash>/`; returns its directory.
 *
 * @example
 * ```ts
 * import { writeSyntheticRun } from "./test_support.ts";
 * const dir = await writeSyntheticRun("/tmp/results", { grid: "dense", knob: "denseWidth",
 *   value: 256, seedIndex: 1, status: "ok" });
 * ```
 */
export async function writeSyntheticRun(
  resultsDir: string,
  run: SyntheticRun,
): Promise<string> {
  const spec: RunSpec = {
    grid: run.grid,
    profile: run.profile ?? "cpu",
    knob: run.knob,
    value: run.value,
    seedIndex: run.seedIndex,
    backend: "wasm",
    train: resolveTrainConfig({
      model: {
        variant: "vgg11",
        widthMultiplier: 0.125,
        denseWidth: run.knob === "denseWidth" ? run.value : undefined,
        inputSize: run.knob === "inputSize" ? run.value : undefined,
      },
      lr: run.knob === "lr" ? run.value : undefined,
      batchSize: run.knob === "batchSize" ? run.value : 16,
      trainSubset: 500,
      testSubset: 100,
      epochs: run.epochs,
      seed: run.seedIndex,
    }),
  };
  const hash = specHash(spec);
  const dir = runDirectory(resultsDir, { grid: run.grid, hash });
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "config.json"), JSON.stringify(spec, null, 2));
  const losses = run.losses ??
    Array.from({ length: 120 }, (_, i) => 2.3 - 0.8 * (i / 119));
  const testAccuracy = run.testAccuracy ?? 0.3;
  const trainSeconds = run.trainSeconds ?? 10;
  const epoch = {
    type: "epoch",
    epoch: 1,
    step: losses.length,
    trainLoss: losses.at(-1) ?? null,
    trainAccuracy: 0.3,
    testLoss: 2,
    testAccuracy,
    trainSeconds,
    imagesPerSecond: 500 / trainSeconds,
  };
  const lines = losses.map((loss, i) =>
    JSON.stringify({ type: "step", step: i + 1, epoch: 1, loss, accuracy: 0.2 })
  );
  const failed = run.status === "oom" || run.status === "error";
  if (!failed) lines.push(JSON.stringify(epoch));
  await writeFile(path.join(dir, "metrics.jsonl"), lines.join("\n") + "\n");
  const finishedAt = run.finishedAt ??
    new Date(Date.UTC(2025, 0, 1, 0, 0, run.seedIndex)).toISOString();
  const { type: _type, ...final } = epoch;
  const summary = {
    status: run.status,
    statusReason: `synthetic ${run.status}`,
    steps: failed ? 0 : losses.length,
    final: failed ? undefined : final,
    bestTestAccuracy: failed ? null : testAccuracy,
    lastLoss: failed ? null : losses.at(-1),
    imagesPerSecond: failed ? 0 : 500 / trainSeconds,
    wallSeconds: failed ? 1 : trainSeconds + 2,
    startedAt: "2025-01-01T00:00:00.000Z",
    finishedAt,
    backend: {
      name: "wasm",
      requested: "wasm",
      tfjsVersion: "4.22.0",
      backendVersion: "4.22.0",
      threads: 1,
      runtime: "deno 2.9.6",
    },
    dataset: { sha256: "ab".repeat(32) },
    commit: "0123456789abcdef0123456789abcdef01234567",
    runtime: "deno 2.9.6",
    seed: spec.train.seed,
    grid: run.grid,
    hash,
    memory: run.memory,
  };
  await writeFile(path.join(dir, "summary.json"), JSON.stringify(summary));
  return dir;
}

/**
 * A loss trace of `steps` steps: starting at 2.5, falling to `end` ("learns"), or settling at
 * ln 10 with ±0.005 jitter (`end: "chance"`).
 *
 * @example
 * ```ts
 * import { lossTrace } from "./test_support.ts";
 * lossTrace(200, "chance").at(-1); // ~2.3026
 * ```
 */
export function lossTrace(steps: number, end: number | "chance"): number[] {
  const target = end === "chance" ? Math.log(10) : end;
  return Array.from({ length: steps }, (_, i) => {
    const settle = Math.min(1, i / (steps / 4));
    const jitter = end === "chance" ? 0.005 * Math.sin(i * 1.7) : 0;
    return 2.5 + (target - 2.5) * settle + jitter;
  });
}

/**
 * Writes a synthetic lr grid: lrs 0.001, 0.01, 0.1 and 1 with `seeds` seeds each, 200 steps.
 * The two small lrs learn; with `stuck`, lr 0.1 and 1 end stuck at ln 10, else they learn too.
 *
 * @example
 * ```ts
 * import { writeSyntheticLrGrid } from "./test_support.ts";
 * await writeSyntheticLrGrid("/tmp/results", { stuck: true, seeds: 3 });
 * ```
 */
export async function writeSyntheticLrGrid(
  resultsDir: string,
  options: { stuck: boolean; seeds: number; profile?: ProfileName },
): Promise<void> {
  for (const lr of [0.001, 0.01, 0.1, 1]) {
    for (let seedIndex = 0; seedIndex < options.seeds; seedIndex++) {
      const stuck = options.stuck && lr >= 0.1;
      await writeSyntheticRun(resultsDir, {
        grid: "lr",
        knob: "lr",
        value: lr,
        seedIndex,
        status: stuck ? "stuck_at_chance" : "ok",
        losses: lossTrace(200, stuck ? "chance" : lr === 0.001 ? 1.9 : 1.4),
        testAccuracy: stuck
          ? 0.1
          : lr === 0.001
          ? 0.3
          : 0.45 + 0.01 * seedIndex,
        profile: options.profile,
      });
    }
  }
}

/**
 * Writes memory_frontier.csv, memory_agreement.csv and memory_oom.json for VGG16 over input
 * {32, 64, 224}, dense {512, 4096} and batch {16, 64}, with a toy memory model (0.5 GiB, plus
 * 128 bytes per dense² and 3000 bytes per batch·input²) that puts the seed setting (224, 4096,
 * 64) at 11.6 GiB; memory_oom.json holds a budget replay of the seed setting and (unless
 * `realOom` is false) a real out-of-memory run of the seed's network at batch 1.
 *
 * @example
 * ```ts
 * import { writeSyntheticMemory } from "./test_support.ts";
 * await writeSyntheticMemory("/tmp/results");
 * ```
 */
export async function writeSyntheticMemory(
  resultsDir: string,
  options: { realOom?: boolean } = {},
): Promise<void> {
  const GiB = 1024 ** 3;
  const predict = (input: number, dense: number, batch: number) =>
    0.5 * GiB + dense * dense * 16 * 8 + batch * input * input * 3000;
  const frontier = [];
  for (const input of [32, 64, 224]) {
    for (const dense of [512, 4096]) {
      for (const batch of [16, 64]) {
        const bytes = predict(input, dense, batch);
        frontier.push({
          variant: "vgg16",
          input,
          dense,
          batch,
          optimizer: "sgd",
          predicted_peak_bytes: bytes,
          fits_4gib: bytes <= 4 * GiB,
          fits_8gib: bytes <= 8 * GiB,
          fits_16gib: bytes <= 16 * GiB,
        });
      }
    }
  }
  const tables = path.join(resultsDir, "tables");
  await mkdir(tables, { recursive: true });
  await writeFile(
    path.join(tables, "memory_frontier.csv"),
    formatCsv(Object.keys(frontier[0]), frontier),
  );
  const agreement = [[32, 512, 16, 1.1], [64, 512, 16, 0.9], [
    32,
    4096,
    16,
    1.05,
  ]]
    .map(([input, dense, batch, factor]) => {
      const predicted = predict(input, dense, batch);
      const measured = Math.round(predicted / factor);
      return {
        variant: "vgg16",
        width: 1,
        input,
        dense,
        batch,
        optimizer: "sgd",
        predicted_bytes: predicted,
        measured_bytes: measured,
        error_pct: (predicted - measured) / measured * 100,
        heap_bytes: measured + 64 * 1024 ** 2,
      };
    });
  await writeFile(
    path.join(tables, "memory_agreement.csv"),
    formatCsv(Object.keys(agreement[0]), agreement),
  );
  const seedNetwork = (batchSize: number) =>
    resolveTrainConfig({
      batchSize,
      model: { variant: "vgg16", inputSize: 224, denseWidth: 4096 },
    });
  await writeFile(
    path.join(resultsDir, "memory_oom.json"),
    JSON.stringify([
      {
        spec: {
          train: seedNetwork(64),
          budgetBytes: 4 * GiB,
          budget: "gtx1050ti",
        },
        status: "oom",
        requestedBytes: predict(224, 4096, 64),
        predictedPeakBytes: predict(224, 4096, 64),
        backend: "budget",
        message: "predicted peak exceeds the memory budget (gtx1050ti)",
      },
      ...(options.realOom ?? true
        ? [{
          spec: { train: seedNetwork(1), isolation: "child process" },
          status: "oom",
          requestedBytes: 411_041_792,
          predictedPeakBytes: predict(224, 4096, 1),
          backend: "wasm",
          message: "wasm heap exhausted: malloc(411041792) failed",
        }]
        : []),
    ]),
  );
}
