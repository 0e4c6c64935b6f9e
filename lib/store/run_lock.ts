/**
 * An exclusive lock per run, so two runners sharing a results directory (two shells, a Slurm job
 * array on a shared file system) never train the same config at once. The lock is a file created
 * with O_EXCL holding the owner's pid, host, start time and a random token; the owner refreshes
 * its modification time while it works. A lock is stale, and taken over, when its pid is dead on
 * this host or it has not been refreshed for `staleMs` (an owner on another host that died).
 *
 * @example
 * ```ts
 * import { acquireRunLock } from "./run_lock.ts";
 * const lock = await acquireRunLock("results/runs/lr/0123456789abcdef.lock");
 * if (lock) {
 *   try {
 *     // ... train and record the run ...
 *   } finally {
 *     await lock.release();
 *   }
 * }
 * ```
 * @module
 */
import { randomBytes } from "node:crypto";
import {
  link,
  mkdir,
  open,
  readFile,
  rename,
  rm,
  stat,
  utimes,
} from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import process from "node:process";

/** What a lock file holds. */
export interface LockOwner {
  /** Process id of the owner. */
  pid: number;
  /** Host name of the owner (a pid means nothing on another host). */
  host: string;
  /** When the owner took the lock (ISO time). */
  startedAt: string;
  /** Random; tells this owner's lock from a later one at the same path. */
  token: string;
}

/** Options of {@linkcode acquireRunLock}. */
export interface RunLockOptions {
  /** A lock not refreshed for this long is stale. Default 10 minutes. */
  staleMs?: number;
  /** How often the holder refreshes the lock. Default 1 minute; 0 = never. */
  heartbeatMs?: number;
  /** The owner's pid. Default: this process. */
  pid?: number;
}

/** A held lock. */
export interface RunLock {
  /** The lock file. */
  readonly path: string;
  /** Who holds it (this process). */
  readonly owner: LockOwner;
  /** Marks the lock as alive now (also done every `heartbeatMs`). */
  refresh(): Promise<void>;
  /** Stops the heartbeat and deletes the lock if it is still this owner's. */
  release(): Promise<void>;
}

const DEFAULT_STALE_MS = 10 * 60_000;
const DEFAULT_HEARTBEAT_MS = 60_000;

/**
 * Takes the lock at `lockPath`, or returns null when a live owner holds it. A stale lock (dead pid
 * on this host, or not refreshed for `staleMs`) is taken over.
 */
export async function acquireRunLock(
  lockPath: string,
  options: RunLockOptions = {},
): Promise<RunLock | null> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  await mkdir(path.dirname(lockPath), { recursive: true });
  const owner: LockOwner = {
    pid: options.pid ?? process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    token: randomBytes(8).toString("hex"),
  };
  if (await createExclusive(lockPath, owner)) {
    return heldLock(lockPath, owner, options.heartbeatMs);
  }
  const current = await readLock(lockPath);
  if (current === "missing") {
    // Released between our attempt and the read: try once more.
    return (await createExclusive(lockPath, owner))
      ? heldLock(lockPath, owner, options.heartbeatMs)
      : null;
  }
  if (!(await isStale(lockPath, current, staleMs))) return null;
  if (!(await removeIfUnchanged(lockPath, current))) return null;
  return (await createExclusive(lockPath, owner))
    ? heldLock(lockPath, owner, options.heartbeatMs)
    : null;
}

/**
 * Who holds the lock at `lockPath`: its owner, "missing", or "unreadable" (a lock cut short, or
 * not ours to parse).
 *
 * @example
 * ```ts
 * import { readLock } from "./run_lock.ts";
 * const owner = await readLock("results/runs/lr/0123456789abcdef.lock");
 * if (typeof owner === "object") console.log(`held by pid ${owner.pid} on ${owner.host}`);
 * ```
 */
export async function readLock(
  lockPath: string,
): Promise<LockOwner | "missing" | "unreadable"> {
  let text: string;
  try {
    text = await readFile(lockPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw error;
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    return Number.isInteger(owner.pid) && typeof owner.host === "string" &&
        typeof owner.token === "string"
      ? owner
      : "unreadable";
  } catch {
    return "unreadable";
  }
}

/**
 * Whether process `pid` is alive on this host. A process we may not signal (EPERM) is alive.
 *
 * @example
 * ```ts
 * import process from "node:process";
 * import { isProcessAlive } from "./run_lock.ts";
 * isProcessAlive(process.pid); // true
 * ```
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function createExclusive(
  lockPath: string,
  owner: LockOwner,
): Promise<boolean> {
  let file;
  try {
    file = await open(lockPath, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    await file.writeFile(`${JSON.stringify(owner)}\n`);
  } finally {
    await file.close();
  }
  return true;
}

async function isStale(
  lockPath: string,
  owner: LockOwner | "unreadable",
  staleMs: number,
): Promise<boolean> {
  if (
    owner !== "unreadable" && owner.host === hostname() &&
    !isProcessAlive(owner.pid)
  ) return true;
  try {
    const { mtimeMs } = await stat(lockPath);
    return Date.now() - mtimeMs > staleMs;
  } catch {
    return true;
  }
}

/**
 * Deletes a stale lock, unless another runner replaced it meanwhile. The lock is moved aside by
 * an atomic rename first and checked there; a live lock moved by mistake is linked back.
 */
async function removeIfUnchanged(
  lockPath: string,
  judged: LockOwner | "unreadable",
): Promise<boolean> {
  const aside = `${lockPath}.${randomBytes(6).toString("hex")}.stale`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw error;
  }
  const moved = await readLock(aside);
  const same = typeof moved === "object" && typeof judged === "object"
    ? moved.token === judged.token
    : moved === judged;
  if (!same) {
    await link(aside, lockPath).catch(() => {});
  }
  await rm(aside, { force: true });
  return same;
}

function heldLock(
  lockPath: string,
  owner: LockOwner,
  heartbeatMs = DEFAULT_HEARTBEAT_MS,
): RunLock {
  const refresh = async () => {
    const now = new Date();
    await utimes(lockPath, now, now).catch(() => {});
  };
  const timer = heartbeatMs > 0 ? setInterval(refresh, heartbeatMs) : undefined;
  // The heartbeat must not keep a finished process alive.
  (timer as { unref?: () => void } | undefined)?.unref?.();
  return {
    path: lockPath,
    owner,
    refresh,
    async release() {
      clearInterval(timer);
      const current = await readLock(lockPath);
      if (typeof current === "object" && current.token === owner.token) {
        await rm(lockPath, { force: true });
      }
    },
  };
}
