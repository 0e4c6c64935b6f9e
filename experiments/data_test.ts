import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tar from "tar";
import { dataReport, formatDataReport } from "./data.ts";
import { CLASS_NAMES, writeFakeCifar10 } from "../lib/data/test_support.ts";
import { runEntryPoint } from "./test_support.ts";

function runData(args: string[], env: Record<string, string> = {}) {
  return runEntryPoint("data.ts", args, { CIFAR10_DIR: "", ...env });
}

Deno.test("the report lists counts per split and class, channel stats and where the data came from", async () => {
  const { dir, cleanup } = await writeFakeCifar10({ perFile: 3 });
  try {
    const report = await dataReport({ data: dir, env: {}, cacheDir: false });
    assert.equal(report.dir, dir);
    assert.equal(report.source, "flag");
    assert.deepEqual(report.classNames, CLASS_NAMES);
    assert.equal(report.splits.train.count, 15);
    assert.equal(report.splits.test.count, 3);
    // Test file (index 5) labels 5, 6, 7.
    assert.deepEqual(Object.values(report.splits.test.perClass), [
      0,
      0,
      0,
      0,
      0,
      1,
      1,
      1,
      0,
      0,
    ]);
    assert.match(report.sha256, /^[0-9a-f]{64}$/);
    const text = formatDataReport(report);
    assert.match(text, new RegExp(`^data: +${dir} \\(from --data\\)$`, "m"));
    assert.match(text, /^records: train 15, test 3 /m);
    assert.match(text, /^ +6 +frog +1 +1$/m);
    const mean = report.trainChannelStats.mean.map((m) => m.toFixed(4)).join(
      ", ",
    );
    assert.ok(text.includes(`train mean (R, G, B): ${mean}`));
  } finally {
    await cleanup();
  }
});

Deno.test("a missing project default is downloaded and reported as such", async () => {
  const source = await writeFakeCifar10({ perFile: 1 });
  const archive = path.join(source.root, "a.tar.gz");
  await tar.c({ gzip: true, cwd: source.root, file: archive }, [
    "cifar-10-batches-bin",
  ]);
  const bytes = await readFile(archive);
  const server = createServer((_, response) => response.end(bytes));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const parent = await mkdtemp(path.join(tmpdir(), "cifar-cli-"));
  try {
    const url = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/a.tar.gz`;
    const md5 = createHash("md5").update(bytes).digest("hex");
    const defaultDir = path.join(parent, "cifar-10-batches-bin");
    const report = await dataReport({
      env: { CIFAR10_URL: url, CIFAR10_MD5: md5 },
      defaultDir,
      cacheDir: false,
      write: () => {},
    });
    assert.equal(report.source, "downloaded");
    assert.equal(report.dir, defaultDir);
    assert.match(
      formatDataReport(report),
      /\(downloaded to the project default\)/,
    );
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(parent, { recursive: true, force: true });
    await source.cleanup();
  }
});

Deno.test("deno task data: --json prints one JSON object; bad input is a one-line error, exit 2", async () => {
  const { root, dir, cleanup } = await writeFakeCifar10({ perFile: 2 });
  try {
    const env = { CIFAR10_CACHE_DIR: path.join(root, "cache") };
    const json = await runData(["--json"], { ...env, CIFAR10_DIR: dir });
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.equal(report.source, "env");
    assert.equal(report.splits.train.count, 10);

    const missing = await runData(["--data", path.join(root, "nope")], env);
    assert.equal(missing.code, 2);
    assert.equal(
      missing.stderr,
      `error: --data ${path.join(root, "nope")}: data directory not found\n`,
    );

    const bad = await runData(["--jsn"], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: Unknown option '--jsn'\n$/);

    const help = await runData(["--help"], env);
    assert.equal(help.code, 0);
    assert.match(
      help.stdout,
      /^Usage: deno task data \[--data DIR\] \[--json\]/,
    );
  } finally {
    await cleanup();
  }
});
