/**
 * Helpers for the data layer's tests: small fake CIFAR-10 directories written to temporary
 * folders, and the gate for tests that need the real data set.
 *
 * @example
 * ```ts
 * import { writeFakeCifar10 } from "./test_support.ts";
 * const { dir, cleanup } = await writeFakeCifar10({ perFile: 3 });
 * await cleanup();
 * ```
 * @module
 */
import { statSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import process from "node:process";
import {
  IMAGE_BYTES,
  META_FILE,
  RECORD_BYTES,
  TEST_FILE,
  TRAIN_FILES,
} from "./cifar10.ts";

/** The official class names, as batches.meta.txt lists them. */
export const CLASS_NAMES = [
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
];

/**
 * The image byte `q` (0..3071) of fake record `record` of the file with number `fileIndex`;
 * distinct across records and files so that order mistakes show.
 *
 * @example
 * ```ts
 * import { fakePixel } from "./test_support.ts";
 * fakePixel(0, 0, 0); // 0
 * ```
 */
export function fakePixel(
  fileIndex: number,
  record: number,
  q: number,
): number {
  return (fileIndex * 61 + record * 17 + q * 3) & 255;
}

/**
 * Bytes of a record file with the given labels and {@linkcode fakePixel} images.
 *
 * @example
 * ```ts
 * import { fakeRecords } from "./test_support.ts";
 * fakeRecords([3, 9], 0).length; // 2 * 3073
 * ```
 */
export function fakeRecords(labels: number[], fileIndex: number): Uint8Array {
  const bytes = new Uint8Array(labels.length * RECORD_BYTES);
  labels.forEach((label, r) => {
    bytes[r * RECORD_BYTES] = label;
    for (let q = 0; q < IMAGE_BYTES; q++) {
      bytes[r * RECORD_BYTES + 1 + q] = fakePixel(fileIndex, r, q);
    }
  });
  return bytes;
}

/**
 * The labels of fake file `fileIndex` (0..4 train, 5 test) with `perFile` records.
 *
 * @example
 * ```ts
 * import { fakeLabels } from "./test_support.ts";
 * fakeLabels(1, 3); // [1, 2, 3]
 * ```
 */
export function fakeLabels(fileIndex: number, perFile: number): number[] {
  return Array.from({ length: perFile }, (_, r) => (fileIndex + r) % 10);
}

/**
 * Writes a complete fake `cifar-10-batches-bin` directory (every file, `perFile` records each)
 * under a new temporary folder (or `into`, if given).
 *
 * @example
 * ```ts
 * import { writeFakeCifar10 } from "./test_support.ts";
 * const { dir, cleanup } = await writeFakeCifar10({ perFile: 2 });
 * await cleanup();
 * ```
 */
export async function writeFakeCifar10(
  options: { perFile?: number; into?: string } = {},
): Promise<{ root: string; dir: string; cleanup: () => Promise<void> }> {
  const perFile = options.perFile ?? 3;
  const root = options.into ??
    await mkdtemp(path.join(tmpdir(), "cifar-fake-"));
  const dir = path.join(root, "cifar-10-batches-bin");
  await mkdir(dir, { recursive: true });
  const files = [...TRAIN_FILES, TEST_FILE];
  await Promise.all(
    files.map((name, i) =>
      writeFile(path.join(dir, name), fakeRecords(fakeLabels(i, perFile), i))
    ),
  );
  await writeFile(path.join(dir, META_FILE), CLASS_NAMES.join("\n") + "\n\n");
  return {
    root,
    dir,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/**
 * Where the real data is for tests (env `CIFAR10_DIR`), or why tests needing it are skipped.
 * With env `CI` set, missing data is not skipped: `dir` is undefined and `ignore` false, so the
 * test runs and {@linkcode requireRealData} fails it with the reason.
 *
 * @example
 * ```ts
 * import { realDataGate } from "./test_support.ts";
 * const gate = realDataGate();
 * Deno.test({ name: "real data", ignore: gate.ignore, fn: () => {} });
 * ```
 */
export function realDataGate(): {
  dir?: string;
  ignore: boolean;
  reason?: string;
} {
  const dir = process.env.CIFAR10_DIR;
  let reason: string | undefined;
  if (!dir) reason = "CIFAR10_DIR is not set";
  else if (!existsDir(dir)) reason = `CIFAR10_DIR=${dir} is not a directory`;
  if (reason === undefined) return { dir, ignore: false };
  const ci = Boolean(process.env.CI);
  if (!ci) console.log(`skipping real CIFAR-10 tests: ${reason}`);
  return { ignore: !ci, reason };
}

/**
 * The real data directory from a gate, or an error naming why it is unavailable.
 *
 * @example
 * ```ts
 * import { realDataGate, requireRealData } from "./test_support.ts";
 * const dir = requireRealData(realDataGate());
 * ```
 */
export function requireRealData(
  gate: { dir?: string; reason?: string },
): string {
  if (gate.dir) return gate.dir;
  throw new Error(
    `real CIFAR-10 data is required in CI: ${gate.reason}; set CIFAR10_DIR to a cifar-10-batches-bin directory`,
  );
}

function existsDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
