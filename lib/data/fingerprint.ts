/**
 * A SHA-256 fingerprint of the data set files, recorded with every result so a number can be
 * traced to the exact data it came from. Hashing 180 MB takes a while, so the result is cached
 * (memory and disk) under the files' identity.
 *
 * @example
 * ```ts
 * import { datasetFingerprint } from "./fingerprint.ts";
 * const { sha256 } = await datasetFingerprint("data/cifar-10-batches-bin");
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import path from "node:path";
import { cachedValue, type CacheOptions, filesIdentity } from "./cache.ts";
import { CIFAR10_FILES, describeFsError } from "./cifar10.ts";
import { DataError } from "../util/errors.ts";

/** The checksums of a data directory. */
export interface DatasetFingerprint {
  /** SHA-256 of the manifest: one `<sha256>  <file name>\n` line per file, in file order. */
  sha256: string;
  /** SHA-256 of each file, by file name. */
  files: Record<string, string>;
}

/**
 * Fingerprints the CIFAR-10 files in `dir` (data_batch_1..5.bin, test_batch.bin,
 * batches.meta.txt). The manifest's format is that of `sha256sum`, so
 * `sha256sum <files> | sha256sum` in the directory gives the same `sha256`.
 *
 * @example
 * ```ts
 * import { datasetFingerprint } from "./fingerprint.ts";
 * const fingerprint = await datasetFingerprint("data/cifar-10-batches-bin");
 * fingerprint.files["test_batch.bin"]; // "a1a6452109f7..."
 * ```
 */
export async function datasetFingerprint(
  dir: string,
  options: Omit<CacheOptions, "validate"> = {},
): Promise<DatasetFingerprint> {
  const paths = CIFAR10_FILES.map((name) => path.join(dir, name));
  const key = await filesIdentity(paths);
  return cachedValue("fingerprint", key, async () => {
    const digests = await Promise.all(paths.map(sha256File));
    const files = Object.fromEntries(
      CIFAR10_FILES.map((name, i) => [name, digests[i]]),
    );
    const manifest = CIFAR10_FILES.map((name, i) => `${digests[i]}  ${name}\n`)
      .join("");
    return {
      sha256: createHash("sha256").update(manifest).digest("hex"),
      files,
    };
  }, { ...options, validate: isFingerprint });
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on(
        "error",
        (error) =>
          reject(
            new DataError(`${file}: ${describeFsError(error, "data file")}`, {
              cause: error,
            }),
          ),
      )
      .on("end", () => resolve(hash.digest("hex")));
  });
}

function isFingerprint(value: unknown): boolean {
  const v = value as DatasetFingerprint | null;
  const hex = (s: unknown) => typeof s === "string" && /^[0-9a-f]{64}$/.test(s);
  return hex(v?.sha256) && CIFAR10_FILES.every((name) => hex(v?.files?.[name]));
}
