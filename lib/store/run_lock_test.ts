import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import process from "node:process";
import { acquireRunLock, isProcessAlive, readLock } from "./run_lock.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "run-lock-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["eval", "0"]);
  assert.ok(child.pid && !isProcessAlive(child.pid));
  return child.pid;
}

const lockFile = (owner: object) => `${JSON.stringify(owner)}\n`;

Deno.test("a held lock excludes a second runner until it is released", async () => {
  await withDir(async (dir) => {
    const file = path.join(dir, "runs", "lr", "0123456789abcdef.lock");
    const first = await acquireRunLock(file, { heartbeatMs: 0 });
    assert.ok(first);
    const owner = await readLock(file);
    assert.equal(typeof owner === "object" && owner.pid, process.pid);
    assert.equal(await acquireRunLock(file, { heartbeatMs: 0 }), null);
    await first.release();
    const again = await acquireRunLock(file, { heartbeatMs: 0 });
    assert.ok(again);
    await again.release();
  });
});

Deno.test("a lock whose pid is dead on this host is taken over", async () => {
  await withDir(async (dir) => {
    const file = path.join(dir, "a.lock");
    await writeFile(
      file,
      lockFile({
        pid: deadPid(),
        host: hostname(),
        startedAt: new Date().toISOString(),
        token: "dead",
      }),
    );
    const lock = await acquireRunLock(file, { heartbeatMs: 0 });
    assert.ok(lock, "the dead runner's lock should be taken over");
    const owner = await readLock(file);
    assert.equal(typeof owner === "object" && owner.token, lock.owner.token);
    await lock.release();
  });
});

Deno.test("a lock from another host is stale only once not refreshed for staleMs", async () => {
  await withDir(async (dir) => {
    const file = path.join(dir, "a.lock");
    await writeFile(
      file,
      lockFile({
        pid: 1,
        host: "another-host",
        startedAt: new Date().toISOString(),
        token: "remote",
      }),
    );
    assert.equal(await acquireRunLock(file, { staleMs: 60_000 }), null);
    const old = new Date(Date.now() - 120_000);
    await utimes(file, old, old);
    const lock = await acquireRunLock(file, {
      staleMs: 60_000,
      heartbeatMs: 0,
    });
    assert.ok(lock);
    await lock.release();
  });
});

Deno.test("release leaves a lock that another runner has taken over", async () => {
  await withDir(async (dir) => {
    const file = path.join(dir, "a.lock");
    const lock = await acquireRunLock(file, { heartbeatMs: 0 });
    assert.ok(lock);
    const other = lockFile({
      pid: process.pid,
      host: hostname(),
      startedAt: new Date().toISOString(),
      token: "other",
    });
    await writeFile(file, other);
    await lock.release();
    assert.equal(await readFile(file, "utf8"), other);
  });
});
