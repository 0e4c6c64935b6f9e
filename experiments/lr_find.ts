/**
 * `deno task lr-find`: the learning-rate range test. Trains a fresh VGG with an exponentially
 * growing learning rate and writes the curve and two suggestions (steepest descent, valley) to
 * `results/lr_find/<name>.json`, with the same points as CSV beside it (plot-ready).
 *
 *   deno task lr-find --variant vgg11 --width 0.25 --train-subset 2000 --steps 200
 *   deno task lr-find --profile cpu      # the config of the cpu profile's lr grid
 *
 * @module
 */
import path from "node:path";
import { parseBackendName, selectBackend } from "../lib/backend/select.ts";
import { loadCifar10 } from "../lib/data/cifar10.ts";
import { ensureCifar10 } from "../lib/data/locate.ts";
import { projectRoot } from "../lib/data/project.ts";
import { cachedChannelStats } from "../lib/data/stats.ts";
import {
  holdsLrFind,
  type LrSweep,
  writeLrFindFile,
} from "../lib/store/lr_find_store.ts";
import { PROFILE_NAMES } from "../lib/store/run_spec.ts";
import {
  OPTIMIZER_NAMES,
  resolveTrainConfig,
  type TrainConfig,
} from "../lib/train/config.ts";
import {
  LR_FIND_DEFAULTS,
  type LrFindOptions,
  lrRangeTest,
} from "../lib/train/lr_find.ts";
import { numberFlag, parseCommandLine, runCli } from "../lib/util/cli.ts";
import { ConfigError } from "../lib/util/errors.ts";
import { formatDuration } from "../lib/util/format.ts";
import { lrFindOfProfile, PROFILES } from "./grids.ts";
import { MODEL_HELP, MODEL_OPTIONS, modelFlags } from "./model_flags.ts";

const HELP =
  `Learning-rate range test: lr grows exponentially each step; stops when the
smoothed loss exceeds --divergence x its best, or a loss is NaN/Infinity.

Usage: deno task lr-find [options]

Config (either a profile's lr grid, or model/training flags as in deno task train)
  --profile NAME        ${
    PROFILE_NAMES.join(" | ")
  }: use that profile's lr-grid config and sweep
${MODEL_HELP}  --optimizer NAME      ${
    OPTIMIZER_NAMES.join(" | ")
  } (default sgd)
  --momentum X          SGD momentum (default 0.9)
  --batch N             batch size (default 64)
  --train-subset N      training images, multiple of 10; 0 = all (default 0)
  --seed N              seed (default 0)
Sweep
  --start-lr X          first lr (default 1e-5, or the profile's)
  --end-lr X            lr of the last step (default 10, or the profile's)
  --steps N             steps from start to end lr (default 200, or the profile's)
  --divergence X        stop when the smoothed loss exceeds X times its best (default 4)
Where
  --name NAME           output name: results/lr_find/NAME.json and .csv
                        (default lr-<profile> with --profile, else lr-find)
  --results DIR         results directory (default results/)
  --backend NAME        auto | tensorflow | webgpu | wasm | cpu (default auto)
  --data DIR            CIFAR-10 binary folder (default: $CIFAR10_DIR, then data/cifar-10-batches-bin)
  --force               rerun even when NAME.json already holds this exact test
  -h, --help            this text
`;

const OPTIONS = {
  profile: { type: "string" },
  ...MODEL_OPTIONS,
  optimizer: { type: "string" },
  momentum: { type: "string" },
  batch: { type: "string" },
  "train-subset": { type: "string" },
  seed: { type: "string" },
  "start-lr": { type: "string" },
  "end-lr": { type: "string" },
  steps: { type: "string" },
  divergence: { type: "string" },
  name: { type: "string" },
  results: { type: "string" },
  backend: { type: "string", default: "auto" },
  data: { type: "string" },
  force: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

await runCli(async () => {
  const flags = parseCommandLine(OPTIONS, HELP);
  if (!flags) return;
  const { config, sweep: defaults, defaultName } = resolveConfig(flags);
  const sweep: LrSweep = {
    ...defaults,
    startLr: numberFlag("start-lr", flags["start-lr"]) ?? defaults.startLr,
    endLr: numberFlag("end-lr", flags["end-lr"]) ?? defaults.endLr,
    steps: numberFlag("steps", flags.steps) ?? defaults.steps,
    divergeFactor: numberFlag("divergence", flags.divergence) ??
      defaults.divergeFactor,
  };
  const name = flags.name ?? defaultName;
  if (!/^[\w.-]+$/.test(name)) {
    throw new ConfigError(
      `--name may hold letters, digits, ".", "_" and "-" only, got "${name}"`,
    );
  }
  const backendName = parseBackendName(flags.backend);
  const resultsDir = path.resolve(
    flags.results ?? path.join(projectRoot(), "results"),
  );
  const jsonFile = path.join(resultsDir, "lr_find", `${name}.json`);
  if (!flags.force && await holdsLrFind(jsonFile, config, sweep)) {
    console.error(
      `lr-find: ${jsonFile} already holds this test (--force reruns it)`,
    );
    console.log(jsonFile);
    return;
  }

  const located = await ensureCifar10({ data: flags.data });
  const backend = await selectBackend({ backend: backendName });
  console.error(`backend: ${backend.name} — ${backend.reason}`);
  const data = await loadCifar10(located.dir);
  const normalization = await cachedChannelStats(data);
  const started = performance.now();
  const result = await lrRangeTest(
    config,
    { ...data, normalization },
    {
      ...sweep,
      onPoint: (p) => {
        if (p.step % 25 === 0) {
          console.error(
            `step ${p.step}/${sweep.steps}: lr ${p.lr.toPrecision(3)} loss ${
              p.loss?.toFixed(4) ?? "NaN"
            } smoothed ${p.smoothedLoss?.toFixed(4) ?? "-"}`,
          );
        }
      },
    } satisfies LrFindOptions,
  );
  await writeLrFindFile(jsonFile, { config, sweep, ...result });
  const fmt = (lr: number | null) => (lr === null ? "none" : lr.toPrecision(3));
  console.error(
    `stopped: ${result.stoppedBecause}; suggestions: steepest ${
      fmt(result.suggestions.steepest)
    }, valley ${fmt(result.suggestions.valley)}; lowest loss at lr ${
      fmt(result.minLossLr)
    }; ${formatDuration((performance.now() - started) / 1000)}`,
  );
  console.log(jsonFile);
});

type Flags = NonNullable<ReturnType<typeof parseCommandLine<typeof OPTIONS>>>;

function resolveConfig(flags: Flags): {
  config: TrainConfig;
  sweep: LrSweep;
  defaultName: string;
} {
  if (flags.profile !== undefined) {
    const profile = PROFILES[flags.profile as keyof typeof PROFILES];
    if (!profile) {
      throw new ConfigError(
        `unknown profile "${flags.profile}" (valid: ${
          PROFILE_NAMES.join(", ")
        })`,
      );
    }
    const { name, config, sweep } = lrFindOfProfile(profile);
    return { config, sweep, defaultName: name };
  }
  const config = resolveTrainConfig({
    optimizer: flags.optimizer as never,
    momentum: numberFlag("momentum", flags.momentum),
    batchSize: numberFlag("batch", flags.batch),
    trainSubset: numberFlag("train-subset", flags["train-subset"]),
    seed: numberFlag("seed", flags.seed),
    model: modelFlags(flags),
  });
  return { config, sweep: { ...LR_FIND_DEFAULTS }, defaultName: "lr-find" };
}
