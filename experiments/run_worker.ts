/**
 * Child-process entry of `deno task ablate`: runs ONE ablation run and records it under its
 * config-hash directory. A run lives in its own process so that a native abort in the wasm kernels
 * (XNNPACK cannot report allocation failures any other way) kills only that run; the parent then
 * records it as `error`/`oom` and the suite carries on.
 *
 *   deno run --allow-all experiments/run_worker.ts --spec '<RunSpec JSON>' --results results \
 *     --data /path/to/cifar-10-batches-bin [--force] [--save-model]
 *
 * Prints one JSON line on stdout: {"outcome":"finished"|"already_done"|"locked", ...}. Exit 0
 * when the run was recorded (whatever its status) or skipped; non-zero only when the process
 * itself failed before it could record the run.
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { type BackendInfo, selectBackend } from "../lib/backend/select.ts";
import { loadCifar10 } from "../lib/data/cifar10.ts";
import { datasetFingerprint } from "../lib/data/fingerprint.ts";
import { cachedChannelStats } from "../lib/data/stats.ts";
import { outOfMemoryOf } from "../lib/memory/out_of_memory.ts";
import { MemoryPeakTracker } from "../lib/memory/peak_tracker.ts";
import { predictTrainingMemory } from "../lib/memory/training_memory.ts";
import { RunWriter } from "../lib/record/run_writer.ts";
import { acquireRunLock } from "../lib/store/run_lock.ts";
import { runDirectory, type RunSpec, specHash } from "../lib/store/run_spec.ts";
import { readRunState } from "../lib/store/run_store.ts";
import { train } from "../lib/train/train.ts";
import { runCli } from "../lib/util/cli.ts";
import { ConfigError } from "../lib/util/errors.ts";

const HELP =
  `Run one ablation run (used by deno task ablate; not meant to be called by hand).

Usage: deno run --allow-all experiments/run_worker.ts --spec JSON --results DIR --data DIR
  --spec JSON      the RunSpec (config.json) of the run
  --results DIR    the results directory (the run goes to DIR/runs/<grid>/<hash>)
  --data DIR       the CIFAR-10 binary folder
  --force          redo the run even if it has a valid summary.json
  --save-model     save the trained model under model/
  -h, --help       this text
`;

await runCli(async () => {
  const { values: flags } = parseArgs({
    args: process.argv.slice(2),
    options: {
      spec: { type: "string" },
      results: { type: "string" },
      data: { type: "string" },
      force: { type: "boolean" },
      "save-model": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (flags.help) {
    process.stdout.write(HELP);
    return;
  }
  if (!flags.spec || !flags.results || !flags.data) {
    throw new ConfigError("--spec, --results and --data are required");
  }
  const spec = JSON.parse(flags.spec) as RunSpec;
  const hash = specHash(spec);
  const dir = runDirectory(flags.results, { grid: spec.grid, hash });
  const report = (outcome: string, extra: Record<string, unknown> = {}) =>
    process.stdout.write(
      `${JSON.stringify({ outcome, grid: spec.grid, hash, ...extra })}\n`,
    );

  const lock = await acquireRunLock(`${dir}.lock`);
  if (lock === null) {
    report("locked");
    return;
  }
  try {
    const state = await readRunState(dir, hash);
    if (state.state === "done" && !flags.force) {
      report("already_done", { status: state.summary.status });
      return;
    }
    const predictedPeakBytes = predictTrainingMemory(spec.train).totalPeakBytes;
    const budgetBytes = spec.memoryBudgetBytes;
    const backend = await selectBackend({ backend: spec.backend });
    const data = await loadCifar10(flags.data);
    const [normalization, fingerprint] = await Promise.all([
      cachedChannelStats(data),
      datasetFingerprint(flags.data),
    ]);
    const writer = await RunWriter.open(dir, {
      config: spec,
      backend,
      dataset: { dir: flags.data, sha256: fingerprint.sha256 },
      identity: { grid: spec.grid, hash },
    }, { overwrite: true });
    // Started before the model is built, so every tensor of the run is counted.
    const peak = MemoryPeakTracker.start();
    const memory = () => ({
      predictedPeakBytes,
      measuredPeakBytes: peak.tensorPeakBytes,
      ...(budgetBytes === undefined ? {} : { budgetBytes }),
    });
    if (budgetBytes !== undefined && predictedPeakBytes > budgetBytes) {
      // A simulated smaller device: the run would not fit, so it is not attempted.
      const summary = await writer.fail(
        "oom",
        `predicted peak ${predictedPeakBytes} bytes exceeds the memory budget of ${budgetBytes} bytes`,
        { memory: { predictedPeakBytes, budgetBytes } },
      );
      report("finished", {
        status: summary.status,
        backend: describe(backend),
      });
      return;
    }
    try {
      const result = await train(spec.train, { ...data, normalization }, {
        onStep: writer.hooks.onStep,
        onEpoch: writer.hooks.onEpoch,
      });
      peak.stop();
      const summary = await writer.finish(result, {
        saveTrainedModel: flags["save-model"] ?? false,
        memory: memory(),
      });
      result.model.dispose();
      report("finished", {
        status: summary.status,
        backend: describe(backend),
      });
    } catch (error) {
      peak.stop();
      const oom = outOfMemoryOf(error);
      const summary = await writer.fail(
        oom ? "oom" : "error",
        oom?.message ?? firstLine(error),
        { memory: memory() },
      );
      report("finished", {
        status: summary.status,
        backend: describe(backend),
      });
    }
  } finally {
    await lock.release();
  }
});

function describe(backend: BackendInfo): string {
  return `${backend.name} ${backend.backendVersion}`;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0];
}
