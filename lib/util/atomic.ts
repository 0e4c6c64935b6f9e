/**
 * Atomic file writes: data goes to a temporary file beside the target, then a rename puts it in
 * place, so a reader (or a run killed mid-write) never sees a half-written file.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./atomic.ts";
 * await writeFileAtomic("results/summary.json", JSON.stringify({ status: "ok" }));
 * ```
 * @module
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/** Writes `data` to `file` atomically, creating the parent directory if needed. */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
