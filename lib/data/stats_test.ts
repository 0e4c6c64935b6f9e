import assert from "node:assert/strict";
import {
  mkdtemp,
  readdir,
  readFile,
  rm,
  utimes,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { IMAGE_BYTES, loadCifar10, PLANE_BYTES } from "./cifar10.ts";
import { clearMemoryCache } from "./cache.ts";
import { cachedChannelStats, channelStats } from "./stats.ts";
import { fakeRecords, writeFakeCifar10 } from "./test_support.ts";
import { DataError } from "../util/errors.ts";

function close(actual: number[], expected: number[], tolerance = 1e-12): void {
  actual.forEach((a, i) =>
    assert.ok(
      Math.abs(a - expected[i]) <= tolerance,
      `${actual} vs ${expected}`,
    )
  );
}

Deno.test("channelStats gives each channel's mean and population std on 0..1", () => {
  // Image 0: red 0, green 255, blue 51. Image 1: red 255, green 255, blue 153.
  const images = new Uint8Array(2 * IMAGE_BYTES);
  images.fill(255, PLANE_BYTES, 2 * PLANE_BYTES);
  images.fill(51, 2 * PLANE_BYTES, IMAGE_BYTES);
  images.fill(255, IMAGE_BYTES, IMAGE_BYTES + 2 * PLANE_BYTES);
  images.fill(153, IMAGE_BYTES + 2 * PLANE_BYTES);
  const stats = channelStats({ images, labels: new Uint8Array(2), count: 2 });
  close(stats.mean, [0.5, 1, 0.4]);
  close(stats.std, [0.5, 0, 0.2]);
});

Deno.test("channelStats of an empty split is an error", () => {
  assert.throws(
    () =>
      channelStats({
        images: new Uint8Array(0),
        labels: new Uint8Array(0),
        count: 0,
      }),
    DataError,
  );
});

Deno.test("cachedChannelStats stores stats on disk and recomputes when training files change", async () => {
  const { root, dir, cleanup } = await writeFakeCifar10({ perFile: 2 });
  const cacheDir = path.join(root, "cache");
  try {
    clearMemoryCache();
    const data = await loadCifar10(dir);
    const first = await cachedChannelStats(data, { cacheDir });
    assert.deepEqual(first, channelStats(data.train));
    const [file] = await readdir(cacheDir);
    assert.match(file, /^channel-stats-[0-9a-f]{16}\.json$/);
    assert.deepEqual(
      JSON.parse(await readFile(path.join(cacheDir, file), "utf8")).value,
      first,
    );

    // A fresh process (empty memory cache) is served from disk: plant a marker value to see it.
    const planted = { mean: [0.1, 0.2, 0.3], std: [0.4, 0.5, 0.6] };
    const stored = JSON.parse(
      await readFile(path.join(cacheDir, file), "utf8"),
    );
    await writeFile(
      path.join(cacheDir, file),
      JSON.stringify({ ...stored, value: planted }),
    );
    clearMemoryCache();
    assert.deepEqual(await cachedChannelStats(data, { cacheDir }), planted);

    // A corrupt entry is recomputed rather than trusted.
    await writeFile(
      path.join(cacheDir, file),
      JSON.stringify({ ...stored, value: { mean: [1] } }),
    );
    clearMemoryCache();
    assert.deepEqual(await cachedChannelStats(data, { cacheDir }), first);

    // Rewriting a training file (new size and time) changes the key.
    const batch = path.join(dir, "data_batch_3.bin");
    await writeFile(batch, fakeRecords([1, 2, 3], 9));
    await utimes(batch, new Date(2001, 1, 1), new Date(2001, 1, 1));
    clearMemoryCache();
    const changed = await loadCifar10(dir);
    assert.deepEqual(
      await cachedChannelStats(changed, { cacheDir }),
      channelStats(changed.train),
    );
    assert.equal((await readdir(cacheDir)).length, 2);
  } finally {
    clearMemoryCache();
    await cleanup();
  }
});

Deno.test("cachedChannelStats works without a writable cache directory", async () => {
  const { root, dir, cleanup } = await writeFakeCifar10({ perFile: 1 });
  const blocker = path.join(root, "not-a-dir");
  try {
    clearMemoryCache();
    await writeFile(blocker, "x");
    const data = await loadCifar10(dir);
    const stats = await cachedChannelStats(data, {
      cacheDir: path.join(blocker, "cache"),
    });
    assert.deepEqual(stats, channelStats(data.train));
  } finally {
    clearMemoryCache();
    await cleanup();
  }
});

Deno.test("cachedChannelStats names a missing training file", async () => {
  const root = await mkdtemp(path.join(tmpdir(), "cifar-stats-"));
  try {
    const split = {
      images: new Uint8Array(IMAGE_BYTES),
      labels: new Uint8Array(1),
      count: 1,
    };
    await assert.rejects(
      cachedChannelStats({ dir: root, train: split }, { cacheDir: false }),
      /data_batch_1\.bin: data file not found/,
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
