/**
 * The project root (the folder holding deno.json), derived from this module's location so it
 * is right under Deno and Node and from any working directory.
 *
 * @example
 * ```ts
 * import { projectRoot } from "./project.ts";
 * const dataDir = `${projectRoot()}/data/cifar-10-batches-bin`;
 * ```
 * @module
 */
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(
  /[\\/]$/,
  "",
);

/**
 * Absolute path of the project root, without a trailing separator.
 *
 * @example
 * ```ts
 * import { projectRoot } from "./project.ts";
 * projectRoot(); // "/work/main"
 * ```
 */
export function projectRoot(): string {
  return ROOT;
}
