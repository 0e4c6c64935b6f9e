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
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ConfigError, SuiteError } from "./errors.ts";

/** Runs `main`, printing user errors as one line (exit 2) and other errors in full (exit 1). */
export async function runCli(main: () => Promise<void> | void): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof SuiteError || isParseArgsError(error)) {
      // One line: parseArgs' own messages can span several.
      const message = (error as Error).message.replace(/\s*\n\s*/g, " ");
      process.stderr.write(`error: ${message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}

/** The option table of {@linkcode parseCommandLine}, as `node:util` parseArgs takes it. */
export type CliOptions = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses the process' flags against `options` (strict: an unknown flag is a one-line error) and
 * keeps the positional arguments, for commands that take some (notebook names, arguments passed
 * through after `--`). Returns undefined after printing `help` for `-h`/`--help` (the table
 * should declare `help: { type: "boolean", short: "h" }`).
 *
 * @example
 * ```ts
 * import { parseCommandLineWithArguments } from "./cli.ts";
 * const parsed = parseCommandLineWithArguments({
 *   help: { type: "boolean", short: "h" },
 * }, "Usage: notebooks [NOTEBOOK...]\n", ["01_data"]);
 * parsed?.positionals; // ["01_data"]
 * ```
 */
export function parseCommandLineWithArguments<const T extends CliOptions>(
  options: T,
  help: string,
  args: string[] = process.argv.slice(2),
) {
  const { values, positionals } = parseArgs({
    args,
    options,
    allowPositionals: true,
  });
  if ((values as { help?: boolean }).help) {
    process.stdout.write(help);
    return undefined;
  }
  return { flags: values, positionals };
}

/**
 * Parses the process' flags against `options` (strict: an unknown flag or a stray argument is a
 * one-line error). Returns the values, or undefined after printing `help` for `-h`/`--help`.
 *
 * @example
 * ```ts
 * import { parseCommandLine } from "./cli.ts";
 * const flags = parseCommandLine({
 *   lr: { type: "string" },
 *   help: { type: "boolean", short: "h" },
 * }, "Usage: train [--lr X]\n");
 * if (flags) console.log(flags.lr);
 * ```
 */
export function parseCommandLine<const T extends CliOptions>(
  options: T,
  help: string,
  args: string[] = process.argv.slice(2),
) {
  const parsed = parseCommandLineWithArguments(options, help, args);
  if (parsed && parsed.positionals.length > 0) {
    throw new ConfigError(
      `unexpected argument "${parsed.positionals[0]}" (see --help)`,
    );
  }
  return parsed?.flags;
}

/**
 * A numeric flag's value, or undefined when the flag is absent; "abc" is a one-line error.
 *
 * @example
 * ```ts
 * import { numberFlag } from "./cli.ts";
 * numberFlag("lr", "0.01"); // 0.01
 * numberFlag("lr", undefined); // undefined
 * numberFlag("lr", "fast"); // throws ConfigError: --lr must be a number, got "fast"
 * ```
 */
export function numberFlag(
  name: string,
  raw: string | undefined,
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === "" || Number.isNaN(value)) {
    throw new ConfigError(`--${name} must be a number, got "${raw}"`);
  }
  return value;
}
