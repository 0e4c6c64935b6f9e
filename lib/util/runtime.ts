/**
 * The JavaScript runtime this code runs on, for provenance in results.
 *
 * @example
 * ```ts
 * import { runtimeName } from "./runtime.ts";
 * runtimeName(); // "deno 2.9.6" or "node v20.20.2"
 * ```
 * @module
 */
import process from "node:process";

/** "deno <version>" under Deno, "node <version>" under Node. */
export function runtimeName(): string {
  const deno = process.versions.deno;
  return deno !== undefined ? `deno ${deno}` : `node ${process.version}`;
}
