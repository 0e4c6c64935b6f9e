import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFile, rm, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { CIFAR10_FILES } from "./cifar10.ts";
import { clearMemoryCache } from "./cache.ts";
import { datasetFingerprint } from "./fingerprint.ts";
import { writeFakeCifar10 } from "./test_support.ts";

const sha256 = (data: Uint8Array | string) =>
  createHash("sha256").update(data).digest("hex");

Deno.test("datasetFingerprint hashes every file and a sha256sum-style manifest", async () => {
  const { root, dir, cleanup } = await writeFakeCifar10({ perFile: 2 });
  try {
    clearMemoryCache();
    const fingerprint = await datasetFingerprint(dir, {
      cacheDir: path.join(root, "cache"),
    });
    const expected: Record<string, string> = {};
    for (const name of CIFAR10_FILES) {
      expected[name] = sha256(await readFile(path.join(dir, name)));
    }
    assert.deepEqual(fingerprint.files, expected);
    const manifest = CIFAR10_FILES.map((name) => `${expected[name]}  ${name}\n`)
      .join("");
    assert.equal(fingerprint.sha256, sha256(manifest));

    // Changing one byte of one file changes the fingerprint (the cache key follows the file).
    const file = path.join(dir, "test_batch.bin");
    const bytes = await readFile(file);
    bytes[100] ^= 1;
    await writeFile(file, bytes);
    await utimes(file, new Date(2001, 1, 1), new Date(2001, 1, 1));
    clearMemoryCache();
    const changed = await datasetFingerprint(dir, {
      cacheDir: path.join(root, "cache"),
    });
    assert.notEqual(changed.sha256, fingerprint.sha256);
    assert.equal(changed.files["test_batch.bin"], sha256(bytes));
  } finally {
    clearMemoryCache();
    await cleanup();
  }
});

Deno.test("datasetFingerprint names a missing file", async () => {
  const { dir, cleanup } = await writeFakeCifar10({ perFile: 1 });
  try {
    await rm(path.join(dir, "data_batch_5.bin"));
    await assert.rejects(
      datasetFingerprint(dir, { cacheDir: false }),
      /data_batch_5\.bin: data file not found/,
    );
  } finally {
    await cleanup();
  }
});
