/**
 * `deno task bench`: milliseconds per training image and GFLOP/s of VGG16 at 32x32, batch 64, for
 * conv widths 1, 0.5 and 0.25 (dense 4096 x width), on each fast tfjs backend present and in
 * PyTorch (Debian's python3-torch, when /usr/bin/python3 has it) at 1 thread and at every core.
 * Engines are measured in one run, interleaved round by round, so machine noise hits them alike;
 * the ratios are what to read. Writes results/bench.md and results/bench.json.
 *
 *   deno task bench [--widths 1,0.5,0.25] [--rounds 3] [--steps 2] [--backends wasm]
 *
 * @module
 */
import { spawn, spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs-core";
import { type KernelTime, timeKernels } from "../lib/backend/kernel_timing.ts";
import {
  type BackendInfo,
  type BackendName,
  parseBackendName,
  selectBackend,
} from "../lib/backend/select.ts";
import { projectRoot } from "../lib/data/project.ts";
import { buildVgg } from "../lib/model/vgg_build.ts";
import { resolveVggConfig, type VggConfig } from "../lib/model/vgg_config.ts";
import { trainingFlops } from "../lib/model/vgg_cost.ts";
import { gitCommit } from "../lib/record/provenance.ts";
import { runtimeName } from "../lib/util/runtime.ts";
import { trainStep } from "../lib/train/train.ts";
import { writeFileAtomic } from "../lib/util/atomic.ts";
import { runCli } from "../lib/util/cli.ts";
import { ConfigError } from "../lib/util/errors.ts";

const HELP = `Benchmark a VGG16 training step: tfjs backends against PyTorch.

Usage: deno task bench [options]
  --widths LIST     conv width multipliers (default 1,0.5,0.25); dense = 4096 x width
  --batch N         images per step (default 64)
  --input N         input resolution (default 32)
  --rounds N        interleaved rounds (default 3)
  --steps N         timed steps per engine per round, after one warm-up step (default 2)
  --backends LIST   tfjs backends (default: the one auto picks, plus wasm)
  --python PATH     interpreter with torch (default /usr/bin/python3)
  --no-torch        skip PyTorch
  --out DIR         where bench.md and bench.json go (default results/)
  -h, --help        this text
`;

/** One engine's measurements at one width. */
interface Cell {
  engine: string;
  width: number;
  stepMs: number[];
}

await runCli(async () => {
  const { values: flags } = parseArgs({
    args: process.argv.slice(2),
    options: {
      widths: { type: "string", default: "1,0.5,0.25" },
      batch: { type: "string", default: "64" },
      input: { type: "string", default: "32" },
      rounds: { type: "string", default: "3" },
      steps: { type: "string", default: "2" },
      backends: { type: "string" },
      python: { type: "string", default: "/usr/bin/python3" },
      "no-torch": { type: "boolean" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (flags.help) {
    process.stdout.write(HELP);
    return;
  }
  const widths = flags.widths.split(",").map((w) => positive("widths", w));
  const batch = integer("batch", flags.batch);
  const rounds = integer("rounds", flags.rounds);
  const steps = integer("steps", flags.steps);
  const configs = widths.map((width) =>
    resolveVggConfig({
      variant: "vgg16",
      widthMultiplier: width,
      denseWidth: Math.max(1, Math.round(4096 * width)),
      inputSize: integer("input", flags.input),
      dropout: 0.5,
    })
  );
  const requested = flags.backends?.split(",").map((b) =>
    parseBackendName(b.trim())
  );
  const outDir = path.resolve(flags.out ?? path.join(projectRoot(), "results"));

  const backends = await chooseBackends(requested);
  const torch = flags["no-torch"] ? undefined : startTorch(flags.python);
  const threadCounts = [...new Set([1, os.cpus().length])];
  const cells = new Map<string, Cell>();
  const record = (engine: string, width: number, stepMs: number[]) => {
    const key = `${engine}@${width}`;
    const cell = cells.get(key) ?? { engine, width, stepMs: [] };
    cell.stepMs.push(...stepMs);
    cells.set(key, cell);
  };
  const kernels = new Map<number, KernelTime[]>();

  for (let round = 1; round <= rounds; round++) {
    for (const config of configs) {
      const width = config.widthMultiplier;
      for (const backend of backends) {
        await selectBackend({ backend: backend.name });
        const profile = round === 1 && backend.name === "wasm";
        const measured = await timeTfjsStep(config, batch, steps, profile);
        record(`tfjs-${backend.name}`, width, measured.stepMs);
        if (measured.kernels) kernels.set(width, measured.kernels);
        log(round, `tfjs-${backend.name}`, width, measured.stepMs, batch);
      }
      if (torch?.available) {
        for (const threads of threadCounts) {
          const answer = await torch.measure({
            width,
            batch,
            input: config.inputSize,
            dense: config.denseWidth,
            threads,
            steps,
          });
          record(`torch-${threads}t`, width, answer.stepMs);
          log(round, `torch-${threads}t`, width, answer.stepMs, batch);
        }
      }
    }
  }
  torch?.close();

  const report = {
    date: new Date().toISOString(),
    commit: await gitCommit(),
    runtime: runtimeName(),
    machine: { cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length },
    setup: {
      model: "vgg16",
      input: configs[0].inputSize,
      batch,
      rounds,
      steps,
    },
    backends,
    torch: torch?.available
      ? torch.version
      : `not measured: ${torch?.reason ?? "--no-torch"}`,
    results: configs.map((config) =>
      summarise(config, batch, cells, threadCounts)
    ),
    kernels: Object.fromEntries(kernels),
  };
  await writeFileAtomic(
    path.join(outDir, "bench.json"),
    `${JSON.stringify(report, null, 2)}\n`,
  );
  const markdown = renderMarkdown(report);
  await writeFileAtomic(path.join(outDir, "bench.md"), markdown);
  process.stdout.write(markdown);
});

function positive(name: string, raw: string): number {
  const value = Number(raw);
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new ConfigError(`--${name}: "${raw}" is not a positive number`);
  }
  return value;
}

function integer(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(`--${name} must be an integer >= 1, got "${raw}"`);
  }
  return value;
}

/** The tfjs backends to time: as asked, else what auto picks plus wasm. */
async function chooseBackends(
  requested: (BackendName | "auto")[] | undefined,
): Promise<BackendInfo[]> {
  const names = requested ?? ["auto", "wasm"];
  const infos: BackendInfo[] = [];
  for (const name of names) {
    const info = await selectBackend({ backend: name });
    if (!infos.some((i) => i.name === info.name)) infos.push(info);
  }
  return infos;
}

/** Times `steps` training steps (after one warm-up) of a fresh model on the current backend. */
async function timeTfjsStep(
  config: VggConfig,
  batch: number,
  steps: number,
  profileKernels: boolean,
): Promise<{ stepMs: number[]; kernels?: KernelTime[] }> {
  const model = buildVgg(config);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = tf.train.momentum(0.01, 0.9);
  const xs = tf.randomNormal([
    batch,
    config.inputSize,
    config.inputSize,
    3,
  ]) as tf.Tensor4D;
  const ys = tf.randomUniform([batch], 0, 10, "int32") as tf.Tensor1D;
  const step = async () => {
    const [loss, correct] = trainStep(model, optimizer, variables, xs, ys);
    await loss.data(); // waits for the step to finish on asynchronous backends
    tf.dispose([loss, correct]);
  };
  try {
    await step();
    const stepMs: number[] = [];
    for (let i = 0; i < steps; i++) {
      const start = performance.now();
      await step();
      stepMs.push(performance.now() - start);
    }
    if (!profileKernels) return { stepMs };
    const timing = timeKernels(tf.getBackend());
    try {
      await step();
      return { stepMs, kernels: timing.report() };
    } finally {
      timing.restore();
    }
  } finally {
    tf.dispose([xs, ys]);
    optimizer.dispose();
    model.dispose();
  }
}

interface TorchAnswer {
  stepMs: number[];
  torch: string;
  threads: number;
}

/** The PyTorch peer as a long-lived child process answering one JSON line per request. */
function startTorch(python: string) {
  const probe = spawnSync(python, [
    "-c",
    "import torch; print(torch.__version__)",
  ], {
    encoding: "utf8",
  });
  if (probe.status !== 0) {
    const why = (probe.stderr || String(probe.error ?? "")).trim().split("\n")
      .at(-1);
    return {
      available: false as const,
      reason: `${python} cannot import torch (${why})`,
      close() {},
    };
  }
  const script = path.join(projectRoot(), "experiments", "bench_torch.py");
  const child = spawn(python, [script], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! })
    [Symbol.asyncIterator]();
  return {
    available: true as const,
    version: probe.stdout.trim(),
    async measure(request: Record<string, number>): Promise<TorchAnswer> {
      child.stdin!.write(`${JSON.stringify(request)}\n`);
      const next = await lines.next();
      if (next.done) {
        throw new Error("the PyTorch benchmark process exited early");
      }
      return JSON.parse(next.value);
    },
    close() {
      child.stdin!.end();
    },
  };
}

function log(
  round: number,
  engine: string,
  width: number,
  stepMs: number[],
  batch: number,
) {
  const perImage = stepMs.map((ms) => (ms / batch).toFixed(1)).join(", ");
  console.error(
    `round ${round}  width ${width}  ${engine.padEnd(12)} ${perImage} ms/image`,
  );
}

function median(values: number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Per-width summary: median ms/image and GFLOP/s per engine, and tfjs / best-PyTorch ratios. */
function summarise(
  config: VggConfig,
  batch: number,
  cells: Map<string, Cell>,
  threadCounts: number[],
) {
  const width = config.widthMultiplier;
  const flopsPerImage = trainingFlops(config);
  const engines = [...cells.values()].filter((c) => c.width === width).map(
    (c) => {
      const msPerImage = median(c.stepMs) / batch;
      return {
        engine: c.engine,
        msPerImage,
        bestMsPerImage: Math.min(...c.stepMs) / batch,
        gflops: flopsPerImage / (msPerImage / 1000) / 1e9,
        samples: c.stepMs.length,
      };
    },
  );
  const torch = engines.filter((e) => e.engine.startsWith("torch-"));
  const bestTorch = torch.length
    ? torch.reduce((a, b) => (a.msPerImage <= b.msPerImage ? a : b))
    : undefined;
  const torch1 = torch.find((e) => e.engine === `torch-${threadCounts[0]}t`);
  return {
    width,
    denseWidth: config.denseWidth,
    trainingGflopPerImage: flopsPerImage / 1e9,
    engines,
    ratios: engines.filter((e) => e.engine.startsWith("tfjs-")).map((e) => ({
      engine: e.engine,
      vsTorchBest: bestTorch ? e.msPerImage / bestTorch.msPerImage : null,
      torchBest: bestTorch?.engine ?? null,
      vsTorch1Thread: torch1 ? e.msPerImage / torch1.msPerImage : null,
    })),
  };
}

function renderMarkdown(report: {
  date: string;
  commit: string;
  runtime: string;
  machine: { cpu: string; cores: number };
  setup: {
    model: string;
    input: number;
    batch: number;
    rounds: number;
    steps: number;
  };
  backends: BackendInfo[];
  torch: string;
  results: ReturnType<typeof summarise>[];
  kernels: Record<string, KernelTime[]>;
}): string {
  const f = (x: number | null, d = 2) => (x === null ? "–" : x.toFixed(d));
  const rows = report.results.flatMap((r) =>
    r.engines.map((e) => {
      const ratio = r.ratios.find((q) => q.engine === e.engine);
      return `| ${r.width} | ${r.denseWidth} | ${e.engine} | ${
        f(e.msPerImage)
      } | ${f(e.bestMsPerImage)} | ${f(e.gflops, 1)} | ${
        ratio ? f(ratio.vsTorchBest) : ""
      } | ${ratio ? f(ratio.vsTorch1Thread) : ""} | ${e.samples} |`;
    })
  );
  const kernelSections = Object.entries(report.kernels).map(([width, list]) =>
    [
      `### wasm, width ${width}: where one training step's time goes`,
      "",
      "| kernel | ms per step | share | calls |",
      "|---|---:|---:|---:|",
      ...list.slice(0, 10).map((k) =>
        `| ${k.kernel} | ${k.ms.toFixed(1)} | ${
          (100 * k.share).toFixed(1)
        }% | ${k.calls} |`
      ),
    ].join("\n")
  );
  return [
    "# Training-step benchmark: tfjs vs PyTorch",
    "",
    `VGG16, ${report.setup.input}x${report.setup.input} input, batch ${report.setup.batch}, ` +
    `dense 4096 x width, SGD momentum; ${report.setup.rounds} interleaved rounds x ` +
    `${report.setup.steps} timed steps per engine (after a warm-up step). ` +
    "Median ms per training image (forward + backward + update); ratio = tfjs time / PyTorch " +
    "time, below 1 means tfjs is faster.",
    "",
    "| width | dense | engine | ms/image (median) | best | GFLOP/s | ratio vs best PyTorch | ratio vs PyTorch 1 thread | steps |",
    "|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ...rows,
    "",
    ...kernelSections.flatMap((s) => [s, ""]),
    "## Provenance",
    "",
    `- date ${report.date}, commit ${report.commit}, ${report.runtime}`,
    `- machine: ${report.machine.cpu}, ${report.machine.cores} cores`,
    `- PyTorch: ${report.torch}`,
    ...report.backends.map((b) =>
      `- tfjs ${b.name}: ${b.backendVersion}; ${b.reason}`
    ),
    "- regenerate: `deno task bench`",
    "",
  ].join("\n");
}
