/**
 * The edge between a command-line entry point and the library: parses flags with
 * `node:util` parseArgs, prints `--help`, and turns a {@linkcode SuiteError} (or a bad flag) into
 * one line on stderr and exit code 2, instead of a stack trace.
 *
 * @example
 * ```ts
 * import { runCli } from "./cli.ts";
 * await runCli(async () => {
 *   // ... parse flags, do the work ...
 * });
 * ```
 * @module
 */
import process from "node:process";
import { SuiteError } from "./errors.ts";

/** Runs `main`, printing user errors as one line (exit 2) and other errors in full (exit 1). */
export async function runCli(main: () => Promise<void> | void): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof SuiteError || isParseArgsError(error)) {
      process.stderr.write(`error: ${(error as Error).message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}
