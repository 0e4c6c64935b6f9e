/**
 * Typed errors. Every error a user can cause by bad input is a {@linkcode SuiteError}: its message
 * is one line that names what was wrong, and the CLI edge prints just that line (no stack trace).
 *
 * @example
 * ```ts
 * import { ConfigError } from "./errors.ts";
 * throw new ConfigError("--lr must be a positive finite number, got -1");
 * ```
 * @module
 */

/** Base class of the errors the suite reports to users as one line. */
export class SuiteError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message.replace(/\s*\n\s*/g, " "), options);
    this.name = new.target.name;
  }
}

/** A bad option, flag or config value; raised before any compute starts. */
export class ConfigError extends SuiteError {}

/** Dataset files that are missing, unreadable or malformed; the message names the file. */
export class DataError extends SuiteError {}

/** A download that failed, was interrupted or did not match its checksum. */
export class DownloadError extends SuiteError {}
