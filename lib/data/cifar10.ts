/**
 * The CIFAR-10 *binary version* format (`cifar-10-batches-bin/`): parsing record files into
 * typed arrays and loading the whole data set.
 *
 * Each record is 1 label byte followed by 3072 image bytes: the red, green and blue planes of
 * a 32x32 image, each plane row-major. Images are kept in that planar layout (`[N, 3, 32, 32]`,
 * uint8): the files are read into one buffer and each image is moved over the label byte
 * before it (no per-pixel work), so loading all 60,000 images costs little more than reading
 * the files, in no more memory than their size.
 *
 * @example
 * ```ts
 * import { loadCifar10 } from "./cifar10.ts";
 * const { train, test, classNames } = await loadCifar10("data/cifar-10-batches-bin");
 * console.log(train.count, test.count, classNames[train.labels[0]]);
 * ```
 * @module
 */
import {
  type FileHandle,
  open,
  readdir,
  readFile,
  stat,
} from "node:fs/promises";
import path from "node:path";
import { DataError } from "../util/errors.ts";

/** Height and width of a CIFAR-10 image in pixels. */
export const IMAGE_SIZE = 32;
/** Colour channels per image (R, G, B). */
export const CHANNELS = 3;
/** Bytes of one colour plane (32 x 32). */
export const PLANE_BYTES: number = IMAGE_SIZE * IMAGE_SIZE;
/** Bytes of one image (three planes). */
export const IMAGE_BYTES: number = CHANNELS * PLANE_BYTES;
/** Bytes of one record: the label byte and the image. */
export const RECORD_BYTES: number = 1 + IMAGE_BYTES;
/** Number of classes; labels are 0..9. */
export const NUM_CLASSES = 10;
/** The training files, in the order their records are concatenated. */
export const TRAIN_FILES: readonly string[] = [
  "data_batch_1.bin",
  "data_batch_2.bin",
  "data_batch_3.bin",
  "data_batch_4.bin",
  "data_batch_5.bin",
];
/** The test file. */
export const TEST_FILE = "test_batch.bin";
/** The file holding the class names, one per line, in label order. */
export const META_FILE = "batches.meta.txt";
/** Every file a complete data directory holds. */
export const CIFAR10_FILES: readonly string[] = [
  ...TRAIN_FILES,
  TEST_FILE,
  META_FILE,
];

/**
 * Records of one split. `images` holds `count` images of {@linkcode IMAGE_BYTES} bytes each, in
 * the file's planar layout `[count, 3, 32, 32]` (all red, then green, then blue, row-major);
 * `labels[i]` is the class (0..9) of image `i`.
 */
export interface CifarSplit {
  /** Pixel values 0..255, layout `[count, 3, 32, 32]`; may be a view of a larger buffer. */
  images: Uint8Array;
  /** Class of each image, 0..9. */
  labels: Uint8Array;
  /** Number of records. */
  count: number;
}

/** The whole data set as returned by {@linkcode loadCifar10}. */
export interface Cifar10 {
  /** The 50,000 training records (data_batch_1..5, concatenated in order). */
  train: CifarSplit;
  /** The 10,000 test records. */
  test: CifarSplit;
  /** Class names in label order, from batches.meta.txt. */
  classNames: string[];
  /** The directory the data was read from. */
  dir: string;
}

/**
 * Parses the bytes of one record file. `file` names the file in error messages.
 *
 * @example
 * ```ts
 * import { parseCifarRecords, RECORD_BYTES } from "./cifar10.ts";
 * const bytes = new Uint8Array(RECORD_BYTES * 2); // two all-black airplanes
 * const split = parseCifarRecords(bytes, "tiny.bin");
 * split.count; // 2
 * ```
 */
export function parseCifarRecords(bytes: Uint8Array, file: string): CifarSplit {
  const records = recordCount(bytes.length, file);
  return compactRecords(bytes.slice(), [{ file, records }]);
}

/**
 * Reads and parses one record file.
 *
 * @example
 * ```ts
 * import { readCifarFile } from "./cifar10.ts";
 * const test = await readCifarFile("data/cifar-10-batches-bin/test_batch.bin");
 * ```
 */
export function readCifarFile(file: string): Promise<CifarSplit> {
  return readRecordFiles([file]);
}

/**
 * Reads the class names (one per line, blank lines ignored) from `batches.meta.txt` in `dir`.
 *
 * @example
 * ```ts
 * import { readClassNames } from "./cifar10.ts";
 * const names = await readClassNames("data/cifar-10-batches-bin"); // ["airplane", ...]
 * ```
 */
export async function readClassNames(dir: string): Promise<string[]> {
  const file = path.join(dir, META_FILE);
  const text = new TextDecoder().decode(await readDataFile(file));
  const names = text.split(/\r?\n/).map((line) => line.trim()).filter((line) =>
    line !== ""
  );
  if (names.length !== NUM_CLASSES) {
    throw new DataError(
      `${file}: expected ${NUM_CLASSES} class names, found ${names.length}`,
    );
  }
  return names;
}

/**
 * Loads the training and test splits and the class names from a `cifar-10-batches-bin/`
 * directory, validating every file.
 *
 * @example
 * ```ts
 * import { loadCifar10 } from "./cifar10.ts";
 * const data = await loadCifar10("data/cifar-10-batches-bin");
 * data.train.count; // 50000
 * ```
 */
export async function loadCifar10(dir: string): Promise<Cifar10> {
  await assertReadableDir(dir);
  const [classNames, train, test] = await Promise.all([
    readClassNames(dir),
    readRecordFiles(TRAIN_FILES.map((name) => path.join(dir, name))),
    readRecordFiles([path.join(dir, TEST_FILE)]),
  ]);
  return { train, test, classNames, dir };
}

/**
 * Counts the records of each class in a split.
 *
 * @example
 * ```ts
 * import { classCounts, parseCifarRecords, RECORD_BYTES } from "./cifar10.ts";
 * classCounts(parseCifarRecords(new Uint8Array(RECORD_BYTES), "one.bin")); // [1, 0, ..., 0]
 * ```
 */
export function classCounts(split: CifarSplit): number[] {
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (let i = 0; i < split.count; i++) counts[split.labels[i]]++;
  return counts;
}

/**
 * Throws a {@linkcode DataError} unless `dir` is a directory that can be listed.
 *
 * @example
 * ```ts
 * import { assertReadableDir } from "./cifar10.ts";
 * await assertReadableDir("data/cifar-10-batches-bin");
 * ```
 */
export async function assertReadableDir(dir: string): Promise<void> {
  try {
    await readdir(dir);
  } catch (error) {
    throw new DataError(`${dir}: ${describeFsError(error, "data directory")}`, {
      cause: error,
    });
  }
}

async function readDataFile(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new DataError(`${file}: ${describeFsError(error, "data file")}`, {
      cause: error,
    });
  }
}

/**
 * Reads record files into one split. Sizes are checked (via stat) before anything is read; the
 * files are read side by side into a single buffer that is then compacted in place, so loading
 * needs no more memory than the files' size.
 */
async function readRecordFiles(files: string[]): Promise<CifarSplit> {
  const segments: { file: string; records: number }[] = [];
  for (const file of files) {
    const size = await stat(file).then((info) => info.size, (error) => {
      throw new DataError(`${file}: ${describeFsError(error, "data file")}`, {
        cause: error,
      });
    });
    segments.push({ file, records: recordCount(size, file) });
  }
  const total = segments.reduce((sum, { records }) => sum + records, 0);
  const buffer = new Uint8Array(total * RECORD_BYTES);
  let offset = 0;
  await Promise.all(segments.map(({ file, records }) => {
    const start = offset;
    offset += records * RECORD_BYTES;
    return readInto(file, buffer.subarray(start, offset));
  }));
  return compactRecords(buffer, segments);
}

/** Fills `target` with the first `target.length` bytes of `file`. */
async function readInto(file: string, target: Uint8Array): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, "r");
    let filled = 0;
    while (filled < target.length) {
      const { bytesRead } = await handle.read(
        target,
        filled,
        target.length - filled,
        filled,
      );
      if (bytesRead === 0) {
        throw new DataError(`${file}: file shrank while being read`);
      }
      filled += bytesRead;
    }
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`${file}: ${describeFsError(error, "data file")}`, {
      cause: error,
    });
  } finally {
    await handle?.close();
  }
}

/**
 * Turns `buffer` (whole records of the given files, back to back) into a split, in place: labels
 * are checked and taken out, and each image is moved down over the label bytes before it.
 * `images` is thus a view of the first `count * IMAGE_BYTES` bytes of `buffer`.
 */
function compactRecords(
  buffer: Uint8Array,
  segments: { file: string; records: number }[],
): CifarSplit {
  const count = segments.reduce((sum, { records }) => sum + records, 0);
  const labels = new Uint8Array(count);
  let index = 0;
  for (const { file, records } of segments) {
    for (let r = 0; r < records; r++, index++) {
      const offset = index * RECORD_BYTES;
      const label = buffer[offset];
      if (label >= NUM_CLASSES) {
        throw new DataError(
          `${file}: record ${r} has label ${label}, expected 0..${
            NUM_CLASSES - 1
          }`,
        );
      }
      labels[index] = label;
      buffer.copyWithin(index * IMAGE_BYTES, offset + 1, offset + RECORD_BYTES);
    }
  }
  return { images: buffer.subarray(0, count * IMAGE_BYTES), labels, count };
}

function recordCount(size: number, file: string): number {
  if (size === 0 || size % RECORD_BYTES !== 0) {
    throw new DataError(
      `${file}: size ${size} bytes is not a positive multiple of the ${RECORD_BYTES}-byte record size`,
    );
  }
  return size / RECORD_BYTES;
}

/**
 * A one-line reason for a failed file-system call, for messages that name the path first.
 *
 * @example
 * ```ts
 * import { describeFsError } from "./cifar10.ts";
 * describeFsError({ code: "ENOENT" }, "data file"); // "data file not found"
 * ```
 */
export function describeFsError(error: unknown, what: string): string {
  const code = (error as { code?: string } | null)?.code;
  switch (code) {
    case "ENOENT":
      return `${what} not found`;
    case "EACCES":
    case "EPERM":
      return `${what} is not readable (permission denied)`;
    case "ENOTDIR":
      return `${what} is not a directory`;
    case "EISDIR":
      return `${what} is a directory, expected a file`;
    default:
      return `cannot read ${what}: ${
        (error as Error).message ?? String(error)
      }`;
  }
}
