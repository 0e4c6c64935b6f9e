/**
 * A small cache for values derived from large files (channel statistics, checksums): kept in
 * memory for the process and as JSON on disk, keyed by the files' identity (real path, size,
 * modification time, inode), so a changed file is never served a stale value. The data
 * directory itself may be read-only; the cache lives elsewhere and, when it cannot be written,
 * is silently skipped.
 *
 * @example
 * ```ts
 * import { cachedValue, filesIdentity } from "./cache.ts";
 * const key = await filesIdentity(["data/cifar-10-batches-bin/test_batch.bin"]);
 * const size = await cachedValue("test-size", key, () => 30_730_000);
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import { readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import process from "node:process";
import { writeFileAtomic } from "../util/atomic.ts";
import { describeFsError } from "./cifar10.ts";
import { projectRoot } from "./project.ts";
import { DataError } from "../util/errors.ts";

/** Options of {@linkcode cachedValue}. */
export interface CacheOptions {
  /**
   * Directory of the disk cache; `false` keeps values in memory only. Default: env
   * `CIFAR10_CACHE_DIR`, else `<project>/data/cache`.
   */
  cacheDir?: string | false;
  /** Accepts a value read from disk; a rejected value is recomputed. Default: accept any. */
  validate?: (value: unknown) => boolean;
}

const memory = new Map<string, Promise<unknown>>();

/**
 * The default disk cache directory: env `CIFAR10_CACHE_DIR`, else `<project>/data/cache`.
 *
 * @example
 * ```ts
 * import { defaultCacheDir } from "./cache.ts";
 * defaultCacheDir(); // "/path/to/project/data/cache"
 * ```
 */
export function defaultCacheDir(): string {
  return process.env.CIFAR10_CACHE_DIR ||
    path.join(projectRoot(), "data", "cache");
}

/**
 * A key naming the current version of `files`: real path, size, modification time and inode
 * of each. Throws a {@linkcode DataError} naming a file that cannot be found or read.
 *
 * @example
 * ```ts
 * import { filesIdentity } from "./cache.ts";
 * const key = await filesIdentity(["deno.json"]); // changes when deno.json changes
 * ```
 */
export async function filesIdentity(files: readonly string[]): Promise<string> {
  const parts: string[] = [];
  for (const file of files) {
    try {
      const real = await realpath(file);
      const info = await stat(real);
      parts.push(
        `${real}|${info.size}|${info.mtimeMs}|${info.dev}|${info.ino}`,
      );
    } catch (error) {
      throw new DataError(`${file}: ${describeFsError(error, "data file")}`, {
        cause: error,
      });
    }
  }
  return parts.join("\n");
}

/**
 * Returns the value cached under `name` and `key`, computing (and storing) it on a miss. Memory
 * is checked first, then `<cacheDir>/<name>-<hash of key>.json`. Disk errors never fail the call.
 *
 * @example
 * ```ts
 * import { cachedValue } from "./cache.ts";
 * const answer = await cachedValue("answer", "v1", () => 42, { cacheDir: false }); // 42
 * ```
 */
export function cachedValue<T>(
  name: string,
  key: string,
  compute: () => T | Promise<T>,
  options: CacheOptions = {},
): Promise<T> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const memoryKey = `${name}\n${key}`;
  const hit = memory.get(memoryKey);
  if (hit) return hit as Promise<T>;
  const pending = (async () => {
    const file = cacheDir === false
      ? undefined
      : cacheFile(cacheDir, name, key);
    if (file) {
      const stored = await readStored(file, key);
      if (stored !== undefined && (options.validate?.(stored.value) ?? true)) {
        return stored.value as T;
      }
    }
    const value = await compute();
    if (file) {
      await writeFileAtomic(file, JSON.stringify({ key, value }) + "\n").catch(
        () => {},
      );
    }
    return value;
  })();
  memory.set(memoryKey, pending);
  pending.catch(() => memory.delete(memoryKey));
  return pending;
}

/**
 * Empties the in-memory cache (the disk cache is left alone); for tests.
 *
 * @example
 * ```ts
 * import { clearMemoryCache } from "./cache.ts";
 * clearMemoryCache();
 * ```
 */
export function clearMemoryCache(): void {
  memory.clear();
}

function cacheFile(cacheDir: string, name: string, key: string): string {
  const digest = createHash("sha256").update(key).digest("hex").slice(0, 16);
  return path.join(cacheDir, `${name}-${digest}.json`);
}

async function readStored(
  file: string,
  key: string,
): Promise<{ value: unknown } | undefined> {
  try {
    const stored = JSON.parse(await readFile(file, "utf8"));
    return stored?.key === key && "value" in stored
      ? { value: stored.value }
      : undefined;
  } catch {
    return undefined;
  }
}
