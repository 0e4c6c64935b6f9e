/**
 * `deno task memory`: the evidence for finding F1 (VGG16 at 224x224 ran out of memory on a 4 GB
 * GTX 1050 Ti). Writes, under `--results`:
 *
 * - `tables/memory_frontier.csv`: the predicted peak of a training step for inputs 32-224, dense
 *   widths 4096/1024/256, batches 8-128 (VGG16), and whether it fits 4, 8 and 16 GiB;
 * - `tables/memory_agreement.csv` and `memory_measurements.json`: the model against real steps,
 *   each config measured in a fresh child process, and the affine fit of memory over the batch;
 * - `memory_oom.json`: the configs that ran out of memory — the seed's network at 224x224 on the
 *   wasm heap for real (in a child process, so the suite carries on), a batch over the heap
 *   limit caught in this process, and the seed config replayed against a 4 GiB budget.
 *
 *   deno task memory                 # everything (a few minutes)
 *   deno task memory --skip-measure  # the frontier and the budget replay only (seconds)
 *
 * @module
 */
import path from "node:path";
import { parseBackendName, selectBackend } from "../lib/backend/select.ts";
import { projectRoot } from "../lib/data/project.ts";
import { type AffineFit, fitAffine } from "../lib/memory/affine.ts";
import { MEMORY_BUDGET_PRESETS } from "../lib/memory/budget.ts";
import { memoryFrontier } from "../lib/memory/frontier.ts";
import {
  type IsolatedMeasurement,
  measureInChildProcess,
} from "../lib/memory/isolated.ts";
import { measureTrainingMemory } from "../lib/memory/measure.ts";
import { BACKEND_MEMORY_CEILINGS } from "../lib/memory/out_of_memory.ts";
import {
  type AgreementRow,
  errorPercent,
  type OomRecord,
  writeMemoryTables,
} from "../lib/memory/tables.ts";
import {
  predictTrainingMemory,
  type UpdateRule,
  updateRuleOf,
} from "../lib/memory/training_memory.ts";
import type { VggVariant } from "../lib/model/vgg_config.ts";
import { resolveTrainConfig, type TrainConfig } from "../lib/train/config.ts";
import { parseCommandLine, runCli } from "../lib/util/cli.ts";
import { writeFileAtomic } from "../lib/util/atomic.ts";
import { ConfigError } from "../lib/util/errors.ts";
import { formatBytes, formatDuration } from "../lib/util/format.ts";
import { runtimeName } from "../lib/util/runtime.ts";

const HELP =
  `Memory of a VGG training step: predicted, measured, and out of memory.

Usage: deno task memory [options]

  --results DIR     where to write (default results/)
  --backend NAME    backend the measurements run on (default wasm)
  --skip-measure    no real steps: write the frontier and the budget replay only
  --skip-oom        skip the real out-of-memory run (VGG16 at 224x224, ~1-2 minutes)
  --timeout S       seconds a measurement child may run (default 600)
  -h, --help        this text

Writes tables/memory_frontier.csv, tables/memory_agreement.csv, memory_measurements.json
and memory_oom.json under --results.
`;

/** A config measured for the agreement table. */
interface Probe {
  variant: VggVariant;
  width: number;
  input: number;
  dense: number;
  batch: number;
  optimizer: UpdateRule;
  /** Configs of one series differ only in the batch; each series gets an affine fit. */
  series?: string;
}

/**
 * What is measured: small enough to run in about a minute on two cores, spread over widths,
 * inputs, dense widths, variants and optimizers, with two batch series for the affine check.
 */
const PROBES: readonly Probe[] = [
  ...[2, 4, 8, 16, 32].map((batch): Probe => ({
    variant: "vgg16",
    width: 0.25,
    input: 32,
    dense: 256,
    batch,
    optimizer: "momentum",
    series: "vgg16 w0.25 32px dense 256",
  })),
  ...[2, 4, 8, 16].map((batch): Probe => ({
    variant: "vgg16",
    width: 0.25,
    input: 64,
    dense: 1024,
    batch,
    optimizer: "momentum",
    series: "vgg16 w0.25 64px dense 1024",
  })),
  {
    variant: "vgg16",
    width: 0.25,
    input: 32,
    dense: 256,
    batch: 8,
    optimizer: "sgd",
  },
  {
    variant: "vgg16",
    width: 0.25,
    input: 32,
    dense: 256,
    batch: 8,
    optimizer: "adam",
  },
  {
    variant: "vgg16",
    width: 0.5,
    input: 32,
    dense: 1024,
    batch: 8,
    optimizer: "momentum",
  },
  {
    variant: "vgg16",
    width: 0.25,
    input: 128,
    dense: 256,
    batch: 4,
    optimizer: "momentum",
  },
  {
    variant: "vgg11",
    width: 0.5,
    input: 64,
    dense: 512,
    batch: 8,
    optimizer: "momentum",
  },
  {
    variant: "vgg19",
    width: 0.25,
    input: 32,
    dense: 512,
    batch: 16,
    optimizer: "momentum",
  },
  {
    variant: "vgg16",
    width: 1,
    input: 32,
    dense: 4096,
    batch: 2,
    optimizer: "momentum",
  },
  {
    variant: "vgg16",
    width: 1,
    input: 32,
    dense: 4096,
    batch: 2,
    optimizer: "adam",
  },
  {
    variant: "vgg16",
    width: 1,
    input: 64,
    dense: 4096,
    batch: 2,
    optimizer: "momentum",
  },
];

/** The seed project's setting: VGG16 at 224x224 with two 4096-unit dense layers, SGD momentum. */
const SEED_MODEL = {
  variant: "vgg16",
  inputSize: 224,
  denseWidth: 4096,
} as const;

await runCli(async () => {
  const flags = parseCommandLine({
    results: { type: "string" },
    backend: { type: "string", default: "wasm" },
    "skip-measure": { type: "boolean" },
    "skip-oom": { type: "boolean" },
    timeout: { type: "string", default: "600" },
    help: { type: "boolean", short: "h" },
  }, HELP);
  if (!flags) return;
  const backend = parseBackendName(flags.backend);
  const timeoutSeconds = Number(flags.timeout);
  if (!(timeoutSeconds > 0)) {
    throw new ConfigError(
      `--timeout must be a positive number of seconds, got "${flags.timeout}"`,
    );
  }
  const resultsDir = path.resolve(
    flags.results ?? path.join(projectRoot(), "results"),
  );

  const frontier = memoryFrontier();
  reportFrontier(frontier);
  const oom: OomRecord[] = [budgetReplay()];
  let agreement: AgreementRow[] | undefined;
  let measurements: object | undefined;

  if (!flags["skip-measure"]) {
    const measured = await measureProbes(backend, timeoutSeconds);
    agreement = measured.rows;
    measurements = {
      generatedAt: new Date().toISOString(),
      backend,
      runtime: runtimeName(),
      ceilings: BACKEND_MEMORY_CEILINGS,
      probes: measured.details,
      affine: measured.affine,
    };
    oom.push(...(await inProcessOom()));
    if (!flags["skip-oom"]) {
      const seed = await seedOnWasm(timeoutSeconds);
      if (seed) oom.push(seed);
    }
  }

  const written = await writeMemoryTables(resultsDir, {
    frontier,
    agreement,
    oom,
  });
  if (measurements) {
    const file = path.join(resultsDir, "memory_measurements.json");
    await writeFileAtomic(file, `${JSON.stringify(measurements, null, 2)}\n`);
    written.push(file);
  }
  for (const file of written) console.log(file);
});

/** Prints the seed's story: which reductions bring the seed config under 4 GiB. */
function reportFrontier(rows: ReturnType<typeof memoryFrontier>): void {
  const peak = (input: number, dense: number, batch: number) =>
    rows.find((r) =>
      r.inputSize === input && r.denseWidth === dense &&
      r.batchSize === batch &&
      r.optimizer === "momentum"
    )!.predictedPeakBytes;
  const gib4 = 4 * 2 ** 30;
  const line = (label: string, bytes: number) =>
    console.error(
      `  ${label.padEnd(34)} ${formatBytes(bytes).padStart(10)}  ${
        bytes <= gib4 ? "fits" : "does not fit"
      } 4 GiB`,
    );
  console.error(
    `frontier: ${rows.length} configs (VGG16, SGD momentum and Adam)`,
  );
  line("seed: 224px, dense 4096, batch 32", peak(224, 4096, 32));
  line("batch 8", peak(224, 4096, 8));
  line("dense 1024, batch 8", peak(224, 1024, 8));
  line("input 128, batch 16", peak(128, 4096, 16));
  line("input 64, dense 1024, batch 32", peak(64, 1024, 32));
}

/** The seed config against the GTX 1050 Ti's 4 GiB: an `oom` from the prediction alone. */
function budgetReplay(): OomRecord {
  const config = resolveTrainConfig({ batchSize: 32, model: SEED_MODEL });
  const budgetBytes = MEMORY_BUDGET_PRESETS.gtx1050ti;
  const predicted = predictTrainingMemory(config).totalPeakBytes;
  const message =
    `predicted peak ${predicted} bytes exceeds the memory budget of ` +
    `${budgetBytes} bytes (gtx1050ti)`;
  console.error(`budget replay: seed config on a gtx1050ti: oom (${message})`);
  return {
    spec: { train: config, budgetBytes, budget: "gtx1050ti" },
    status: "oom",
    requestedBytes: predicted,
    predictedPeakBytes: predicted,
    backend: "budget",
    message,
  };
}

function probeConfig(probe: Probe): TrainConfig {
  return resolveTrainConfig({
    batchSize: probe.batch,
    optimizer: probe.optimizer === "adam" ? "adam" : "sgd",
    momentum: probe.optimizer === "momentum" ? 0.9 : 0,
    model: {
      variant: probe.variant,
      widthMultiplier: probe.width,
      inputSize: probe.input,
      denseWidth: probe.dense,
    },
  });
}

/** Measures every probe in its own child process; the agreement rows and the affine fits. */
async function measureProbes(
  backend: ReturnType<typeof parseBackendName>,
  timeoutSeconds: number,
): Promise<{ rows: AgreementRow[]; details: object[]; affine: object[] }> {
  const rows: AgreementRow[] = [];
  const details: object[] = [];
  const bySeries = new Map<
    string,
    { batch: number; tensor: number; heap: number | null; predicted: number }[]
  >();
  console.error(
    `measuring ${PROBES.length} configs on ${backend}, each in a fresh process`,
  );
  for (const probe of PROBES) {
    const config = probeConfig(probe);
    const { perLayer: _, ...prediction } = predictTrainingMemory(config);
    const measured: IsolatedMeasurement = await measureInChildProcess(config, {
      backend,
      timeoutSeconds,
    });
    const label =
      `${probe.variant} w${probe.width} ${probe.input}px dense ${probe.dense} ` +
      `batch ${probe.batch} ${probe.optimizer}`;
    details.push({ probe, prediction, measured });
    if (measured.status !== "ok" || measured.tensorPeakBytes === null) {
      console.error(`  ${label}: ${measured.status} (${measured.message})`);
      continue;
    }
    const row: AgreementRow = {
      variant: probe.variant,
      width: probe.width,
      input: probe.input,
      dense: probe.dense,
      batch: probe.batch,
      optimizer: updateRuleOf(config),
      predictedBytes: prediction.totalPeakBytes,
      measuredBytes: measured.tensorPeakBytes,
      heapBytes: measured.heapBytes,
    };
    rows.push(row);
    if (probe.series) {
      const points = bySeries.get(probe.series) ?? [];
      points.push({
        batch: probe.batch,
        tensor: measured.tensorPeakBytes,
        heap: measured.heapBytes,
        predicted: prediction.totalPeakBytes,
      });
      bySeries.set(probe.series, points);
    }
    console.error(
      `  ${label.padEnd(46)} predicted ${
        formatBytes(row.predictedBytes).padStart(9)
      }` +
        `  measured ${formatBytes(row.measuredBytes).padStart(9)}` +
        `  ${
          errorPercent(row.predictedBytes, row.measuredBytes).toFixed(2)
            .padStart(6)
        }%` +
        `  heap ${formatBytes(measured.heapBytes ?? NaN).padStart(9)}` +
        `  (${formatDuration(measured.processSeconds)})`,
    );
  }
  const affine = [...bySeries].map(([series, points]) => {
    const fit = (
      value: (p: typeof points[number]) => number | null,
    ): AffineFit | null => {
      const xy = points.flatMap((p) => {
        const y = value(p);
        return y === null ? [] : [[p.batch, y] as const];
      });
      return xy.length >= 2 ? fitAffine(xy) : null;
    };
    const tensor = fit((p) => p.tensor);
    console.error(
      `  affine in batch, ${series}: ${
        formatBytes(tensor?.slope ?? NaN)
      } per image + ` +
        `${formatBytes(tensor?.intercept ?? NaN)}, largest residual ${
          ((tensor?.maxRelativeResidual ?? NaN) * 100).toFixed(3)
        }%`,
    );
    return {
      series,
      batches: points.map((p) => p.batch),
      measuredTensorBytes: tensor,
      predictedBytes: fit((p) => p.predicted),
      heapBytes: fit((p) => p.heap),
    };
  });
  return { rows, details, affine };
}

/**
 * Out of memory caught in this very process: a batch whose input alone is over the wasm heap's
 * 4 GiB ceiling fails as a result, and the next config measures normally afterwards.
 */
async function inProcessOom(): Promise<OomRecord[]> {
  await selectBackend({ backend: "wasm" });
  const huge = resolveTrainConfig({
    batchSize: 7200,
    model: {
      variant: "vgg11",
      widthMultiplier: 0.125,
      inputSize: 224,
      denseWidth: 64,
    },
  });
  const failed = await measureTrainingMemory(huge);
  const after = await measureTrainingMemory(
    resolveTrainConfig({
      batchSize: 8,
      model: { variant: "vgg11", widthMultiplier: 0.125, denseWidth: 64 },
    }),
  );
  console.error(
    `in-process: batch 7200 at 224px: ${failed.status} (${failed.message}); ` +
      `the next config in the same process: ${after.status}, ${after.tensorPeakBytes} bytes`,
  );
  if (failed.status !== "oom") return [];
  return [{
    spec: { train: huge, isolation: "in-process", next: after.status },
    status: "oom",
    requestedBytes: failed.requestedBytes,
    predictedPeakBytes: predictTrainingMemory(huge).totalPeakBytes,
    backend: failed.backend,
    message: failed.message ?? "",
  }];
}

/**
 * The seed's network at 224x224, batch 1, on the real wasm heap, in a child process; its `oom`
 * record, or null (with a warning) should it fit after all.
 */
async function seedOnWasm(timeoutSeconds: number): Promise<OomRecord | null> {
  const config = resolveTrainConfig({ batchSize: 1, model: SEED_MODEL });
  const predicted = predictTrainingMemory(config).totalPeakBytes;
  console.error(
    `real OOM: seed network at 224px, batch 1, on the wasm heap (predicted tensors ${
      formatBytes(predicted)
    }; heap limit ${formatBytes(BACKEND_MEMORY_CEILINGS.wasm.bytes!)}) ...`,
  );
  const measured = await measureInChildProcess(config, {
    backend: "wasm",
    timeoutSeconds,
  });
  console.error(
    `  ${measured.status}: ${measured.message ?? "fitted"} (${
      formatDuration(measured.processSeconds)
    })`,
  );
  if (measured.status !== "oom") {
    console.error("  warning: expected out of memory; not recorded");
    return null;
  }
  return {
    spec: {
      train: config,
      isolation: "child process",
      stepsCompleted: measured.steps,
      heapBytes: measured.heapBytes,
    },
    status: "oom",
    requestedBytes: measured.requestedBytes,
    predictedPeakBytes: predicted,
    backend: measured.backend,
    message: measured.message ?? "",
  };
}
