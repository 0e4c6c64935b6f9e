/**
 * `deno task train`: trains one VGG on CIFAR-10 and records the run (config.json, metrics.jsonl,
 * TensorBoard events, summary.json, the saved model) under `--out`.
 *
 *   deno task train --variant vgg16 --dense 512 --input 64 --batch 32 --lr 0.01 --epochs 2 \
 *     --train-subset 5000 --backend auto --out results/runs/manual
 *
 * @module
 */
import path from "node:path";
import {
  BACKEND_NAMES,
  parseBackendName,
  selectBackend,
} from "../lib/backend/select.ts";
import { WasmOutOfMemoryError } from "../lib/backend/wasm.ts";
import {
  MEMORY_BUDGET_PRESETS,
  parseMemoryBudget,
} from "../lib/memory/budget.ts";
import {
  MemoryBudgetError,
  MemoryBudgetGuard,
} from "../lib/memory/budget_check.ts";
import { loadCifar10 } from "../lib/data/cifar10.ts";
import { datasetFingerprint } from "../lib/data/fingerprint.ts";
import { ensureCifar10 } from "../lib/data/locate.ts";
import { projectRoot } from "../lib/data/project.ts";
import { cachedChannelStats } from "../lib/data/stats.ts";
import { RunWriter } from "../lib/record/run_writer.ts";
import { OPTIMIZER_NAMES, resolveTrainConfig } from "../lib/train/config.ts";
import { train } from "../lib/train/train.ts";
import { numberFlag, parseCommandLine, runCli } from "../lib/util/cli.ts";
import { formatDuration } from "../lib/util/format.ts";
import { ProgressBar } from "../lib/util/progress.ts";
import { MODEL_HELP, MODEL_OPTIONS, modelFlags } from "./model_flags.ts";

const BUDGET_PRESETS = Object.keys(MEMORY_BUDGET_PRESETS).join(", ");

const HELP = `Train one VGG on CIFAR-10 and record the run.

Usage: deno task train [options]

Model
${MODEL_HELP}  --resize MODE         bilinear | nearest, how 32x32 images are upsampled (default bilinear)
Training
  --optimizer NAME      ${OPTIMIZER_NAMES.join(" | ")} (default sgd)
  --lr X                learning rate (default 0.01)
  --momentum X          SGD momentum (default 0.9)
  --batch N             batch size (default 64)
  --epochs N            epochs (default 1)
  --train-subset N      training images, stratified, multiple of 10; 0 = all 50,000 (default 0)
  --test-subset N       test images evaluated each epoch; 0 = all 10,000 (default 0)
  --seed N              seeds weights, subset, order and dropout (default 0)
Memory
  --memory-budget SIZE  replay a smaller device: a run whose predicted or measured peak exceeds
                        SIZE ends as oom; e.g. 4GiB, 512MiB, 6e9, or ${BUDGET_PRESETS}
Where
  --backend NAME        auto | ${BACKEND_NAMES.join(" | ")} (default auto)
  --data DIR            CIFAR-10 binary folder (default: $CIFAR10_DIR, then data/cifar-10-batches-bin)
  --out DIR             run directory (default results/runs/train-<date>-<time>)
  --force               replace a run already in --out
  --no-save             do not save the trained model
  -h, --help            this text
`;

const OPTIONS = {
  ...MODEL_OPTIONS,
  resize: { type: "string" },
  optimizer: { type: "string" },
  lr: { type: "string" },
  momentum: { type: "string" },
  batch: { type: "string" },
  epochs: { type: "string" },
  "train-subset": { type: "string" },
  "test-subset": { type: "string" },
  seed: { type: "string" },
  "memory-budget": { type: "string" },
  backend: { type: "string", default: "auto" },
  data: { type: "string" },
  out: { type: "string" },
  force: { type: "boolean" },
  "no-save": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

await runCli(async () => {
  const flags = parseCommandLine(OPTIONS, HELP);
  if (!flags) return;
  // Everything is validated before any data is read or any file is written.
  const config = resolveTrainConfig({
    optimizer: flags.optimizer as never,
    lr: numberFlag("lr", flags.lr),
    momentum: numberFlag("momentum", flags.momentum),
    batchSize: numberFlag("batch", flags.batch),
    epochs: numberFlag("epochs", flags.epochs),
    trainSubset: numberFlag("train-subset", flags["train-subset"]),
    testSubset: numberFlag("test-subset", flags["test-subset"]),
    seed: numberFlag("seed", flags.seed),
    resize: flags.resize as never,
    model: modelFlags(flags),
  });
  const backendName = parseBackendName(flags.backend);
  const budgetBytes = flags["memory-budget"] === undefined
    ? undefined
    : parseMemoryBudget(flags["memory-budget"]);
  const outDir = path.resolve(flags.out ?? defaultOutDir());

  const located = await ensureCifar10({ data: flags.data });
  const backend = await selectBackend({ backend: backendName });
  console.error(`backend: ${backend.name} — ${backend.reason}`);
  const data = await loadCifar10(located.dir);
  const [normalization, fingerprint] = await Promise.all([
    cachedChannelStats(data),
    datasetFingerprint(located.dir),
  ]);
  const writer = await RunWriter.open(outDir, {
    config,
    backend,
    dataset: {
      dir: located.dir,
      source: located.source,
      sha256: fingerprint.sha256,
    },
  }, { overwrite: flags.force });
  console.error(`run: ${outDir}`);

  let bar: ProgressBar | undefined;
  let running = { loss: 0, correct: 0, images: 0 };
  let guard: MemoryBudgetGuard | undefined;
  try {
    // Before the model is built: the prediction may end the run, and measuring starts here.
    guard = MemoryBudgetGuard.start(config, budgetBytes);
    const result = await train(config, { ...data, normalization }, {
      onStep: async (m) => {
        await writer.hooks.onStep?.(m);
        guard?.check();
        if (m.epochStep === 1) {
          bar = new ProgressBar({
            label: `epoch ${m.epoch}/${config.epochs}`,
            total: Math.min(
              m.epochSteps * config.batchSize,
              epochImages(config),
            ),
            rateUnit: " img/s",
            formatAmount: (n) => n.toFixed(0),
          });
          running = { loss: 0, correct: 0, images: 0 };
        }
        running.loss += m.loss * m.images;
        running.correct += m.accuracy * m.images;
        running.images += m.images;
        bar?.update(running.images, {
          loss: (running.loss / running.images).toFixed(4),
          acc: (running.correct / running.images).toFixed(3),
        });
      },
      onEpoch: async (m) => {
        await writer.hooks.onEpoch?.(m);
        bar?.done(running.images, {
          loss: m.trainLoss.toFixed(4),
          acc: m.trainAccuracy.toFixed(3),
        });
        console.error(
          `epoch ${m.epoch}: train loss ${m.trainLoss.toFixed(4)} acc ${
            m.trainAccuracy.toFixed(3)
          } | test loss ${m.testLoss.toFixed(4)} acc ${
            m.testAccuracy.toFixed(3)
          } | ` +
            `${m.imagesPerSecond.toFixed(1)} img/s, ${
              formatDuration(m.trainSeconds)
            }`,
        );
      },
    });
    guard.stop();
    const summary = await writer.finish(result, {
      saveTrainedModel: !flags["no-save"],
      memory: guard.record(),
    });
    result.model.dispose();
    console.error(
      `status: ${summary.status} (${summary.statusReason}); best test accuracy ${
        summary.bestTestAccuracy?.toFixed(4) ?? "n/a"
      }; ${formatDuration(summary.wallSeconds)}`,
    );
    console.log(path.join(outDir, "summary.json"));
  } catch (error) {
    guard?.stop();
    if (error instanceof MemoryBudgetError) {
      await writer.fail("oom", error.message, { memory: error.memory });
      throw error;
    }
    const memory = guard?.record();
    if (error instanceof WasmOutOfMemoryError) {
      await writer.fail("oom", error.message, { memory });
      throw error;
    }
    await writer.fail("error", (error as Error).message ?? String(error), {
      memory,
    });
    throw error;
  }
});

function defaultOutDir(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-")
    .slice(0, 15);
  return path.join(projectRoot(), "results", "runs", `train-${stamp}`);
}

/** Training images per epoch: the subset, or all 50,000. */
function epochImages(config: { trainSubset: number }): number {
  return config.trainSubset === 0 ? 50_000 : config.trainSubset;
}
