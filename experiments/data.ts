/**
 * `deno task data`: finds (or downloads) CIFAR-10 and prints where it is and how it was found,
 * the record counts per split and class, the training set's per-channel mean and std, and the
 * data set's SHA-256 fingerprint.
 *
 * Usage: `deno task data [--data DIR] [--json]`
 *
 * @example
 * ```ts
 * import { dataReport, formatDataReport } from "./data.ts";
 * console.log(formatDataReport(await dataReport({ data: "data/cifar-10-batches-bin" })));
 * ```
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { classCounts, loadCifar10 } from "../lib/data/cifar10.ts";
import { datasetFingerprint } from "../lib/data/fingerprint.ts";
import {
  type DataSource,
  ensureCifar10,
  type EnsureCifar10Options,
} from "../lib/data/locate.ts";
import { cachedChannelStats } from "../lib/data/stats.ts";
import { runCli } from "../lib/util/cli.ts";

const HELP = `Usage: deno task data [--data DIR] [--json]

Finds the CIFAR-10 binary data and prints where it is, the record counts per split
and class, the training set's per-channel mean/std (0..1 scale) and a SHA-256
fingerprint of the files.

The data is looked up in this order: --data DIR, env CIFAR10_DIR, then
<project>/data/cifar-10-batches-bin, which is downloaded when absent
(env CIFAR10_URL and CIFAR10_MD5 select a mirror).

Options:
  --data DIR   a cifar-10-batches-bin directory
  --json       print the report as one JSON object
  -h, --help   show this help
`;

/** What `deno task data` reports. */
export interface DataReport {
  /** The data directory. */
  dir: string;
  /** How it was found. */
  source: DataSource;
  /** Class names in label order. */
  classNames: string[];
  /** Records per split, in all and per class (by class name). */
  splits: Record<
    "train" | "test",
    { count: number; perClass: Record<string, number> }
  >;
  /** Per-channel mean and population std of the training set, 0..1 scale, R, G, B. */
  trainChannelStats: { mean: number[]; std: number[] };
  /** SHA-256 of the files' sha256sum-style manifest. */
  sha256: string;
  /** Seconds spent reading and parsing the 60,000 records. */
  loadSeconds: number;
}

/**
 * Builds the report, downloading the data first when needed.
 *
 * @example
 * ```ts
 * import { dataReport } from "./data.ts";
 * const report = await dataReport({ data: "data/cifar-10-batches-bin" });
 * report.splits.train.count; // 50000
 * ```
 */
export async function dataReport(
  options: EnsureCifar10Options & { cacheDir?: string | false } = {},
): Promise<DataReport> {
  const { dir, source } = await ensureCifar10(options);
  const started = performance.now();
  const data = await loadCifar10(dir);
  const loadSeconds = (performance.now() - started) / 1000;
  const cache = { cacheDir: options.cacheDir };
  const [stats, fingerprint] = await Promise.all([
    cachedChannelStats(data, cache),
    datasetFingerprint(dir, cache),
  ]);
  const perClass = (counts: number[]) =>
    Object.fromEntries(
      data.classNames.map((name, label) => [name, counts[label]]),
    );
  return {
    dir,
    source,
    classNames: data.classNames,
    splits: {
      train: {
        count: data.train.count,
        perClass: perClass(classCounts(data.train)),
      },
      test: {
        count: data.test.count,
        perClass: perClass(classCounts(data.test)),
      },
    },
    trainChannelStats: { mean: stats.mean, std: stats.std },
    sha256: fingerprint.sha256,
    loadSeconds,
  };
}

const SOURCE_TEXT: Record<DataSource, string> = {
  flag: "from --data",
  env: "from CIFAR10_DIR",
  project: "project default",
  downloaded: "downloaded to the project default",
};

/**
 * The report as text for a terminal.
 *
 * @example
 * ```ts
 * import { dataReport, formatDataReport } from "./data.ts";
 * console.log(formatDataReport(await dataReport()));
 * ```
 */
export function formatDataReport(report: DataReport): string {
  const { train, test } = report.splits;
  const width = Math.max(5, ...report.classNames.map((name) => name.length));
  const fixed = (values: number[]) =>
    values.map((v) => v.toFixed(4)).join(", ");
  const lines = [
    `data:    ${report.dir} (${SOURCE_TEXT[report.source]})`,
    `records: train ${train.count}, test ${test.count} ` +
    `(read in ${report.loadSeconds.toFixed(2)} s)`,
    "",
    `  label  ${"class".padEnd(width)}  ${"train".padStart(6)}  ${
      "test".padStart(6)
    }`,
    ...report.classNames.map((name, label) =>
      `  ${String(label).padStart(5)}  ${name.padEnd(width)}  ` +
      `${String(train.perClass[name]).padStart(6)}  ${
        String(test.perClass[name]).padStart(6)
      }`
    ),
    "",
    `train mean (R, G, B): ${fixed(report.trainChannelStats.mean)}`,
    `train std  (R, G, B): ${fixed(report.trainChannelStats.std)}`,
    `sha256:  ${report.sha256}`,
  ];
  return lines.join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      data: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const report = await dataReport({ data: values.data });
  process.stdout.write(
    values.json
      ? `${JSON.stringify(report)}\n`
      : `${formatDataReport(report)}\n`,
  );
}

if (import.meta.main) await runCli(main);
