import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import process from "node:process";
import { defaultDataDir, ensureCifar10 } from "./locate.ts";
import { projectRoot } from "./project.ts";
import { DataError } from "../util/errors.ts";

async function withDirs(
  fn: (dirs: { flag: string; env: string; project: string }) => Promise<void>,
) {
  const root = await mkdtemp(path.join(tmpdir(), "cifar-locate-"));
  const dirs = {
    flag: path.join(root, "flag"),
    env: path.join(root, "env"),
    project: path.join(root, "project"),
  };
  try {
    for (const dir of Object.values(dirs)) await mkdir(dir);
    await fn(dirs);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

// A URL that cannot be fetched: any attempt to download would fail these tests loudly.
const noDownload = { url: "http://127.0.0.1:1/never.tar.gz" };

Deno.test("the --data flag wins over CIFAR10_DIR, which wins over the project directory", async () => {
  await withDirs(async ({ flag, env, project }) => {
    const common = { ...noDownload, defaultDir: project };
    assert.deepEqual(
      await ensureCifar10({ ...common, data: flag, env: { CIFAR10_DIR: env } }),
      {
        dir: flag,
        source: "flag",
      },
    );
    assert.deepEqual(
      await ensureCifar10({ ...common, env: { CIFAR10_DIR: env } }),
      { dir: env, source: "env" },
    );
    assert.deepEqual(
      await ensureCifar10({ ...common, env: { CIFAR10_DIR: "" } }),
      {
        dir: project,
        source: "project",
      },
    );
  });
});

Deno.test("a flag or CIFAR10_DIR naming a missing directory is an error, not a download", async () => {
  await withDirs(async ({ project }) => {
    const missing = path.join(project, "typo");
    await assert.rejects(
      ensureCifar10({ ...noDownload, data: missing, env: {} }),
      new DataError(`--data ${missing}: data directory not found`),
    );
    await assert.rejects(
      ensureCifar10({ ...noDownload, env: { CIFAR10_DIR: missing } }),
      new DataError(`CIFAR10_DIR=${missing}: data directory not found`),
    );
    assert.equal(existsSync(missing), false);
  });
});

Deno.test("relative paths are resolved against the working directory", async () => {
  await withDirs(async ({ flag }) => {
    const relative = path.relative(process.cwd(), flag);
    const located = await ensureCifar10({
      ...noDownload,
      data: relative,
      env: {},
    });
    assert.equal(located.dir, flag);
  });
});

Deno.test("the default data directory sits in the project root, beside deno.json", () => {
  assert.ok(existsSync(path.join(projectRoot(), "deno.json")));
  assert.equal(
    defaultDataDir(),
    path.join(projectRoot(), "data", "cifar-10-batches-bin"),
  );
});
