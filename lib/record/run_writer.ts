/**
 * One run's directory: `config.json` (fully resolved), `metrics.jsonl` (per step and per epoch),
 * TensorBoard event files, `summary.json` (status, final metrics, speed, provenance) and the
 * trained `model/`. `summary.json` is written last and atomically, so its presence means the run
 * finished; a run killed before that has none.
 *
 * @example
 * ```ts
 * import { RunWriter } from "./run_writer.ts";
 * import type { TrainResult } from "../train/train.ts";
 * const writer = await RunWriter.open("results/runs/manual", { config: { lr: 0.01 } });
 * // const result: TrainResult = await train(config, data, writer.hooks);
 * // await writer.finish(result);
 * ```
 * @module
 */
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import type {
  EpochMetrics,
  StepMetrics,
  TrainHooks,
  TrainResult,
} from "../train/train.ts";
import type { RunStatus } from "../train/status.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { ConfigError } from "../util/errors.ts";
import { MetricsLog } from "./metrics_log.ts";
import { saveModel } from "./model_store.ts";
import { gitCommit } from "./provenance.ts";
import { TensorBoardWriter } from "./tensorboard.ts";
import { runtimeName } from "../util/runtime.ts";

/** What is recorded about a run besides its metrics. */
export interface RunContext {
  /** The resolved run config (written to config.json). */
  config: unknown;
  /** The backend that ran it (name, versions, adapter). */
  backend?: unknown;
  /** The dataset: where it was and its checksum. */
  dataset?: unknown;
  /** The ablation grid and config hash the run belongs to, copied into summary.json. */
  identity?: { grid: string; hash: string };
}

/** Memory a run needed: the analytic prediction and what was measured. */
export interface RunMemory {
  /** What the memory model predicts training this config needs at its peak. */
  predictedPeakBytes: number;
  /** Largest memory actually held while training (tensor bytes, or the wasm heap). */
  measuredPeakBytes?: number;
  /** The simulated device limit the run was held to, if any. */
  budgetBytes?: number;
}

/** Options of {@linkcode RunWriter.open}. */
export interface RunWriterOptions {
  /** Replace an existing run in the directory instead of refusing. Default false. */
  overwrite?: boolean;
}

/** Contents of summary.json. */
export interface RunSummary {
  status: RunStatus;
  statusReason: string;
  steps: number;
  final?: EpochMetrics;
  bestTestAccuracy: number | null;
  lastLoss: number | null;
  imagesPerSecond: number;
  wallSeconds: number;
  startedAt: string;
  finishedAt: string;
  backend?: unknown;
  dataset?: unknown;
  commit: string;
  runtime: string;
  seed?: unknown;
  model?: string;
  /** The ablation grid (when the run belongs to one). */
  grid?: string;
  /** The config hash, the name of the run's directory (when it belongs to a grid). */
  hash?: string;
  /** Predicted and measured peak memory. */
  memory?: RunMemory;
}

/** What {@linkcode RunWriter.finish} and {@linkcode RunWriter.fail} may add to the summary. */
export interface FinishOptions {
  /** Save the trained model under `model/` (finish only). Default true. */
  saveTrainedModel?: boolean;
  /** Predicted and measured peak memory. */
  memory?: RunMemory;
}

/** Writes one run's files as training goes. */
export class RunWriter {
  /** The run directory. */
  readonly dir: string;
  readonly #context: RunContext;
  readonly #metrics: MetricsLog;
  readonly #tensorboard: TensorBoardWriter;
  readonly #startedAt = new Date();

  private constructor(
    dir: string,
    context: RunContext,
    metrics: MetricsLog,
    tensorboard: TensorBoardWriter,
  ) {
    this.dir = dir;
    this.#context = context;
    this.#metrics = metrics;
    this.#tensorboard = tensorboard;
  }

  /**
   * Starts a run in `dir`: refuses (one-line ConfigError) when `dir` already holds a run unless
   * `overwrite`, then writes config.json and opens metrics.jsonl and a TensorBoard event file.
   */
  static async open(
    dir: string,
    context: RunContext,
    options: RunWriterOptions = {},
  ): Promise<RunWriter> {
    const existing = await readdir(dir).catch(() => [] as string[]);
    if (existing.length > 0 && !options.overwrite) {
      throw new ConfigError(
        `${dir} already holds a run (${
          existing.slice(0, 3).join(", ")
        }); choose another --out or pass --force to replace it`,
      );
    }
    if (existing.length > 0) await clearRun(dir, existing);
    await writeFileAtomic(
      path.join(dir, "config.json"),
      `${JSON.stringify(context.config, null, 2)}\n`,
    );
    const metrics = await MetricsLog.open(path.join(dir, "metrics.jsonl"));
    const tensorboard = await TensorBoardWriter.open(dir);
    return new RunWriter(dir, context, metrics, tensorboard);
  }

  /** Hooks for `train`: each step and epoch goes to metrics.jsonl and TensorBoard. */
  readonly hooks: TrainHooks = {
    onStep: async (m: StepMetrics) => {
      await this.#metrics.append({
        type: "step",
        step: m.step,
        epoch: m.epoch,
        loss: m.loss,
        accuracy: m.accuracy,
      });
      this.#tensorboard.scalar("train/loss", m.loss, m.step);
      this.#tensorboard.scalar("train/batch_accuracy", m.accuracy, m.step);
    },
    onEpoch: async (m: EpochMetrics) => {
      await this.#metrics.append({ type: "epoch", ...m });
      for (
        const [tag, value] of [
          ["epoch/train_loss", m.trainLoss],
          ["epoch/train_accuracy", m.trainAccuracy],
          ["epoch/test_loss", m.testLoss],
          ["epoch/test_accuracy", m.testAccuracy],
          ["epoch/images_per_second", m.imagesPerSecond],
        ] as const
      ) this.#tensorboard.scalar(tag, value, m.step);
      await this.#tensorboard.flush();
    },
  };

  /**
   * Ends a finished run: saves the model (unless `saveTrainedModel` is false) with its config and
   * final metrics under `model/`, then writes summary.json. Returns the summary.
   */
  async finish(
    result: TrainResult,
    options: FinishOptions = {},
  ): Promise<RunSummary> {
    await this.#close();
    const summary: RunSummary = {
      ...(await this.#baseSummary(
        result.status,
        result.statusReason,
        options.memory,
      )),
      steps: result.steps,
      final: result.final,
      bestTestAccuracy: finiteOrNull(result.bestTestAccuracy),
      lastLoss: finiteOrNull(result.losses.at(-1) ?? NaN),
      imagesPerSecond: result.imagesPerSecond,
      wallSeconds: result.wallSeconds,
    };
    if (options.saveTrainedModel ?? true) {
      const modelDir = path.join(this.dir, "model");
      await saveModel(result.model, modelDir, {
        config: this.#context.config,
        metrics: { status: summary.status, ...result.final },
      });
      summary.model = "model";
    }
    await this.#writeSummary(summary);
    return summary;
  }

  /** Ends a run that failed (`error`, or `oom`) with `reason`, writing summary.json. */
  async fail(
    status: RunStatus,
    reason: string,
    options: Pick<FinishOptions, "memory"> = {},
  ): Promise<RunSummary> {
    await this.#close();
    const summary: RunSummary = {
      ...(await this.#baseSummary(status, reason, options.memory)),
      steps: 0,
      bestTestAccuracy: null,
      lastLoss: null,
      imagesPerSecond: 0,
      wallSeconds: (Date.now() - this.#startedAt.getTime()) / 1000,
    };
    await this.#writeSummary(summary);
    return summary;
  }

  async #baseSummary(
    status: RunStatus,
    statusReason: string,
    memory: RunMemory | undefined,
  ) {
    // config.json is a TrainConfig (deno task train) or a RunSpec holding one (ablations).
    const config = this.#context.config as
      | { seed?: unknown; train?: { seed?: unknown } }
      | null;
    return {
      ...this.#context.identity,
      status,
      statusReason,
      startedAt: this.#startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      backend: this.#context.backend,
      dataset: this.#context.dataset,
      commit: await gitCommit(),
      runtime: runtimeName(),
      seed: config?.seed ?? config?.train?.seed,
      ...(memory ? { memory } : {}),
    };
  }

  async #close(): Promise<void> {
    await this.#metrics.close();
    await this.#tensorboard.close();
  }

  async #writeSummary(summary: RunSummary): Promise<void> {
    await writeFileAtomic(
      path.join(this.dir, "summary.json"),
      `${JSON.stringify(summary, null, 2)}\n`,
    );
  }
}

/** What {@linkcode writeFailureSummary} records about a run whose process died. */
export interface FailureRecord {
  /** `error` (a crash) or `oom` (the crash was an allocation failure). */
  status: RunStatus;
  /** One line: what went wrong. */
  statusReason: string;
  /** When the run started, for its wall time. Default: now. */
  startedAt?: Date;
  /** The grid and config hash of the run. */
  identity?: { grid: string; hash: string };
  /** The run's seed. */
  seed?: number;
  /** The backend it ran on, when known. */
  backend?: unknown;
  /** Predicted (and any measured) peak memory. */
  memory?: RunMemory;
}

/**
 * Writes summary.json for a run whose process died without writing one (e.g. a native abort in
 * the wasm kernels), so the suite records the failure and carries on. Written atomically, like
 * every summary.
 *
 * @example
 * ```ts
 * import { writeFailureSummary } from "./run_writer.ts";
 * await writeFailureSummary("results/runs/resolution/0123456789abcdef", {
 *   status: "error",
 *   statusReason: "worker killed by SIGABRT: RuntimeError: Aborted()",
 * });
 * ```
 */
export async function writeFailureSummary(
  dir: string,
  record: FailureRecord,
): Promise<RunSummary> {
  const startedAt = record.startedAt ?? new Date();
  const summary: RunSummary = {
    ...record.identity,
    status: record.status,
    statusReason: record.statusReason,
    steps: 0,
    bestTestAccuracy: null,
    lastLoss: null,
    imagesPerSecond: 0,
    wallSeconds: (Date.now() - startedAt.getTime()) / 1000,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    backend: record.backend,
    commit: await gitCommit(),
    runtime: runtimeName(),
    seed: record.seed,
    ...(record.memory ? { memory: record.memory } : {}),
  };
  await writeFileAtomic(
    path.join(dir, "summary.json"),
    `${JSON.stringify(summary, null, 2)}\n`,
  );
  return summary;
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

async function clearRun(dir: string, entries: string[]): Promise<void> {
  // summary.json goes first, so a crash mid-way never leaves an old summary over new files.
  const ordered = [...entries].sort((a, b) =>
    Number(b === "summary.json") - Number(a === "summary.json")
  );
  for (const entry of ordered) {
    await rm(path.join(dir, entry), { recursive: true, force: true });
  }
}
