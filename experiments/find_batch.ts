/**
 * `deno task find-batch`: the largest batch whose training step fits a memory budget, predicted
 * by the memory model with a safety margin, then confirmed with real training steps (each in a
 * fresh child process); when a real step does not fit, the search bisects downwards. Prints the
 * batch size on stdout (nothing when none fits) and how it was found on stderr.
 *
 *   deno task find-batch --input 224 --dense 4096 --memory-budget gtx1050ti
 *   deno task find-batch --width 0.25 --dense 256 --memory-budget 64MiB --margin 0.2
 *
 * @module
 */
import path from "node:path";
import { BACKEND_NAMES, parseBackendName } from "../lib/backend/select.ts";
import { findLargestBatch } from "../lib/memory/batch_finder.ts";
import {
  MEMORY_BUDGET_PRESETS,
  parseMemoryBudget,
} from "../lib/memory/budget.ts";
import { measureInChildProcess } from "../lib/memory/isolated.ts";
import { OPTIMIZER_NAMES, resolveTrainConfig } from "../lib/train/config.ts";
import { writeFileAtomic } from "../lib/util/atomic.ts";
import { numberFlag, parseCommandLine, runCli } from "../lib/util/cli.ts";
import { ConfigError } from "../lib/util/errors.ts";
import { formatBytes, formatDuration } from "../lib/util/format.ts";
import { MODEL_HELP, MODEL_OPTIONS, modelFlags } from "./model_flags.ts";

const BUDGET_PRESETS = Object.keys(MEMORY_BUDGET_PRESETS).join(", ");

const HELP = `Find the largest batch whose training step fits a memory budget.

Usage: deno task find-batch --memory-budget SIZE [options]

Budget and search
  --memory-budget SIZE  the device's memory: e.g. 4GiB, 512MiB, 6e9, or ${BUDGET_PRESETS}
  --margin F            fraction of the budget kept free, in [0, 1) (default 0.1)
  --max-batch N         largest batch considered (default 4096)
  --no-confirm          answer from the memory model only, without real steps
  --backend NAME        backend of the real steps: auto | ${
  BACKEND_NAMES.join(" | ")
} (default wasm)
  --timeout S           seconds one real step's process may run (default 600)
  --json FILE           also write the full result as JSON
Model (as in deno task train)
${MODEL_HELP}  --optimizer NAME      ${
  OPTIMIZER_NAMES.join(" | ")
} (default sgd)
  --momentum X          SGD momentum (default 0.9; 0 keeps no optimizer slot)
  -h, --help            this text
`;

const OPTIONS = {
  "memory-budget": { type: "string" },
  margin: { type: "string" },
  "max-batch": { type: "string" },
  "no-confirm": { type: "boolean" },
  backend: { type: "string", default: "wasm" },
  timeout: { type: "string" },
  json: { type: "string" },
  ...MODEL_OPTIONS,
  optimizer: { type: "string" },
  momentum: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

await runCli(async () => {
  const flags = parseCommandLine(OPTIONS, HELP);
  if (!flags) return;
  if (flags["memory-budget"] === undefined) {
    throw new ConfigError(
      `--memory-budget is required (e.g. 4GiB or ${BUDGET_PRESETS})`,
    );
  }
  const budgetBytes = parseMemoryBudget(flags["memory-budget"]);
  const config = resolveTrainConfig({
    optimizer: flags.optimizer as never,
    momentum: numberFlag("momentum", flags.momentum),
    model: modelFlags(flags),
  });
  const backend = parseBackendName(flags.backend);
  const timeoutSeconds = numberFlag("timeout", flags.timeout) ?? 600;
  if (!(timeoutSeconds > 0)) {
    throw new ConfigError(`--timeout must be positive, got ${timeoutSeconds}`);
  }
  const confirm = flags["no-confirm"]
    ? undefined
    : async (batchSize: number) => {
      console.error(`  trying batch ${batchSize} on ${backend} ...`);
      const measured = await measureInChildProcess(
        { ...config, batchSize },
        { backend, timeoutSeconds },
      );
      console.error(
        `  batch ${batchSize}: ${measured.status}` +
          (measured.tensorPeakBytes !== null
            ? `, measured ${formatBytes(measured.tensorPeakBytes)}`
            : "") +
          (measured.message ? ` (${measured.message})` : "") +
          ` in ${formatDuration(measured.processSeconds)}`,
      );
      return {
        batchSize,
        status: measured.status,
        measuredPeakBytes: measured.tensorPeakBytes,
        message: measured.message,
      };
    };

  const found = await findLargestBatch(config, {
    budgetBytes,
    margin: numberFlag("margin", flags.margin),
    maxBatch: numberFlag("max-batch", flags["max-batch"]),
    confirm,
  });
  console.error(
    `budget ${formatBytes(budgetBytes)}, limit ${
      formatBytes(found.limitBytes)
    } after the margin; the model predicts batch ${
      found.predictedBatchSize ?? "none"
    } fits`,
  );
  console.error(
    found.batchSize === null
      ? `no batch fits: ${found.reason}`
      : `largest batch: ${found.batchSize} (predicted peak ${
        formatBytes(found.predictedPeakBytes)
      }${
        found.measuredPeakBytes !== null
          ? `, measured ${formatBytes(found.measuredPeakBytes)}`
          : ""
      }): ${found.reason}`,
  );
  if (flags.json) {
    await writeFileAtomic(
      path.resolve(flags.json),
      `${
        JSON.stringify(
          { config, budgetBytes, backend, ...found },
          null,
          2,
        )
      }\n`,
    );
  }
  if (found.batchSize !== null) console.log(found.batchSize);
});
