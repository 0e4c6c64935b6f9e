import assert from "node:assert/strict";
import {
  chmod,
  mkdir,
  mkdtemp,
  rm,
  truncate,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  classCounts,
  IMAGE_BYTES,
  loadCifar10,
  parseCifarRecords,
  PLANE_BYTES,
  readCifarFile,
  RECORD_BYTES,
} from "./cifar10.ts";
import {
  CLASS_NAMES,
  fakeLabels,
  fakePixel,
  fakeRecords,
  writeFakeCifar10,
} from "./test_support.ts";
import { DataError } from "../util/errors.ts";

Deno.test("parseCifarRecords splits labels from planar images", () => {
  const split = parseCifarRecords(fakeRecords([7, 0, 9], 2), "x.bin");
  assert.equal(split.count, 3);
  assert.deepEqual([...split.labels], [7, 0, 9]);
  assert.equal(split.images.length, 3 * IMAGE_BYTES);
  // Record 1, green plane, row 2, column 5.
  const q = PLANE_BYTES + 2 * 32 + 5;
  assert.equal(split.images[IMAGE_BYTES + q], fakePixel(2, 1, q));
  assert.equal(
    split.images[3 * IMAGE_BYTES - 1],
    fakePixel(2, 2, IMAGE_BYTES - 1),
  );
});

Deno.test("loadCifar10 concatenates the five training files in order", async () => {
  const { dir, cleanup } = await writeFakeCifar10({ perFile: 4 });
  try {
    const data = await loadCifar10(dir);
    assert.equal(data.train.count, 20);
    assert.equal(data.test.count, 4);
    assert.deepEqual(data.classNames, CLASS_NAMES);
    assert.equal(data.dir, dir);
    const expected = [0, 1, 2, 3, 4].flatMap((i) => fakeLabels(i, 4));
    assert.deepEqual([...data.train.labels], expected);
    assert.deepEqual([...data.test.labels], fakeLabels(5, 4));
    // First pixel of record 2 of data_batch_3 (file index 2) is train record 4*2+2.
    assert.equal(data.train.images[10 * IMAGE_BYTES], fakePixel(2, 2, 0));
    assert.deepEqual(classCounts(data.test), [0, 0, 0, 0, 0, 1, 1, 1, 1, 0]);
  } finally {
    await cleanup();
  }
});

Deno.test("a file whose size is not a multiple of 3073 is named in the error", async () => {
  const { dir, cleanup } = await writeFakeCifar10({ perFile: 2 });
  try {
    const file = path.join(dir, "data_batch_4.bin");
    await truncate(file, 2 * RECORD_BYTES - 1);
    await assert.rejects(
      loadCifar10(dir),
      (error: Error) =>
        error instanceof DataError && error.message.includes(file) &&
        error.message.includes("6145 bytes") && error.message.includes("3073"),
    );
    await writeFile(file, new Uint8Array(0));
    await assert.rejects(
      readCifarFile(file),
      /data_batch_4\.bin: size 0 bytes/,
    );
  } finally {
    await cleanup();
  }
});

Deno.test("a label byte above 9 names the file and the record index", async () => {
  const { dir, cleanup } = await writeFakeCifar10({ perFile: 3 });
  try {
    const bytes = fakeRecords([1, 2, 3], 5);
    bytes[2 * RECORD_BYTES] = 10;
    await writeFile(path.join(dir, "test_batch.bin"), bytes);
    await assert.rejects(
      loadCifar10(dir),
      (error: Error) =>
        error instanceof DataError &&
        error.message ===
          `${
            path.join(dir, "test_batch.bin")
          }: record 2 has label 10, expected 0..9`,
    );
  } finally {
    await cleanup();
  }
});

Deno.test("a missing file is named in the error", async () => {
  const { dir, cleanup } = await writeFakeCifar10({ perFile: 1 });
  try {
    await rm(path.join(dir, "data_batch_2.bin"));
    await assert.rejects(
      loadCifar10(dir),
      new DataError(
        `${path.join(dir, "data_batch_2.bin")}: data file not found`,
      ),
    );
    await writeFile(path.join(dir, "data_batch_2.bin"), fakeRecords([0], 1));
    await rm(path.join(dir, "batches.meta.txt"));
    await assert.rejects(
      loadCifar10(dir),
      /batches\.meta\.txt: data file not found/,
    );
  } finally {
    await cleanup();
  }
});

Deno.test("batches.meta.txt must list ten class names", async () => {
  const { dir, cleanup } = await writeFakeCifar10({ perFile: 1 });
  try {
    await writeFile(
      path.join(dir, "batches.meta.txt"),
      "airplane\nautomobile\n",
    );
    await assert.rejects(
      loadCifar10(dir),
      /batches\.meta\.txt: expected 10 class names, found 2/,
    );
  } finally {
    await cleanup();
  }
});

Deno.test("a missing or non-directory data directory is named in the error", async () => {
  const root = await mkdtemp(path.join(tmpdir(), "cifar-dir-"));
  try {
    const missing = path.join(root, "nope");
    await assert.rejects(
      loadCifar10(missing),
      new DataError(`${missing}: data directory not found`),
    );
    const file = path.join(root, "file");
    await writeFile(file, "x");
    await assert.rejects(
      loadCifar10(file),
      new DataError(`${file}: data directory is not a directory`),
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

Deno.test({
  name: "an unreadable data directory is named in the error",
  // root may read any directory, so permissions cannot make one unreadable there.
  ignore: Deno.uid() === 0,
  fn: async () => {
    const root = await mkdtemp(path.join(tmpdir(), "cifar-dir-"));
    const locked = path.join(root, "locked");
    try {
      await mkdir(locked);
      await chmod(locked, 0o000);
      await assert.rejects(
        loadCifar10(locked),
        new DataError(
          `${locked}: data directory is not readable (permission denied)`,
        ),
      );
    } finally {
      await chmod(locked, 0o700);
      await rm(root, { recursive: true, force: true });
    }
  },
});
