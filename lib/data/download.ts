/**
 * Downloading the official CIFAR-10 binary archive: streamed to a temporary file with a progress
 * bar, MD5-checked, extracted with `tar` into a temporary directory beside the destination and
 * renamed into place only when complete. A failed, interrupted or corrupt download leaves
 * neither a partial data directory nor temporary files behind; leftovers of a killed process are
 * removed by the next download.
 *
 * @example
 * ```ts
 * import { downloadCifar10 } from "./download.ts";
 * await downloadCifar10("data/cifar-10-batches-bin"); // ~163 MiB from cs.toronto.edu
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import {
  mkdir,
  mkdtemp,
  open,
  readdir,
  rename,
  rm,
  stat,
} from "node:fs/promises";
import path from "node:path";
import process from "node:process";
import * as tar from "tar";
import { CIFAR10_FILES, RECORD_BYTES } from "./cifar10.ts";
import { ConfigError, DataError, DownloadError } from "../util/errors.ts";
import { formatBytes } from "../util/format.ts";
import { ProgressBar } from "../util/progress.ts";

/** The official archive of the binary version. */
export const CIFAR10_URL =
  "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
/** MD5 of {@linkcode CIFAR10_URL}, as published on the CIFAR-10 page. */
export const CIFAR10_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";
/** The folder the archive holds. */
export const ARCHIVE_FOLDER = "cifar-10-batches-bin";

/** Options of {@linkcode downloadCifar10}. */
export interface DownloadOptions {
  /** Archive URL; default env `CIFAR10_URL`, else {@linkcode CIFAR10_URL}. */
  url?: string;
  /** Expected MD5 (hex) of the archive; default env `CIFAR10_MD5`, else {@linkcode CIFAR10_MD5}. */
  md5?: string;
  /** Environment to read `CIFAR10_URL` / `CIFAR10_MD5` from; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Where the progress bar is written; default standard error. */
  write?: (text: string) => void;
  /** Redraw the bar in place; default: standard error is a terminal. */
  interactive?: boolean;
}

/**
 * Downloads, checks and extracts the archive so that `destDir` becomes a complete
 * `cifar-10-batches-bin` directory. If `destDir` appears meanwhile (another process finished
 * first), that one is kept.
 *
 * @example
 * ```ts
 * import { downloadCifar10 } from "./download.ts";
 * await downloadCifar10("/tmp/cifar", { url: "http://mirror.example/cifar-10-binary.tar.gz" });
 * ```
 */
export async function downloadCifar10(
  destDir: string,
  options: DownloadOptions = {},
): Promise<void> {
  const env = options.env ?? process.env;
  const url = options.url ?? (env.CIFAR10_URL || CIFAR10_URL);
  const md5 = (options.md5 ?? (env.CIFAR10_MD5 || CIFAR10_MD5)).toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(md5)) {
    throw new ConfigError(`expected MD5 must be 32 hex digits, got "${md5}"`);
  }
  const parent = path.dirname(path.resolve(destDir));
  const prefix = `.${path.basename(destDir)}.partial-${process.pid}-`;
  let temp: string;
  try {
    await mkdir(parent, { recursive: true });
    await removeStaleTemps(parent, path.basename(destDir));
    temp = await mkdtemp(path.join(parent, prefix));
  } catch (error) {
    throw new DataError(
      `${parent}: cannot create a temporary download folder: ${
        errorText(error)
      }`,
      { cause: error },
    );
  }
  try {
    const archive = path.join(temp, "archive.tar.gz");
    const got = await fetchToFile(url, archive, options);
    if (got !== md5) {
      throw new DownloadError(
        `checksum mismatch for ${url}: expected MD5 ${md5}, got ${got}`,
      );
    }
    const extracted = path.join(temp, "extracted");
    await mkdir(extracted);
    try {
      await tar.x({ file: archive, cwd: extracted, strict: true });
    } catch (error) {
      throw new DownloadError(
        `cannot extract ${url}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    const folder = path.join(extracted, ARCHIVE_FOLDER);
    await checkExtracted(folder, url);
    await moveIntoPlace(folder, destDir);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** Streams `url` into `file`, showing progress; returns the MD5 (hex) of what was received. */
async function fetchToFile(
  url: string,
  file: string,
  options: DownloadOptions,
): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new DownloadError(`cannot download ${url}: ${errorText(error)}`, {
      cause: error,
    });
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new DownloadError(
      `cannot download ${url}: HTTP ${response.status} ${response.statusText}`,
    );
  }
  const total = Number(response.headers.get("content-length") ?? 0);
  const bar = new ProgressBar({
    total,
    label: "CIFAR-10",
    formatAmount: formatBytes,
    rateUnit: "/s",
    write: options.write,
    interactive: options.interactive,
  });
  const hash = createHash("md5");
  const handle = await open(file, "w");
  let received = 0;
  try {
    for await (const chunk of response.body) {
      await handle.write(chunk);
      hash.update(chunk);
      received += chunk.length;
      bar.update(received);
    }
  } catch (error) {
    throw interrupted(url, received, total, errorText(error), error);
  } finally {
    await handle.close();
    bar.done(received); // ends the bar's line, also where the transfer stopped
  }
  if (total > 0 && received !== total) {
    throw interrupted(url, received, total, "connection closed early");
  }
  return hash.digest("hex");
}

function interrupted(
  url: string,
  received: number,
  total: number,
  reason: string,
  cause?: unknown,
): DownloadError {
  const of = total > 0 ? ` of ${formatBytes(total)}` : "";
  return new DownloadError(
    `download of ${url} interrupted after ${
      formatBytes(received)
    }${of}: ${reason}`,
    { cause },
  );
}

/** Checks that the archive held every file, each record file a whole number of records. */
async function checkExtracted(folder: string, url: string): Promise<void> {
  for (const name of CIFAR10_FILES) {
    const file = path.join(folder, name);
    const size = await stat(file).then((info) => info.size, () => -1);
    if (size < 0) {
      throw new DownloadError(
        `archive ${url} has no ${ARCHIVE_FOLDER}/${name}`,
      );
    }
    if (name.endsWith(".bin") && (size === 0 || size % RECORD_BYTES !== 0)) {
      throw new DownloadError(
        `archive ${url}: ${ARCHIVE_FOLDER}/${name} has ${size} bytes, not a multiple of ${RECORD_BYTES}`,
      );
    }
  }
}

async function moveIntoPlace(folder: string, destDir: string): Promise<void> {
  try {
    await rename(folder, destDir);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const exists = await stat(destDir).then(
      (info) => info.isDirectory(),
      () => false,
    );
    if (exists && (code === "ENOTEMPTY" || code === "EEXIST")) return;
    throw new DataError(
      `${destDir}: cannot move the downloaded data into place: ${
        errorText(error)
      }`,
      {
        cause: error,
      },
    );
  }
}

/** Removes temporary directories left by downloads whose process no longer runs. */
async function removeStaleTemps(parent: string, base: string): Promise<void> {
  const pattern = new RegExp(`^\\.${escapeRegExp(base)}\\.partial-(\\d+)-`);
  for (const entry of await readdir(parent)) {
    const pid = Number(pattern.exec(entry)?.[1]);
    if (pid && !processRuns(pid)) {
      await rm(path.join(parent, entry), { recursive: true, force: true });
    }
  }
}

function processRuns(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code !== "ESRCH";
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function errorText(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  const cause = (error as { cause?: Error })?.cause?.message;
  return cause && !message.includes(cause) ? `${message} (${cause})` : message;
}
