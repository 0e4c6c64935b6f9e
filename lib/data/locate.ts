/**
 * Finding the CIFAR-10 data: the `--data DIR` flag, else env `CIFAR10_DIR`, else
 * `<project>/data/cifar-10-batches-bin`, which is downloaded when absent.
 *
 * @example
 * ```ts
 * import { ensureCifar10 } from "./locate.ts";
 * const { dir, source } = await ensureCifar10({ data: undefined }); // source: "project", ...
 * ```
 * @module
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import process from "node:process";
import { describeFsError } from "./cifar10.ts";
import { downloadCifar10, type DownloadOptions } from "./download.ts";
import { projectRoot } from "./project.ts";
import { DataError } from "../util/errors.ts";

/** How the data directory was found. */
export type DataSource = "flag" | "env" | "project" | "downloaded";

/** Options of {@linkcode ensureCifar10}. */
export interface EnsureCifar10Options extends DownloadOptions {
  /** The `--data DIR` flag's value, if given; it must name an existing directory. */
  data?: string;
  /** Environment to read `CIFAR10_DIR` (and the download overrides) from; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** The directory used (and downloaded to) when neither flag nor env is set. */
  defaultDir?: string;
}

/** Where the data is and how it was found. */
export interface LocatedData {
  /** Absolute path of the `cifar-10-batches-bin` directory. */
  dir: string;
  /** Which rule found it. */
  source: DataSource;
}

/**
 * The default data directory, `<project>/data/cifar-10-batches-bin` (git-ignored).
 *
 * @example
 * ```ts
 * import { defaultDataDir } from "./locate.ts";
 * defaultDataDir(); // "/path/to/project/data/cifar-10-batches-bin"
 * ```
 */
export function defaultDataDir(): string {
  return path.join(projectRoot(), "data", "cifar-10-batches-bin");
}

/**
 * Finds the data directory, downloading into the default directory when neither the flag nor
 * `CIFAR10_DIR` is set and the default directory does not exist. A flag or env value naming a
 * missing or unreadable directory is an error (a typo should not start a 163 MiB download).
 *
 * @example
 * ```ts
 * import { ensureCifar10 } from "./locate.ts";
 * const { dir } = await ensureCifar10({ data: "/datasets/cifar-10-batches-bin" });
 * ```
 */
export async function ensureCifar10(
  options: EnsureCifar10Options = {},
): Promise<LocatedData> {
  const env = options.env ?? process.env;
  if (options.data !== undefined && options.data !== "") {
    return { dir: await existingDir(options.data, "--data "), source: "flag" };
  }
  if (env.CIFAR10_DIR) {
    return {
      dir: await existingDir(env.CIFAR10_DIR, "CIFAR10_DIR="),
      source: "env",
    };
  }
  const dir = path.resolve(options.defaultDir ?? defaultDataDir());
  try {
    await readdir(dir);
    return { dir, source: "project" };
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") {
      throw unreadable(dir, error);
    }
  }
  await downloadCifar10(dir, { ...options, env });
  return { dir, source: "downloaded" };
}

async function existingDir(dir: string, origin: string): Promise<string> {
  try {
    await readdir(path.resolve(dir));
  } catch (error) {
    throw unreadable(`${origin}${dir}`, error);
  }
  return path.resolve(dir);
}

function unreadable(label: string, error: unknown): DataError {
  return new DataError(
    `${label}: ${describeFsError(error, "data directory")}`,
    { cause: error },
  );
}
